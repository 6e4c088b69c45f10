"""What a city meant, beyond one cell: a returned template left blank, a fraction typed into a
%-unit cell. Pure judgement on parsed values; the thresholds are data (sctemplates/reading_rules.yaml), the targets
and ranges the catalog's. Warnings only — a value is never changed.
"""
from __future__ import annotations

import statistics
from decimal import Decimal

from sctemplates.issues import Issue, issue
from sctemplates.methods import show_number
from sctemplates.model import Catalog, Input, SubItem
from sctemplates.reading_rules import reading_rules as rules

from sceval.evaluate.parse import BLANK, Parsed, place_text


# --- a blank template ----------------------------------------------------------------------

def filled_count(catalog: Catalog, parsed: dict[str, Parsed]) -> int:
    """How many of the catalog's city inputs hold anything at all (even a wrong value)."""
    return sum(1 for _, item in catalog.city_inputs()
               if item.name in parsed and parsed[item.name].state != BLANK)


def is_blank(catalog: Catalog, parsed: dict[str, Parsed]) -> bool:
    rule = rules()["blank_template"]
    total = len(catalog.city_inputs())
    filled = filled_count(catalog, parsed)
    return total > 0 and (filled <= rule["max_filled"] or Decimal(filled) <= Decimal(str(rule["max_share"])) * total)


def blank_template_issue(catalog: Catalog, parsed: dict[str, Parsed], file: str) -> Issue | None:
    """BLANK_TEMPLATE when (almost) no city input is filled: such a file never counts over a
    filled return of the same city (sceval.ledger.ordering.BLANK)."""
    if not is_blank(catalog, parsed):
        return None
    filled, total = filled_count(catalog, parsed), len(catalog.city_inputs())
    return issue("BLANK_TEMPLATE", f"文件 {file} 是未填写数据的空白模板（{total} 项城市填报数据中填写了 {filled} 项），"
                                   "本文件不计分；该市另有已填报的报送时以已填报的为准，否则该市尚未报送填好的填报表，"
                                   "请其填写后报送", file=file)


# --- a fraction in a %-unit cell -------------------------------------------------------------

def percent_inputs(catalog: Catalog):
    """(sub-item, input) of every city-filled input in the rule's percent unit."""
    unit = rules()["percent_fraction"]["unit"]
    for sub in catalog.sub_items():
        for item in sub.inputs:
            if item.city_fills and item.unit == unit and not item.choices:
                yield sub, item


def looks_like_fraction(value) -> bool:
    return isinstance(value, Decimal) and Decimal(0) < value < Decimal(1)


def _within_range(item: Input, percent: Decimal) -> bool:
    return (item.min is None or percent >= item.min) and (item.max is None or percent <= item.max)


def _target(sub: SubItem) -> Decimal | None:
    params = dict(sub.params)
    return Decimal(str(params["target"])) if "target" in params else None


def plausible_by_target(sub: SubItem, item: Input, value: Decimal) -> bool | None:
    """True/False when the sub-item has a target to judge v×100 by; None when it has none."""
    target = _target(sub)
    if target is None or target <= 0:
        return None
    rule = rules()["percent_fraction"]
    percent = value * 100
    low, high = target * Decimal(str(rule["target_low"])), target * Decimal(str(rule["target_high"]))
    return value < low and _within_range(item, percent) and low <= percent <= high


def plausible_by_batch(item: Input, value: Decimal, others: list[Decimal]) -> bool:
    """v×100 near the median of the batch's other cities (enough of them, each already ≥ 1)."""
    rule = rules()["percent_fraction"]
    if len(others) < rule["batch_min_cities"]:
        return False
    median = Decimal(str(statistics.median(others)))
    spread = Decimal(str(rule["batch_spread"]))
    percent = value * 100
    return _within_range(item, percent) and median >= 1 and percent / spread <= median <= percent * spread


def fraction_issue(sub: SubItem, item: Input, value: Decimal, where: dict) -> Issue:
    shown, meant = show_number(value), show_number(value * 100)
    return issue("VAL_PERCENT_AS_FRACTION",
                 f"{place_text(where)}：{item.label}的单位是“{item.unit}”，填写的 {shown} 看起来是小数形式的百分比；"
                 f"如本意是 {meant}%，请改填 {meant}（本次按填写的 {shown} 计分，未作改动）",
                 **where, indicator=sub.code)


def fraction_warnings(catalog: Catalog, parsed: dict[str, Parsed], locate) -> list[Issue]:
    """VAL_PERCENT_AS_FRACTION for %-unit inputs whose value reads plausibly ×100 by the target."""
    found = []
    for sub, item in percent_inputs(catalog):
        value = parsed.get(item.name)
        if value is not None and value.ok and looks_like_fraction(value.value) \
                and plausible_by_target(sub, item, value.value):
            found.append(fraction_issue(sub, item, value.value, locate(item.name)))
    return found


def batch_fraction_warnings(catalogs, returns: dict[str, dict], where) -> dict[str, list[Issue]]:
    """VAL_PERCENT_AS_FRACTION for %-unit inputs without a target, judged by the batch: ``returns``
    city -> {input name: value}; ``where(city, sub, item)`` -> the location dict of that cell."""
    found: dict[str, list[Issue]] = {}
    for catalog in catalogs:
        for sub, item in percent_inputs(catalog):
            if _target(sub) is not None:
                continue  # judged by its target, file by file
            values = {city: _decimal(inputs.get(item.name)) for city, inputs in returns.items()}
            values = {city: value for city, value in values.items() if value is not None}
            for city, value in values.items():
                others = [v for c, v in values.items() if c != city]
                if looks_like_fraction(value) and plausible_by_batch(item, value, others):
                    found.setdefault(city, []).append(fraction_issue(sub, item, value, where(city, sub, item)))
    return found


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    return Decimal(str(value))
