"""Issue 20 defect 8: a 计划单列市 (or 直辖市) in a province's roster is listed apart (直报国家) in the
province's summary and report — never ranked or averaged with the province's own cities — and
`roster check` says so."""
from __future__ import annotations

import copy
from decimal import Decimal

import openpyxl
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.reports.report import write_report
from sceval.reports.summary.workbook import write_summary
from sctemplates.methods import round_score
from tests.sceval.ingest_helpers import ROSTER_CSV
from tests.sceval.reports.report.report_helpers import ReadBack
from tests.sceval.results_factory import make_results


def _with_ningbo_first() -> dict:
    """浙江: 5 cities scored, the second (330200) made 宁波市, 计划单列市, with the best total."""
    results = copy.deepcopy(make_results(province_code="330000", n_roster=5, n_submitted=5, seed=3))
    best = max(Decimal(str(c["total"])) for c in results["cities"])
    for entry in results["roster"] + results["cities"]:
        if entry["code"] == "330200":
            entry["kind"] = "计划单列市"
            if "total" in entry:
                entry["total"] = float(best + 10)
    return results


def _own_totals(results: dict) -> list[Decimal]:
    return [Decimal(str(c["total"])) for c in results["cities"] if c["code"] != "330200"]


def test_the_summary_lists_a_city_reporting_to_the_nation_apart(tmp_path):
    results = _with_ningbo_first()
    sheet = openpyxl.load_workbook(write_summary(results, tmp_path / "汇总.xlsx"))["总览"]
    rows = list(sheet.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "排名")
    cities = [r for r in rows[head + 1:] if r[1] and str(r[1]).isdigit()]
    assert [r[0] for r in cities] == [1, 2, 3, 4, "直报国家"] and cities[-1][1] == "330200"
    total_col = rows[head].index("总分")
    mean = next(r for r in rows if "平均值" in r)[total_col]
    own = _own_totals(results)
    assert Decimal(str(mean)) == round_score(sum(own) / len(own))
    assert next(r for r in rows if "最高分" in r)[total_col] == float(max(own))
    note = next(r[0] for r in rows if r[0] and str(r[0]).startswith("说明："))
    assert "宁波市（计划单列市）直接向国家报送" in note and "不参与本省排名" in note


def test_the_report_neither_ranks_nor_averages_it(tmp_path):
    results = _with_ningbo_first()
    read = ReadBack(write_report(results, out=tmp_path / "报告.docx"))
    ranked = read.table("城市总分排名")
    assert len(ranked) == 4 and all("宁波" not in row[1] for row in ranked) and ranked[0][0] == "1"
    assert "计划单列市" not in read.paragraph("列入评价名单的城市共4个")
    assert all("宁波" not in row[1] for row in read.table("参评城市及报送情况"))
    apart = read.paragraph("另有宁波市（计划单列市")
    assert "直接向国家报送" in apart and "不参与本报告的排名" in apart


def test_a_national_merge_still_ranks_every_city(tmp_path):
    jiangsu = make_results(province_code="320000", n_roster=3, n_submitted=3, seed=5)
    sheet = openpyxl.load_workbook(write_summary([_with_ningbo_first(), jiangsu], tmp_path / "全国.xlsx"))["总览"]
    rows = list(sheet.iter_rows(values_only=True))
    assert not any(r[0] == "直报国家" for r in rows)
    assert next(r for r in rows if "330200" in r)[0] == 1


def test_roster_check_says_which_cities_are_listed_apart():
    result = CliRunner().invoke(app, ["roster", "check", str(ROSTER_CSV)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "宁波市（330200，计划单列市）直接向国家报送" in said and "直报国家" in said
