"""A count typed in the everyday unit where the catalog asks for 万/亿 (常住人口 3320000 人 in a 万人
cell): the ratio it belongs to then scores near 0, or — a numerator so typed — is capped at full
marks, and no check fires. Pure judgement on parsed values; the units, factors and thresholds are
data (sctemplates/reading_rules.yaml). A warning only — the value is never changed.
"""
from __future__ import annotations

from decimal import Decimal

from sctemplates.issues import Issue, issue
from sctemplates.methods import show_number
from sctemplates.model import Catalog, Input, SubItem
from sctemplates.reading_rules import reading_rules

from sceval.evaluate.parse import Parsed, place_text

RATIO_METHODS = ("ratio", "capped_ratio")


def _rule() -> dict:
    return reading_rules()["unit_scale"]


def _number(parsed: dict[str, Parsed], item: Input) -> Decimal | None:
    value = parsed.get(item.name)
    if value is None or not value.ok or not isinstance(value.value, Decimal) or value.value <= 0:
        return None
    return value.value


def _plausible(share: Decimal) -> bool:
    rule = _rule()
    return Decimal(str(rule["plausible_low"])) <= share <= Decimal(str(rule["plausible_high"]))


def suspect_input(sub: SubItem, num: Decimal, den: Decimal) -> Input | None:
    """The input of a ratio that reads as typed in its everyday unit, or None."""
    units, below = _rule()["units"], Decimal(str(_rule()["below"]))
    numerator, denominator = sub.input("numerator"), sub.input("denominator")
    share = num / den
    if share < below and denominator.unit in units:
        return denominator if _plausible(num * units[denominator.unit]["factor"] / den) else None
    if share > 1 / below and numerator.unit in units:
        return numerator if _plausible(num / units[numerator.unit]["factor"] / den) else None
    return None


def scale_issue(sub: SubItem, item: Input, value: Decimal, where: dict) -> Issue:
    unit = _rule()["units"][item.unit]
    meant = show_number(value / unit["factor"])
    return issue("VAL_UNIT_SCALE",
                 f"{place_text(where)}：{item.label}的单位是“{item.unit}”，填写的 {show_number(value)} "
                 f"看起来是按“{unit['typed_as']}”填写的，使{sub.name}的得分明显失真；如本意是 {meant}{item.unit}，"
                 f"请改填 {meant}（本次按填写的值计分，未作改动）", **where, indicator=sub.code)


def unit_scale_warnings(catalog: Catalog, parsed: dict[str, Parsed], locate) -> list[Issue]:
    """VAL_UNIT_SCALE for every ratio whose numerator or denominator reads as the wrong unit."""
    found = []
    for sub in catalog.sub_items():
        if sub.method not in RATIO_METHODS or not all(i.city_fills for i in sub.inputs):
            continue
        num, den = _number(parsed, sub.input("numerator")), _number(parsed, sub.input("denominator"))
        item = suspect_input(sub, num, den) if num is not None and den is not None else None
        if item is not None:
            value = num if item is sub.input("numerator") else den
            found.append(scale_issue(sub, item, value, locate(item.name)))
    return found
