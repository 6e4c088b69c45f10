"""A count typed in the everyday unit where the catalog asks for 万人 / 亿元 (seen in a 四川 round:
泸州 typed 常住人口 3320000 in a 万人 cell; the ratio scored 0 and only a batch OUTLIER said
anything, and a numerator so typed is capped at full marks without any check firing): a
VAL_UNIT_SCALE warning naming the cell, the unit and the value meant; the value is never changed.
Real templates, filled and ingested."""
from __future__ import annotations

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sctemplates.reading_rules import reading_rules
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = ROSTER.cities[0]
SCALED = reading_rules()["unit_scale"]["units"]
# The first ratio of the catalog whose denominator is in a 万 unit, and the first capped ratio
# whose numerator is (data-driven: whichever the catalog has).
DEN_SUB = next(s for s in CATALOG.sub_items() if s.method in ("ratio", "capped_ratio")
               and s.input("denominator").unit in SCALED)
NUM_SUB = next(s for s in CATALOG.sub_items() if s.method == "capped_ratio" and s.input("numerator").unit in SCALED)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return render(CATALOG, CITY, ROSTER, tmp_path_factory.mktemp("template"))


def run_with(template, tmp_path, values: dict):
    path = fill(template, tmp_path / "in" / f"{CITY.code}.xlsx", valid_values(CATALOG) | values)
    run = ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, workbooks=False))
    return next(c for c in run.results["cities"] if c["code"] == CITY.code)


def warnings(city: dict) -> list[dict]:
    return [i for i in city["issues"] if i["code"] == "VAL_UNIT_SCALE"]


def test_a_denominator_typed_in_persons_is_warned_with_the_value_meant(template, tmp_path):
    den = DEN_SUB.input("denominator")
    city = run_with(template, tmp_path, {DEN_SUB.input("numerator").name: 300, den.name: 3_320_000})
    [warned] = warnings(city)
    assert warned["severity"] == "warning" and warned["indicator"] == DEN_SUB.code
    assert warned["sheet"] == "基础指标" and warned["cell"]
    assert "3320000" in warned["message"] and f"332{den.unit}" in warned["message"]
    assert SCALED[den.unit]["typed_as"] in warned["message"]
    assert city["inputs"][den.name] == 3_320_000  # never changed


def test_a_numerator_typed_in_persons_is_warned_though_capped_at_full_marks(template, tmp_path):
    num, den = NUM_SUB.input("numerator"), NUM_SUB.input("denominator")
    city = run_with(template, tmp_path, {num.name: 7_000_000, den.name: 332})
    [warned] = warnings(city)
    assert warned["indicator"] == NUM_SUB.code and "7000000" in warned["message"] and f"700{num.unit}" in warned["message"]


@pytest.mark.parametrize("num, den", [(300, 332), (3_000_000, 3_320_000), (0, 332)])
def test_consistent_units_are_not_warned(template, tmp_path, num, den):
    """Both in 万人, both in 人 (the ratio is right), or a true zero: nothing to say."""
    city = run_with(template, tmp_path, {DEN_SUB.input("numerator").name: num, DEN_SUB.input("denominator").name: den})
    assert warnings(city) == []


YI_SUB = next(s for s in CATALOG.sub_items() if s.method == "ratio" and s.input("numerator").unit == "亿元")


@pytest.mark.parametrize("typed, unit_of, meant", [("8500万元", YI_SUB, 0.85), ("3320000人", DEN_SUB, None)])
def test_a_value_that_names_its_everyday_unit_is_converted_with_a_note(template, tmp_path, typed, unit_of, meant):
    """The city wrote the unit it used: unambiguous, so converted (8500万元 = 0.85亿元) with a note."""
    item = unit_of.input("numerator" if unit_of is YI_SUB else "denominator")
    factor = SCALED[item.unit]["factor"]
    if SCALED[item.unit]["typed_as"] not in typed:
        typed = f"{332 * factor}{SCALED[item.unit]['typed_as']}"  # whichever everyday unit the catalog's 万 unit has
        meant = 332
    city = run_with(template, tmp_path, {item.name: typed})
    assert city["inputs"][item.name] == meant
    [note] = [i for i in city["issues"] if i["code"] == "PARSE_UNIT_CONVERTED"]
    assert note["severity"] == "info" and typed in note["message"] and item.unit in note["message"]
    assert not [i for i in city["issues"] if i["severity"] == "error" and i["indicator"] == unit_of.code]
