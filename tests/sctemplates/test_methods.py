"""Method kinds: exact Decimal points and half-up rounding."""
from decimal import Decimal as D

import pytest

from sctemplates.methods import METHODS, excel_points, raw_points, round_score


def test_half_up_not_bankers_not_float():
    assert round_score(D("12.345")) == D("12.35")
    assert round_score(D("12.335")) == D("12.34")  # banker's would give 12.34 too; float gives 12.33
    assert round_score(D("0.125")) == D("0.13")  # banker's gives 0.12
    assert round(0.125, 2) == 0.12  # the trap the scorer avoids


def test_ratio_multiplies_before_dividing_so_halves_stay_exact():
    points = raw_points("ratio", D(30), {"numerator": D(823), "denominator": D(2000)}, {})
    assert points == D("12.345")
    assert round_score(points) == D("12.35")


def test_capped_ratio_caps_at_full_weight():
    values = {"numerator": D(130), "denominator": D(100)}
    assert raw_points("capped_ratio", D(33), values, {}) == D(33)


@pytest.mark.parametrize("value, expected", [("-2", "0"), ("1.7", "17"), ("3.4", "34"), ("9", "34")])
def test_rate_is_clamped_between_zero_and_target(value, expected):
    points = raw_points("rate", D(34), {"value": D(value)}, {"target": D("3.4")})
    assert points == D(expected)


def test_graded_central_and_survey():
    assert raw_points("graded", D(34), {"choice": D("0.7")}, {}) == D("23.8")
    assert raw_points("central", D(33), {"feed": D(50)}, {}) == D("16.5")
    assert raw_points("survey", D(20), {"feed": D("63.71")}, {}) == D("12.742")


def test_every_kind_has_an_excel_formula_and_unknown_kinds_fail():
    refs = {"numerator": "B1", "denominator": "B2", "choice": "B3", "value": "B4", "feed": "B5"}
    for name in METHODS:
        assert excel_points(name, D(10), refs, {"target": D("3.4")}).startswith("IF(")
    with pytest.raises(ValueError):
        raw_points("expert", D(1), {}, {})
    with pytest.raises(ValueError):
        excel_points("expert", D(1), refs, {})


@pytest.mark.parametrize("value, shown", [(D("35000.0"), "35000"), (D("3.5E+4"), "35000"),
                                          (D("0.50"), "0.5"), (60.0, "60"), (D("-1.25"), "-1.25")])
def test_show_number_writes_numbers_as_people_do(value, shown):
    from sctemplates.methods import show_number

    assert show_number(value) == shown
