"""Returns whose numbers were pasted from another city's return.

Two cities rarely report the same count for more than a few indicators; a city that copied
another's workbook (to "save time", or by sending the wrong attachment) reports the same numbers
nearly everywhere. Compared are the numeric inputs the cities typed (choices coincide too often
to mean anything). A pair is flagged, on both cities, naming the other, when at least ``SHARE`` of
the inputs either city filled are equal — a warning for the province to verify, never a
rejection: only a phone call can say which of the two is the original.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

from sctemplates.issues import Issue, issue

SHARE = Decimal("0.9")  # "nearly identical": at least 90 % of the filled inputs equal
MINIMUM = 5  # fewer shared numbers than this say nothing about copying


@dataclass(frozen=True)
class Return:
    """One counted return: the city, the file it came in, and its numeric inputs by name."""

    code: str
    name: str
    file: str
    numbers: dict[str, Decimal]


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    return Decimal(str(value))


def numeric_inputs(inputs: dict[str, object], names) -> dict[str, Decimal]:
    """The filled numeric values among ``names`` (the city-filled inputs of the catalog)."""
    found = {name: _number(inputs.get(name)) for name in names}
    return {name: value for name, value in found.items() if value is not None}


def _equal_counts(returns: list[Return]) -> Counter:
    """(i, j) -> how many inputs returns i and j filled with the same number, for the pairs that
    share any: through an index of (input, value), so unrelated returns are never compared (all
    pairs of 340 cities took seconds; real coincidences are few)."""
    holders: dict[tuple[str, Decimal], list[int]] = defaultdict(list)
    for position, one in enumerate(returns):
        for item in one.numbers.items():
            holders[item].append(position)
    counts: Counter = Counter()
    for members in holders.values():
        counts.update(combinations(members, 2))
    return counts


def _message(mine: Return, other: Return, equal: int, filled: int) -> str:
    if equal == filled:
        how = f"全部 {filled} 个数值"
    else:
        percent = (Decimal(100) * equal / filled).quantize(Decimal(1), ROUND_HALF_UP)
        how = f"{filled} 个数值中有 {equal} 个（{percent}%）"
    return (f"文件 {mine.file} 的填报数值与{other.name}（{other.code}）报送的 {other.file} {how}完全相同，"
            f"请核实{mine.name}是否误用了{other.name}的数据（仅提示，不影响计分）")


def find_copies(returns: list[Return], share: Decimal = SHARE, minimum: int = MINIMUM) -> dict[str, list[Issue]]:
    """INPUT_COPIED warnings by city code, one per other city it resembles."""
    found: dict[str, list[Issue]] = {}
    for (i, j), equal in sorted(_equal_counts(returns).items()):
        a, b = returns[i], returns[j]
        filled = len(a.numbers.keys() | b.numbers.keys())
        if equal < minimum or Decimal(equal) < share * filled:
            continue
        for mine, other in ((a, b), (b, a)):
            found.setdefault(mine.code, []).append(
                issue("INPUT_COPIED", _message(mine, other, equal, filled), file=mine.file))
    return found
