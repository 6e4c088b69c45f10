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
