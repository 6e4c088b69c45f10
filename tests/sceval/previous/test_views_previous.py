"""The views of a second round: the summary's 与上一轮对比 sheet (province and national merge)."""
from __future__ import annotations

import copy
import zipfile
from decimal import Decimal

import openpyxl

from sceval.reports.summary.previous_sheet import SHEET
from sceval.reports.summary.workbook import write_summary
from tests.sceval.previous.two_rounds import HANGZHOU, WENZHOU
from tests.sceval.results_factory import make_results


def _sheet_rows(path) -> dict[str, list]:
    sheet = openpyxl.load_workbook(path)[SHEET]
    return {row[0]: list(row) for row in sheet.iter_rows(values_only=True) if row[0]}


def _charts_on(path) -> list[str]:
    with zipfile.ZipFile(path) as book:
        return [name for name in book.namelist() if name.startswith("xl/charts/chart")]


def test_summary_sheet_per_city_totals_change_ranks_first_levels(rounds, tmp_path):
    first, second, _run = rounds
    path = write_summary(second, tmp_path / "汇总.xlsx")
    rows = _sheet_rows(path)
    hangzhou = next(c for c in second["cities"] if c["code"] == HANGZHOU.code)
    before = next(c for c in first["cities"] if c["code"] == HANGZHOU.code)
    row = rows[HANGZHOU.code]
    assert row[1] == "杭州市" and row[2] == before["total"] and row[3] == hangzhou["total"]
    assert row[4] == hangzhou["change"] == float(Decimal(str(hangzhou["total"])) - Decimal(str(before["total"])))
    assert row[5] == before["rank"] and row[6] == 2 and row[7] == before["rank"] - 2
    l1 = float(Decimal(str(hangzhou["scores"]["L1"])) - Decimal(str(before["scores"]["L1"])))
    assert row[8] == l1 and l1 < 0
    assert rows[WENZHOU.code][4] == 0
    assert rows["降幅最大的城市"][1] == f"杭州市（{hangzhou['change']:+.2f}）"
    assert rows["升幅最大的城市"][1] == "无"
    assert len(_charts_on(path)) >= 1


def test_no_sheet_without_a_previous_round(rounds, tmp_path):
    first, _second, _run = rounds
    path = write_summary(first, tmp_path / "汇总.xlsx")
    assert SHEET not in openpyxl.load_workbook(path).sheetnames


def _with_previous(results: dict, moves: dict[str, str]) -> dict:
    results = copy.deepcopy(results)
    for city in results["cities"]:
        if city["total"] is None:
            continue
        before = Decimal(str(city["total"])) - Decimal(moves.get(city["code"], "0"))
        city["previous"] = {"round": "2016年全国评价", "total": float(before), "rank": 1, "status": "submitted",
                            "scores": {"L1": city["scores"]["L1"]}}
    return results


def test_national_merge_ranks_previous_totals_across_provinces(tmp_path):
    zhejiang = _with_previous(make_results(province_code="330000", n_roster=3, n_submitted=2, optional=False),
                              {"330100": "30.5", "330200": "-1.25"})
    jiangsu = _with_previous(make_results(province_code="320000", n_roster=2, n_submitted=2, optional=False, seed=3),
                             {"320100": "12"})
    path = write_summary([zhejiang, jiangsu], tmp_path / "全国.xlsx")
    rows = _sheet_rows(path)
    cities = [c for r in (zhejiang, jiangsu) for c in r["cities"] if c["total"] is not None]
    assert cities
    before = sorted(Decimal(str(c["previous"]["total"])) for c in cities)[::-1]
    for city in cities:
        row = rows[city["code"]]
        assert row[1].startswith(("浙江省", "江苏省"))
        assert row[5] == before.index(Decimal(str(city["previous"]["total"]))) + 1  # national, not the stored 1
    assert rows["330100"][4] == 30.5 and rows["330200"][4] == -1.25
    assert rows["升幅最大的城市"][1].startswith("浙江省杭州市（+30.50）")
    assert rows["降幅最大的城市"][1] == "浙江省宁波市（-1.25）"


