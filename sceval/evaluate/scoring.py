"""Exact scores from checked values: Decimal, rounded half-up to 2 decimals at every level.

sub-item = round(raw_points); second-level = round(weight/100 × Σ sub-item scores), or
round(raw_points) when the second-level is scored directly (the survey); first-level = Σ second;
total = Σ first. A sub-item with an error or a missing input scores 0 and its maximum contribution
to the total (second.weight × sub.weight / 100) is recorded as points at stake — points the city
can still win by correcting its return. Central-feed values are never invented: a missing one is
a CENTRAL_MISSING warning and 0, not at stake for the city.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, DivisionByZero, InvalidOperation

from sctemplates.issues import Issue, issue
from sctemplates.layout import TOTAL_SCORE, score_name
from sctemplates.methods import HUNDRED, raw_points, round_score
from sctemplates.model import Catalog, Input, SecondLevel, SubItem

ZERO = Decimal(0)
CACHED_TOLERANCE = Decimal("0.01")  # Excel's float ROUND may land one cent off; that is no edit


@dataclass
class ScoreSheet:
    scores: dict[str, Decimal] = field(default_factory=dict)  # every code at every level
    total: Decimal = ZERO
    points_at_stake: Decimal = ZERO
    measured: dict[str, Decimal] = field(default_factory=dict)  # sub-item -> fraction achieved
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class ScoreInputs:
    """What scoring reads: usable values by input name, indicators with errors, the feed."""

    values: dict[str, object]  # Decimal, or a choice label, for usable inputs only
    bad: frozenset[str] = frozenset()  # indicator codes carrying an error
    feed: dict[str, Decimal] | None = None  # central/survey values by input name (None: no feed)
    locate: object = None  # name -> dict(file, sheet, cell); optional, for messages


def score_catalog(catalog: Catalog, given: ScoreInputs) -> ScoreSheet:
    sheet = ScoreSheet()
    for first in catalog.indicators:
        first_score = sum((_score_second(second, given, sheet) for second in first.children), ZERO)
        sheet.scores[first.code] = first_score
        sheet.total += first_score
    return sheet


def _score_second(second: SecondLevel, given: ScoreInputs, sheet: ScoreSheet) -> Decimal:
    if second.method:
        points = _item_points(second.code, second.method, second.weight, second.inputs, (), given, sheet)
        if points is None:
            points = ZERO
            sheet.points_at_stake += _at_stake(second.inputs, second.weight)
        score = round_score(points)
    else:
        subs = sum((_score_sub(second, sub, given, sheet) for sub in second.sub_items), ZERO)
        score = round_score(second.weight / HUNDRED * subs)
    sheet.scores[second.code] = score
    return score


def _score_sub(second: SecondLevel, sub: SubItem, given: ScoreInputs, sheet: ScoreSheet) -> Decimal:
    points = _item_points(sub.code, sub.method, sub.weight, sub.inputs, sub.params, given, sheet)
    if points is None:
        sheet.points_at_stake += _at_stake(sub.inputs, second.weight * sub.weight / HUNDRED)
        points = ZERO
    elif any(item.city_fills for item in sub.inputs) and sub.weight:
        sheet.measured[sub.code] = points / sub.weight
    score = round_score(points)
    sheet.scores[sub.code] = score
    return score


def _at_stake(inputs: tuple[Input, ...], points: Decimal) -> Decimal:
    """Only points the city itself can win back count as at stake."""
    return points if any(item.city_fills for item in inputs) else ZERO


def _item_points(code, method, weight, inputs, params, given: ScoreInputs, sheet: ScoreSheet):
    """Unrounded points, or None when the item cannot be scored (error or missing input)."""
    if code in given.bad:
        return None
    roles = {}
    for item in inputs:
        value = _role_value(code, item, given, sheet)
        if value is None:
            return None if item.city_fills else ZERO
        roles[item.role] = value
    try:
        return raw_points(method, weight, roles, dict(params))
    except (ZeroDivisionError, DivisionByZero, InvalidOperation):
        return None  # checks report the zero denominator; scoring only refuses to divide


def _role_value(code: str, item: Input, given: ScoreInputs, sheet: ScoreSheet):
    if not item.city_fills:
        return _feed_value(code, item, given, sheet)
    value = given.values.get(item.name)
    if item.choices and value is not None:
        return item.choice_fraction(value)
    return value


def _feed_value(code: str, item: Input, given: ScoreInputs, sheet: ScoreSheet) -> Decimal | None:
    value = (given.feed or {}).get(item.name)
    if value is None:
        where = given.locate(item.name) if given.locate else {}
        sheet.issues.append(issue(
            "CENTRAL_MISSING", f"{code}（{item.label}）由秘书处统一提供，本次未收到该城市的数据，暂计 0 分",
            **{**where, "indicator": code}))
    return value


def central_points(catalog: Catalog, codes=None) -> Decimal:
    """The most points in the total that depend on the secretariat's feed alone (only of the
    indicators in ``codes`` when given: those whose feed cell could not be read)."""
    points = ZERO
    for second in catalog.second_levels():
        if second.method and not any(item.city_fills for item in second.inputs) and (codes is None or second.code in codes):
            points += second.weight
        for sub in second.sub_items:
            if sub.inputs and not any(item.city_fills for item in sub.inputs) and (codes is None or sub.code in codes):
                points += second.weight * sub.weight / HUNDRED
    return points


def compare_cached(catalog: Catalog, mine: ScoreSheet, cached, where, total_name: str = TOTAL_SCORE) -> list[Issue]:
    """SCORE_FORMULA_DIFFERS where the workbook's own live score disagrees with ours.

    ``mine`` must be scored the way the workbook can (no central feed); ``cached(name)`` gives the
    cached number of a score cell or None. Zero/empty cached values are skipped: files saved by
    tools that do not recalculate carry 0 there.
    """
    found = []
    codes = [sub.code for sub in catalog.sub_items()] + [s.code for s in catalog.second_levels() if s.method]
    pairs = [(score_name(code), code, mine.scores.get(code, ZERO)) for code in codes]
    pairs.append((total_name, "", mine.total))
    for name, code, ours in pairs:
        theirs = cached(name)
        if theirs is None or theirs == 0 or abs(theirs - ours) <= CACHED_TOLERANCE:
            continue
        # The cover's preview leaves out the secretariat's values: "总分" beside a 48.43 read as the
        # official total (67.93 with them) to the official who saw it.
        label = code or "封面的得分预览（不含秘书处统一数据）"
        message = (f"{label} 工作簿内公式计算的得分为 {theirs}，系统计分为 {ours}，以系统计分为准"
                   "（可能是公式被修改或数值以文本等形式填写）")
        found.append(issue("SCORE_FORMULA_DIFFERS", message, **{**where(name), "indicator": code}))
    return found
