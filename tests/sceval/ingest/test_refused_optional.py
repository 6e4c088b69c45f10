"""Issue 20, defect 10: a city that filled an older optional-indicator definition (云浮,
ID_OTHER_OPTIONAL) has its optional points pending in every view — 总览 自选, 完整度, 待补分值,
the feedback — unlike a 计划单列市, which has no optional indicators at all."""
from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from sceval.ingest.batch import IngestOptions, ingest
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = next(c for c in ROSTER.cities if c.takes_optional)
PLAN_CITY = next(c for c in ROSTER.cities if not c.takes_optional)  # 宁波, 计划单列市


def older(optional):
    """The first-issue definition: one second-level indicator named differently."""
    first = optional.indicators[0]
    renamed = dataclasses.replace(first.children[1], name=first.children[1].name + "（第一版）")
    return dataclasses.replace(optional, indicators=(dataclasses.replace(first, children=(first.children[0], renamed)),))


@pytest.fixture(scope="module")
def refused_round(tmp_path_factory, optional_catalog):
    folder = tmp_path_factory.mktemp("refused")
    old = older(optional_catalog)
    assert old.fingerprint() != optional_catalog.fingerprint()
    city = fill(render(CATALOG, CITY, ROSTER, folder, optional=old), folder / "in" / f"{CITY.code}.xlsx",
                valid_values(CATALOG) | valid_values(old))
    plan = fill(render(CATALOG, PLAN_CITY, ROSTER, folder, optional=optional_catalog),
                folder / "in" / f"{PLAN_CITY.code}.xlsx", valid_values(CATALOG))
    run = ingest([city, plan], folder / "out", IngestOptions(CATALOG, optional=optional_catalog, roster=ROSTER,
                                                             jobs=1, draws=0))
    entries = {c["code"]: c for c in run.results["cities"]}
    return run, entries[CITY.code], entries[PLAN_CITY.code]


def test_the_refused_points_are_pending_in_results(refused_round):
    _run, city, plan = refused_round
    assert "ID_OTHER_OPTIONAL" in [i["code"] for i in city["issues"]]
    assert city["optional_total"] is None and city["optional_pending"] == 10
    assert city["completeness"] < 100
    assert "optional_pending" not in plan and plan["optional_total"] is None and plan["completeness"] == 100
    # the same base values (central points pending for both): the city's 10 optional points on top
    assert city["points_at_stake"] == pytest.approx(plan["points_at_stake"] + 10)


def test_the_overview_and_feedback_show_them_pending(refused_round):
    run, _city, _plan = refused_round
    sheet = openpyxl.load_workbook(run.summary_path)["总览"]
    header = next(row for row in sheet.iter_rows() if any(c.value == "自选指标得分" for c in row))
    col = next(c.column - 1 for c in header if c.value == "自选指标得分")
    city_row = next(row for row in sheet.iter_rows() if CITY.code in [c.value for c in row])
    plan_row = next(row for row in sheet.iter_rows() if PLAN_CITY.code in [c.value for c in row])
    assert city_row[col].value == "待补 10.00" and plan_row[col].value is None
    feedback = next(p for p in run.feedback_paths if CITY.code in p.name or CITY.name in p.name)
    cells = [str(c.value) for ws in openpyxl.load_workbook(feedback).worksheets for row in ws.iter_rows()
             for c in row if c.value]
    assert any(text.startswith("待补 10.00 分") for text in cells)


def test_the_report_says_they_are_pending(refused_round, tmp_path):
    import json

    import docx

    from sceval.reports.report.writer import write_report

    run, _city, _plan = refused_round
    out = write_report([json.loads(run.results_path.read_text(encoding="utf-8"))], out=tmp_path / "r.docx")
    text = "\n".join(p.text for p in docx.Document(out).paragraphs)
    assert f"{CITY.name}的自选指标因模板定义与现行不一致未计分，列为待补分值" in text


def test_rescoring_keeps_them_pending(refused_round, optional_catalog):
    from sceval.review.rescore import rescore_entry

    _run, city, plan = refused_round
    again = rescore_entry(city, CATALOG, optional_catalog, central_given=False)
    assert again["optional_pending"] == 10 and again["optional_total"] is None
    assert again["points_at_stake"] == pytest.approx(city["points_at_stake"])
