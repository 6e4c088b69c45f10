"""Each check turns a broken rule into an Issue at the right cell, naming the indicator."""
from __future__ import annotations

from decimal import Decimal

from sceval.evaluate.checks import check_filer, check_inputs, completeness
from sceval.evaluate.outliers import find_outliers, modified_z_scores
from sceval.evaluate.parse import RawCell, parse_input, parse_text
from sctemplates.layout import ATTEST_CHOICE, FILER_FIELDS
from tests.sceval.ingest_helpers import base_catalog, filer_values, first_sub, valid_values

CATALOG = base_catalog()
RATIO = first_sub(CATALOG, "ratio")
CAPPED = first_sub(CATALOG, "capped_ratio")
RATE = first_sub(CATALOG, "rate")
GRADED = first_sub(CATALOG, "graded")
CELLS = {item.name: f"G{row}" for row, (_s, _u, item) in enumerate(CATALOG.inputs(), start=3)}


def locate(name: str) -> dict:
    return {"file": "f.xlsx", "sheet": "基础指标", "cell": CELLS.get(name, "B2")}


def parsed_with(**changes) -> dict:
    values = valid_values(CATALOG) | changes
    return {item.name: parse_input(RawCell(values.get(item.name)), item, **locate(item.name))
            for _s, _u, item in CATALOG.inputs() if item.city_fills}


def found(parsed) -> list:
    return check_inputs(CATALOG, parsed, locate)


def test_valid_return_has_no_issues():
    assert found(parsed_with()) == []


def test_missing_required_value():
    name = GRADED.input("choice").name
    issues = found(parsed_with(**{name: None}))
    assert [(i.code, i.cell, i.indicator) for i in issues] == [("VAL_MISSING", CELLS[name], GRADED.code)]
    assert issues[0].severity == "error" and "未填写" in issues[0].message


def test_ratio_both_blank_is_missing_twice():
    num, den = RATIO.input("numerator").name, RATIO.input("denominator").name
    issues = found(parsed_with(**{num: None, den: None}))
    assert [i.code for i in issues] == ["VAL_MISSING", "VAL_MISSING"]


def test_ratio_partial():
    num = RATIO.input("numerator").name
    issues = found(parsed_with(**{num: None}))
    assert [(i.code, i.cell, i.indicator) for i in issues] == [("RATIO_PARTIAL", CELLS[num], RATIO.code)]


def test_ratio_denominator_zero():
    num, den = RATIO.input("numerator").name, RATIO.input("denominator").name
    issues = found(parsed_with(**{num: 0, den: 0}))
    assert [(i.code, i.cell) for i in issues] == [("RATIO_DEN_ZERO", CELLS[den])]


def test_ratio_numerator_above_denominator():
    num = RATIO.input("numerator").name
    issues = found(parsed_with(**{num: 201}))
    assert [(i.code, i.cell) for i in issues] == [("RATIO_NUM_GT_DEN", CELLS[num])]
    assert "201" in issues[0].message and "200" in issues[0].message


def test_capped_ratio_allows_numerator_above_denominator():
    assert found(parsed_with(**{CAPPED.input("numerator").name: 500})) == []


def test_not_integer():
    num = RATIO.input("numerator")
    assert num.integer
    issues = found(parsed_with(**{num.name: 10.5}))
    assert [(i.code, i.cell) for i in issues] == [("VAL_NOT_INTEGER", CELLS[num.name])]


def test_out_of_range_uses_input_bounds():
    item = RATE.input("value")
    issues = found(parsed_with(**{item.name: float(item.max) + 1}))
    assert [(i.code, i.indicator) for i in issues] == [("VAL_OUT_OF_RANGE", RATE.code)]
    negative = found(parsed_with(**{RATIO.input("denominator").name: -5}))
    assert "VAL_OUT_OF_RANGE" in [i.code for i in negative]
    # a bound that is not there is not spelled out ("应在 0 至 不限 之间" read badly)
    message = next(i.message for i in negative if i.code == "VAL_OUT_OF_RANGE")
    assert message.endswith("为 -5，不应小于 0") and "不限" not in message
    assert "应在 -100 至 100 之间" in issues[0].message


def test_bad_values_are_not_double_reported():
    num = RATIO.input("numerator").name
    parsed = parsed_with(**{num: "85%"})
    assert found(parsed) == []  # the parse error is the one report
    assert parsed[num].issues[0].code == "VAL_PERCENT_FOR_COUNT"


def filer(**changes):
    values = filer_values() | changes
    return {name: parse_text(RawCell(values.get(name))) for name in FILER_FIELDS}


def filer_locate(name):
    return {"file": "f.xlsx", "sheet": "填报信息", "cell": f"B{list(FILER_FIELDS).index(name) + 3}"}


def test_filer_complete():
    assert check_filer(filer(), filer_locate) == []


def test_filer_missing_phone():
    issues = check_filer(filer(SC_FILER_PHONE=None), filer_locate)
    assert [(i.code, i.cell) for i in issues] == [("FILER_MISSING", filer_locate("SC_FILER_PHONE")["cell"])]


def test_attestation_missing_or_wrong():
    for value in (None, "否"):
        issues = check_filer(filer(SC_FILER_ATTEST=value), filer_locate)
        assert [i.code for i in issues] == ["ATTEST_MISSING"]
        assert ATTEST_CHOICE in issues[0].message


def test_completeness_counts_usable_required_inputs():
    full = parsed_with()
    assert completeness(CATALOG, full, [], locate) == 100
    num = RATIO.input("numerator").name
    broken = parsed_with(**{num: "85%"})
    issues = [i for p in broken.values() for i in p.issues]
    required = sum(1 for _s, _u, i in CATALOG.inputs() if i.city_fills)
    assert completeness(CATALOG, broken, issues, locate) == Decimal(100) * (required - 1) / required


def test_outlier_flags_the_far_city_only():
    measured = {f"c{i}": {"A": Decimal("0.50") + Decimal(i) / 100} for i in range(6)}
    measured["far"] = {"A": Decimal("0.01")}
    found_issues = find_outliers(measured)
    assert list(found_issues) == ["far"]
    assert found_issues["far"][0].code == "OUTLIER" and found_issues["far"][0].indicator == "A"
    assert found_issues["far"][0].severity == "warning"


def test_outliers_skipped_when_mad_is_zero_or_batch_small():
    same = {f"c{i}": Decimal(1) for i in range(6)} | {"low": Decimal(0)}
    assert modified_z_scores(same) == {}
    few = {f"c{i}": Decimal(i) for i in range(4)} | {"far": Decimal(100)}
    assert len(few) == 5 and modified_z_scores(few)  # 5 cities: computed
    assert modified_z_scores(dict(list(few.items())[:4])) == {}