def test_feedback_workbook_shows_the_city_its_change(rounds, tmp_path):
    from sceval.reports.feedback import LIST_SHEET

    _first, second, run = rounds
    import shutil

    from sceval.state.outputs import INPUTS_DIR, feedback_jobs, write_feedback_jobs

    for outcome in run.outcomes:  # the returns as an output folder stores them (by sha256)
        (tmp_path / INPUTS_DIR).mkdir(exist_ok=True)
        shutil.copyfile(outcome.source, tmp_path / INPUTS_DIR / f"{outcome.sha256}.xlsx")
    paths = write_feedback_jobs(feedback_jobs(second, tmp_path, tmp_path / "views"), [])
    assert paths
    hangzhou = next(c for c in second["cities"] if c["code"] == HANGZHOU.code)
    path = next(p for p in paths if p.name.startswith(HANGZHOU.code))
    sheet = openpyxl.load_workbook(path)[LIST_SHEET]
    lines = {row[1]: row[6] for row in sheet.iter_rows(values_only=True) if row[1]}
    assert lines["上一轮总分"] == f"{hangzhou['previous']['total']:.2f}"
    assert lines["总分变动（本轮 − 上一轮）"] == f"{hangzhou['change']:+.2f}"
    assert lines["上一轮名次"] == "第 1 名"
    before, now = hangzhou["previous"]["scores"]["L1"], hangzhou["scores"]["L1"]
    assert lines["L1 得分变动"] == f"{Decimal(str(now)) - Decimal(str(before)):+.2f}"
    listed = [row[2] for row in sheet.iter_rows(values_only=True)]
    assert "YOY_JUMP" in listed


def test_report_compares_the_rounds_from_data_with_a_placeholder(rounds, tmp_path):
    from sceval.reports.report.writer import write_report
    from tests.sceval.reports.report.report_helpers import ReadBack

    first, second, _run = rounds
    path = write_report([second], out=tmp_path / "报告.docx")
    back = ReadBack(path)
    hangzhou = next(c for c in second["cities"] if c["code"] == HANGZHOU.code)
    change = Decimal(str(hangzhou["total"])) - Decimal(str(first["cities"][0]["total"]))
    sentence = back.paragraph("与上一轮（浙江省", "两轮都已计分的2个城市")
    assert "下降的1个、持平的1个" in sentence and f"平均变动{change / 2:+.2f}分" in sentence
    assert f"降幅最大的是杭州市（{change:+.2f}分）" in sentence and "升幅最大" not in sentence
    table = back.table("与上一轮对比")
    assert table[0][0] == "温州市" and table[1][0] == "杭州市"
    assert table[1][1:] == [f"{Decimal(str(first['cities'][0]['total'])):.2f}", f"{Decimal(str(hangzhou['total'])):.2f}",
                            f"{change:+.2f}", "1", "2", "-1"]
    assert any(p.startswith("【请补充：结合两轮评价结果") for p in back.paragraphs)


def test_report_without_a_previous_round_has_no_comparison(rounds, tmp_path):
    from sceval.reports.report.writer import write_report
    from tests.sceval.reports.report.report_helpers import ReadBack

    first, _second, _run = rounds
    back = ReadBack(write_report([first], out=tmp_path / "报告.docx"))
    assert "与上一轮对比" not in back.tables and not any("与上一轮" in p for p in back.paragraphs)


def test_national_report_compares_across_provinces(tmp_path):
    from sceval.reports.report.writer import write_report
    from tests.sceval.reports.report.report_helpers import ReadBack

    zhejiang = _with_previous(make_results(province_code="330000", n_roster=3, n_submitted=2, optional=False),
                              {"330100": "30.5", "330200": "-1.25"})
    jiangsu = _with_previous(make_results(province_code="320000", n_roster=2, n_submitted=2, optional=False, seed=3),
                             {"320100": "12"})
    back = ReadBack(write_report([zhejiang, jiangsu], out=tmp_path / "全国.docx"))
    sentence = back.paragraph("两轮都已计分的4个城市")
    assert "升幅最大的是浙江省杭州市（+30.50分）" in sentence and "降幅最大的是浙江省宁波市（-1.25分）" in sentence
    assert "平均变动+10.31分" in sentence  # (30.5 − 1.25 + 12 + 0) / 4 = 10.3125 → 10.31
    assert [row[0] for row in back.table("与上一轮对比")][:2] == ["浙江省杭州市", "江苏省南京市"]
