"""Pasted values: pairs of returns with (nearly) the same numbers, flagged on both cities."""
from __future__ import annotations

from decimal import Decimal

from sceval.evaluate.copies import Return, find_copies, numeric_inputs

NAMES = [f"SC_IN_{i}" for i in range(20)]


def _return(code: str, name: str, values: dict) -> Return:
    return Return(code, name, f"{code}_{name}.xlsx", numeric_inputs(values, NAMES))


def _values(offset: int) -> dict:
    return {name: 100 + i * 7 + offset for i, name in enumerate(NAMES)}


def test_identical_numbers_flag_both_cities_naming_the_other():
    a, b = _return("320100", "南京市", _values(0)), _return("320700", "连云港市", _values(0))
    c = _return("320200", "无锡市", _values(3))
    found = find_copies([a, b, c])
    assert set(found) == {"320100", "320700"}
    assert "连云港市（320700）" in found["320100"][0].message and "全部 20 个数值" in found["320100"][0].message
    assert "南京市（320100）" in found["320700"][0].message
    assert all(i.severity == "warning" and i.code == "INPUT_COPIED" for i in found["320100"] + found["320700"])
    assert found["320700"][0].file == "320700_连云港市.xlsx"


def test_ninety_percent_equal_is_flagged_eighty_five_is_not():
    nearly = dict(_values(0), **{NAMES[0]: 1, NAMES[1]: 2})  # 18 of 20 equal: 90 %
    found = find_copies([_return("1", "甲市", _values(0)), _return("2", "乙市", nearly)])
    assert "20 个数值中有 18 个（90%）" in found["1"][0].message
    fewer = dict(nearly, **{NAMES[2]: 3})  # 17 of 20: 85 %
    assert find_copies([_return("1", "甲市", _values(0)), _return("2", "乙市", fewer)]) == {}


def test_choices_blanks_and_a_handful_of_numbers_say_nothing():
    choices = {name: "全面开展" for name in NAMES}
    assert find_copies([_return("1", "甲市", choices), _return("2", "乙市", choices)]) == {}
    few = {name: 5 for name in NAMES[:4]}  # four equal numbers: below the minimum
    assert find_copies([_return("1", "甲市", few), _return("2", "乙市", few)]) == {}
    assert numeric_inputs({"SC_IN_0": None, "SC_IN_1": True, "SC_IN_2": 1.5}, NAMES) == {"SC_IN_2": Decimal("1.5")}
