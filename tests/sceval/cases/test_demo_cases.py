"""The demo's cases: most good, the typical faults where cases.yaml puts them, each found by code."""
from __future__ import annotations

from sceval.cases import check_cases
from sceval.office import soffice
from sceval.demo.cases import demo_cases, write_demo_cases
from sceval.demo.round import load_demo_inputs

EXPECTED = {"too_long": {"CASE_TOO_LONG"}, "too_many_figures": {"CASE_TOO_MANY_FIGURES"},
            "no_highlights": {"CASE_SECTION_MISSING"}, "advertising": {"CASE_AD_COMPANY", "CASE_AD_SUPERLATIVE"},
            "legacy_doc": {"CASE_CONVERTED"} if soffice() else set()}


def test_demo_cases_carry_their_planted_faults(tmp_path):
    _catalog, roster, province, _optional = load_demo_inputs()
    notes: list[str] = []
    paths = write_demo_cases(tmp_path, roster, province, notes)
    spec = demo_cases()
    assert len(paths) == len(roster.cities) - 1  # the silent city sends nothing
    report = check_cases([tmp_path], roster=roster, jobs=1)
    by_code = {record.city["code"]: record for record in report.files}
    for index, city in enumerate(roster.cities):
        if index == spec["silent"]:
            assert city.code not in by_code
            continue
        record = by_code[city.code]
        assert record.city_basis == "passport" and record.city["name"] == city.name
        assert {i.code for i in record.issues} == EXPECTED.get(spec["faults"].get(index), set()), city.name
    assert 8000 < by_code[roster.cities[1].code].characters < 9500  # “about 9,000 字”
    many = by_code[roster.cities[3].code]
    assert many.figures + many.tables == 12
    assert len(notes) == len(spec["faults"])


def test_two_processes_give_the_same_records_in_the_same_order(tmp_path):
    _catalog, roster, province, _optional = load_demo_inputs()
    write_demo_cases(tmp_path / "cases", roster, province, [])
    single = check_cases([tmp_path / "cases"], roster=roster, jobs=1, generated_at="t")
    double = check_cases([tmp_path / "cases"], roster=roster, jobs=2, generated_at="t")
    assert len(single.files) >= 8  # enough for the pool to be used (PARALLEL_FROM)
    assert double.as_dict() == single.as_dict()
