"""Rules a parsed return must keep: presence, integers, ranges, ratio pairs, filer information.

Each broken rule is an Issue at the cell that breaks it, naming the indicator, saying what was
found and what is expected. Checks never change a value; scoring reads which indicators carry
an error and gives them 0.
"""
from __future__ import annotations

from decimal import Decimal

from sctemplates.issues import Issue, issue
from sctemplates.layout import ATTEST_CHOICE, FILER_ATTEST, FILER_FIELDS
from sctemplates.methods import METHODS
from sctemplates.model import Catalog, Input, SubItem

from sceval.evaluate.parse import BLANK, Parsed, place_text

ATTEST_NAME = FILER_ATTEST


def _place(where: dict) -> str:
    return place_text(where)


def check_inputs(catalog: Catalog, parsed: dict[str, Parsed], locate) -> list[Issue]:
    """Presence, integer, range and ratio-pair rules for every city input of ``catalog``.

    ``locate(name)`` gives the input's location: dict(file, sheet, cell).
    """
    found: list[Issue] = []
    for sub in catalog.sub_items():
        city_inputs = [item for item in sub.inputs if item.city_fills]
        if not city_inputs:
            continue
        where = _Places(locate, sub.code)
        if METHODS[sub.method].pair:
            found += _check_ratio(sub, parsed, where)
        else:
            found += _check_presence(city_inputs, parsed, where)
        for item in city_inputs:
            found += _check_value(item, parsed.get(item.name), where)
    return found


class _Places(dict):
    """Input name -> where it is (file, sheet, cell, indicator), looked up only when an issue
    needs it: most inputs of most returns have none."""

    def __init__(self, locate, indicator: str):
        super().__init__()
        self.locate, self.indicator = locate, indicator

    def __missing__(self, name: str) -> dict:
        place = self[name] = {**self.locate(name), "indicator": self.indicator}
        return place


def _check_presence(items: list[Input], parsed: dict[str, Parsed], where: dict) -> list[Issue]:
    return [
        issue("VAL_MISSING", f"{_place(where[item.name])}（{item.label}）未填写，此项为必填", **where[item.name])
        for item in items
        if parsed.get(item.name) is None or parsed[item.name].state == BLANK
    ]


def _check_ratio(sub: SubItem, parsed: dict[str, Parsed], where: dict) -> list[Issue]:
    num, den = sub.input("numerator"), sub.input("denominator")
    blank = [item for item in (num, den) if parsed.get(item.name) is None or parsed[item.name].state == BLANK]
    if len(blank) == 2:
        return _check_presence([num, den], parsed, where)
    if blank:
        missing, other = blank[0], den if blank[0] is num else num
        message = (f"{_place(where[missing.name])}（{missing.label}）未填写，"
                   f"而{other.label}已填写；分子、分母应同时填写")
        return [issue("RATIO_PARTIAL", message, **where[missing.name])]
    if not (parsed[num.name].ok and parsed[den.name].ok):
        return []  # the bad one already carries its own error
    return _check_ratio_values(sub, parsed[num.name].value, parsed[den.name].value, where)


def _check_ratio_values(sub: SubItem, num: Decimal, den: Decimal, where: dict) -> list[Issue]:
    num_input, den_input = sub.input("numerator"), sub.input("denominator")
    if den == 0:
        return [issue("RATIO_DEN_ZERO", f"{_place(where[den_input.name])}（{den_input.label}）为 0，分母应大于 0",
                      **where[den_input.name])]
    if METHODS[sub.method].numerator_at_most_denominator and num > den:
        message = (f"{_place(where[num_input.name])}（{num_input.label}）为 {num}，大于分母 {den}；"
                   "分子不应大于分母，请核实（是否填反或口径不一致）")
        return [issue("RATIO_NUM_GT_DEN", message, **where[num_input.name])]
    return []


def _check_value(item: Input, parsed: Parsed | None, places: _Places) -> list[Issue]:
    if parsed is None or not parsed.ok:
        return []
    value: Decimal = parsed.value
    if not isinstance(value, Decimal):
        return []  # a choice label: already matched against the list
    whole = not item.integer or value == value.to_integral_value()
    low, high = item.min, item.max
    if whole and (low is None or value >= low) and (high is None or value <= high):
        return []
    where = places[item.name]
    if not whole:
        return [issue("VAL_NOT_INTEGER", f"{_place(where)}（{item.label}）为 {value}，单位为“{item.unit}”，应填写整数",
                      **where)]
    return [issue("VAL_OUT_OF_RANGE", f"{_place(where)}（{item.label}）为 {value}，{_range(low, high)}", **where)]


def _range(low: Decimal | None, high: Decimal | None) -> str:
    """'应在 -100 至 100 之间', or the one bound there is: a half-open range reads naturally."""
    if high is None:
        return f"不应小于 {low}"
    if low is None:
        return f"不应大于 {high}"
    return f"应在 {low} 至 {high} 之间"


def check_filer(parsed: dict[str, Parsed], locate) -> list[Issue]:
    """Every filer field present (FILER_MISSING) and the data-cutoff attestation made."""
    found = []
    for name, label in FILER_FIELDS.items():
        where = locate(name)
        value = parsed.get(name)
        if name == ATTEST_NAME:
            if value is None or value.value != ATTEST_CHOICE:
                shown = "未选择" if value is None or value.value is None else f"为“{value.value}”"
                found.append(issue("ATTEST_MISSING", f"{_place(where)}（{label}）{shown}，请选择“{ATTEST_CHOICE}”",
                                   **where))
        elif value is None or not value.ok:
            found.append(issue("FILER_MISSING", f"{_place(where)}（{label}）未填写", **where))
    return found


def completeness(catalog: Catalog, parsed: dict[str, Parsed], issues: list[Issue], locate) -> Decimal:
    """% of required city inputs filled with a usable value (no error at their cell)."""
    bad_cells = {(i.sheet, i.cell) for i in issues if i.is_error and i.cell}
    required = [item for _, item in catalog.city_inputs()]
    if not required:
        return Decimal(100)
    good = 0
    for item in required:
        value = parsed.get(item.name)
        if value is not None and value.ok and not (bad_cells and _at(locate(item.name)) in bad_cells):
            good += 1
    return Decimal(100) * good / len(required)


def _at(where: dict) -> tuple[str, str]:
    return where.get("sheet"), where.get("cell")
