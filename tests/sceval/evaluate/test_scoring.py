"""Exact Decimal scores, half-up at every level, checked against numbers worked out by hand."""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from sceval.evaluate.scoring import ScoreInputs, compare_cached, score_catalog
from sctemplates.layout import TOTAL_SCORE, score_name
from tests.sceval.ingest_helpers import base_catalog, valid_values

CATALOG = base_catalog()
SUBS = {sub.code: sub for sub in CATALOG.sub_items()}
SECONDS = {second.code: second for second in CATALOG.second_levels()}
D = Decimal


def name(code: str, role: str) -> str:
    return SUBS[code].input(role).name


def values(**changes) -> dict:
    base = {k: (D(str(v)) if isinstance(v, (int, float)) else v) for k, v in valid_values(CATALOG).items()}
    return base | changes


def score(vals, bad=frozenset(), feed=None):
    return score_catalog(CATALOG, ScoreInputs(vals, frozenset(bad), feed))


def test_official_example_rounds_half_up_not_bankers_not_float():
    assert SUBS["L1P1-A1"].weight == 30 and SUBS["L1P1-A1"].method == "ratio"
    sheet = score(values(**{name("L1P1-A1", "numerator"): D(823), name("L1P1-A1", "denominator"): D(2000)}))
    assert sheet.scores["L1P1-A1"] == D("12.35")  # 30 × 0.4115 = 12.345 → 12.35
    assert D("12.345").quantize(D("0.01"), rounding=ROUND_HALF_EVEN) == D("12.34")  # banker's differs


def test_second_level_is_rounded_weighted_sum_half_up():
    # L1P2 (3 points): graded 0, ratio 33 × 1/22 = 1.5, ratio 0 → Σ 1.50 → 3 × 1.50 / 100 = 0.045 → 0.05
    assert SECONDS["L1P2"].weight == 3
    lowest = SUBS["L1P2-A1"].input("choice").choices[0]
    assert lowest.fraction == 0
    sheet = score(values(**{
        name("L1P2-A1", "choice"): lowest.label,
        name("L1P2-A2", "numerator"): D(1), name("L1P2-A2", "denominator"): D(22),
        name("L1P2-A3", "numerator"): D(0),
    }))
    assert [sheet.scores[c] for c in ("L1P2-A1", "L1P2-A2", "L1P2-A3")] == [D(0), D("1.50"), D(0)]
    assert sheet.scores["L1P2"] == D("0.05")


def test_full_valid_return_by_hand():
    sheet = score(values())
    # L1P1 (8 points): three ratios at 1/2 → 15 + 17.5 + 17.5 = 50 → 8 × 50 / 100 = 4.00
    assert sheet.scores["L1P1"] == D("4.00")
    # L1P2: graded full 34 + 16.5 + 16.5 = 67 → 3 × 67 / 100 = 2.01
    assert sheet.scores["L1P2"] == D("2.01")
    # the rate sub-item: 1.7 of a 3.4 target → half its weight
    assert sheet.scores["L3P2-A1"] == SUBS["L3P2-A1"].weight / 2
    # first level = Σ second levels; total = Σ first levels
    for first in CATALOG.indicators:
        assert sheet.scores[first.code] == sum(sheet.scores[s.code] for s in first.children)
    assert sheet.total == sum(sheet.scores[f.code] for f in CATALOG.indicators)
    assert sheet.points_at_stake == 0


def test_missing_central_feed_scores_zero_with_warning_not_invented():
    sheet = score(values())
    central = [i for i in sheet.issues if i.code == "CENTRAL_MISSING"]
    assert sorted(i.indicator for i in central) == ["L1P7-A2", "L8P1"]
    assert sheet.scores["L1P7-A2"] == 0 and sheet.scores["L8P1"] == 0
    assert sheet.points_at_stake == 0  # not the city's to win back


def test_central_feed_values_are_scored():
    feed = {SUBS["L1P7-A2"].input("feed").name: D(90), SECONDS["L8P1"].inputs[0].name: D("80.5")}
    sheet = score(values(), feed=feed)
    assert sheet.scores["L1P7-A2"] == D("29.70")  # 33 × 90 / 100
    assert sheet.scores["L8P1"] == D("16.10")  # 20 × 80.5 / 100, scored on the second level
    assert not [i for i in sheet.issues if i.code == "CENTRAL_MISSING"]


def test_error_or_missing_input_scores_zero_and_points_at_stake():
    vals = values()
    del vals[name("L1P1-A1", "numerator")]
    sheet = score(vals, bad={"L1P3-A1"})
    assert sheet.scores["L1P1-A1"] == 0 and sheet.scores["L1P3-A1"] == 0
    # 8 × 30 / 100 = 2.4 plus 3 × 34 / 100 = 1.02
    assert sheet.points_at_stake == D("3.42")
    assert "L1P1-A1" not in sheet.measured and sheet.measured["L1P1-A2"] == D("0.5")


def test_capped_ratio_caps_at_full_weight():
    sub = next(s for s in CATALOG.sub_items() if s.method == "capped_ratio")
    sheet = score(values(**{sub.input("numerator").name: D(300), sub.input("denominator").name: D(200)}))
    assert sheet.scores[sub.code] == sub.weight


def test_cached_live_scores_are_compared():
    mine = score(values(**{name("L1P1-A1", "numerator"): D(823), name("L1P1-A1", "denominator"): D(2000)}))
    cached = {score_name("L1P1-A1"): D("12.35"), score_name("L1P1-A2"): D("9.99"),
              score_name("L1P1-A3"): D(0), TOTAL_SCORE: mine.total + D("0.01")}

    def where(_name):
        return {"file": "f.xlsx", "sheet": "基础指标", "cell": "J5"}

    issues = compare_cached(CATALOG, mine, cached.get, where)
    assert [(i.code, i.indicator) for i in issues] == [("SCORE_FORMULA_DIFFERS", "L1P1-A2")]
    assert "9.99" in issues[0].message and "17.50" in issues[0].message
