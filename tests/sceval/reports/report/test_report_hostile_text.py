"""Issue 21, items 10 and 19: text XML cannot hold (\\x01) and bidi controls in a hand-edited
cases.json reach the Word report as visible <U+XXXX> tokens, never as a crash or raw controls."""
from __future__ import annotations

from sceval.reports.report import write_report
from tests.sceval.reports.report.fixtures import cases_json, province_results
from tests.sceval.reports.report.report_helpers import ReadBack


def test_control_and_bidi_characters_in_cases_json_are_shown_as_tokens(tmp_path):
    cases = cases_json()
    cases["files"][0]["title"] = "城市\x01大脑\u202e赋能"
    cases["files"][0]["opening"] = "开篇\x0b文字" + cases["files"][0].get("opening", "")
    report = ReadBack(write_report([province_results()], cases=cases, out=tmp_path / "报告.docx"))
    rows = report.table("优秀案例检查结果")
    assert rows and rows[0][2] == "城市<U+0001>大脑<U+202E>赋能"
    text = "\n".join(report.paragraphs)
    assert "\x01" not in text and "\u202e" not in text and "<U+000B>" in text


def test_the_summary_cases_sheet_shows_controls_as_tokens(tmp_path):
    """Item 19: a hand-edited cases.json beside results.json; the 优秀案例 sheet shows <U+202E>."""
    import json

    import openpyxl

    from sceval.reports.summary.cases_sheet import CASES_SHEET
    from sceval.reports.summary.workbook import write_summary

    cases = cases_json()
    cases["files"][0]["title"] = "城市\x01大脑\u202e赋能"
    (tmp_path / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    results = tmp_path / "results.json"
    results.write_text(json.dumps(province_results(), ensure_ascii=False), encoding="utf-8")
    path = write_summary(json.loads(results.read_text(encoding="utf-8")) | {"cases": cases}, tmp_path / "汇总.xlsx")
    sheet = openpyxl.load_workbook(path, read_only=True)[CASES_SHEET]
    titles = [row[2] for row in sheet.iter_rows(values_only=True) if row and row[2] and "大脑" in str(row[2])]
    assert titles == ["城市<U+0001>大脑<U+202E>赋能"]
