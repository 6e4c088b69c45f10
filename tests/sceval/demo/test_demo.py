"""The demo round end to end: what `make demo` runs, checked against what it planted."""
from __future__ import annotations

import json

import pytest

from sceval.demo.round import CORRECTED_CITY, MISTAKES, SILENT_CITY
from sceval.demo.fill import MISTAKE_LABELS


@pytest.fixture(scope="module")
def demo(demo_round):
    return demo_round, json.loads(demo_round.results.read_text(encoding="utf-8"))


def test_every_roster_city_is_in_the_results(demo):
    run, results = demo
    assert len(run.templates) == len(results["roster"]) == len(results["cities"]) == 11
    assert run.summary is not None and run.summary.name.startswith("汇总_浙江省_")
    assert run.summary.stat().st_size > 10_000


def test_the_silent_city_is_missing_and_the_corrected_one_counts_its_second_file(demo):
    _, results = demo
    cities = results["cities"]
    assert cities[SILENT_CITY]["status"] == "missing" and cities[SILENT_CITY]["total"] is None
    corrected = cities[CORRECTED_CITY]
    assert corrected["status"] == "corrected"
    assert "更正" in corrected["file"]
    statuses = sorted(f["status"] for f in results["files"] if f["city"] == corrected["code"])
    assert statuses == ["counted", "superseded"]


def test_each_planted_mistake_is_reported_on_its_sub_item(demo):
    run, results = demo
    assert "formula_remark" in MISTAKES.values() and len(MISTAKES) > 1
    expected = {"missing": {"VAL_MISSING", "RATIO_PARTIAL"}, "percent_for_count": {"VAL_PERCENT_FOR_COUNT"},
                "out_of_range": {"RATIO_NUM_GT_DEN"}, "messy_text": {"PARSE_FULLWIDTH"}}
    for index, kind in MISTAKES.items():
        city = results["cities"][index]
        note = next(n for n in run.notes if n.startswith(city["name"]))
        code = note.split("：")[1].split()[0]
        found = {i["code"] for i in city["issues"] if i["indicator"] == code}
        if kind == "formula_remark":
            assert city["remarks"][code].startswith("="), "a remark starting with = stays text"
        else:
            assert found & expected[kind], (kind, city["name"], found)
        assert MISTAKE_LABELS[kind] in note


def test_direct_city_has_no_optional_score_and_scores_are_in_range(demo):
    _, results = demo
    kinds = {entry["kind"] for city, entry in zip(results["cities"], results["roster"]) if city["status"] != "missing"}
    assert "计划单列市" in kinds and len(kinds) > 1  # both branches below are reached
    for city, entry in zip(results["cities"], results["roster"]):
        if city["status"] == "missing":
            continue
        assert 0 < city["total"] <= 100
        if entry["kind"] == "计划单列市":
            assert city["optional_total"] is None
        else:
            assert 0 <= city["optional_total"] <= 10


def test_demo_never_touches_the_returns_it_ingests(demo):
    run, _ = demo
    from sceval.safety.filenames import sha256_file

    assert run.digests and all(sha256_file(path) == digest for path, digest in run.digests.items())


def test_demo_adjusts_one_value_rescores_under_a_revised_catalog_and_ranks_with_intervals(demo):
    run, results = demo
    adjusted = [c for c in results["cities"] if c.get("adjustments")]
    assert len(adjusted) == 1 and adjusted[0]["adjustments"][0]["why"]
    ranked = [c for c in results["cities"] if c.get("rank") is not None]
    assert ranked and all(c["rank_interval"][0] <= c["rank"] <= c["rank_interval"][1] for c in ranked)
    # 宁波 (计划单列市) is scored but reports to the nation: the province ranks only its own cities
    assert {c["code"] for c in results["cities"] if c.get("total") is not None} - {c["code"] for c in ranked} == {"330200"}
    rescored = json.loads(run.rescored.read_text(encoding="utf-8"))
    assert rescored["catalog"]["fingerprint"] != results["catalog"]["fingerprint"]
    assert rescored["catalog"]["input_contract_fingerprint"] == results["catalog"]["input_contract_fingerprint"]
    assert any(a.get("total") != b.get("total") for a, b in zip(results["cities"], rescored["cities"]))
    assert [c for c in rescored["cities"] if c.get("adjustments")][0]["code"] == adjusted[0]["code"]
    assert list(run.rescored.parent.glob("变动对比_*.xlsx"))


def test_demo_second_round_compares_with_the_first(demo):
    """issue 23: same roster a year on, first round as --previous, in <out>/第二轮/."""
    import openpyxl

    from sceval.demo.second import IMPROVING, NEW_CONTACT, NEW_CONTACT_CITY, SECOND_DIR, TYPO_CITY

    run, results = demo
    assert run.second.results.parent.parent == run.out / SECOND_DIR and run.results.parent.parent == run.out
    assert "round_name" not in results and not any("previous" in c for c in results["cities"])  # first round as before
    second = json.loads(run.second.results.read_text(encoding="utf-8"))
    cities = second["cities"]
    assert [c["code"] for c in cities] == [c["code"] for c in results["cities"]]
    assert all(c["previous"]["total"] == b["total"] for c, b in zip(cities, results["cities"]))
    assert all(cities[i]["change"] > 0 for i in IMPROVING)
    jumps = [i for c in cities for i in c["issues"] if i["code"] == "YOY_JUMP"]
    assert [j["message"].count("为 ") for j in jumps] == [2] and cities[TYPO_CITY]["issues"].count(jumps[0]) == 1
    assert cities[NEW_CONTACT_CITY]["filer"]["SC_FILER_NAME"] == NEW_CONTACT[0]
    drafts = [p for p in run.second.drafts if cities[NEW_CONTACT_CITY]["name"] in p.name]
    assert drafts and NEW_CONTACT[1] in drafts[0].read_text(encoding="utf-8", errors="replace")
    assert "与上一轮对比" in openpyxl.load_workbook(run.second.summary, read_only=True).sheetnames
    assert run.second.report.is_file()
