"""问题清单 files a note on the secretariat's central feed under the feed file (issue 19)."""
from __future__ import annotations

import openpyxl

from sceval.reports.summary.workbook import write_summary
from tests.sceval.results_factory import make_results

FEED = "统一数据.xlsx"


def test_a_central_feed_note_is_listed_under_the_feed_file_not_the_city_return(tmp_path):
    results = make_results()
    row = next(f for f in results["files"] if f["status"] == "counted")
    note = {"code": "CENTRAL_BAD", "severity": "error", "sheet": "统一数据", "cell": "D4", "indicator": "",
            "message": f"秘书处统一数据文件 {FEED}：单元格 D4 的“八十分”不是数值", "file": FEED}
    row["issues"] = list(row["issues"]) + [note]
    path = write_summary(results, tmp_path / "汇总.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [r for r in book["问题清单"].iter_rows(values_only=True) if r and any(r)]
    header = next(r for r in rows if "文件" in r and "问题代码" in r)
    file_at, code_at = header.index("文件"), header.index("问题代码")
    central = [r for r in rows if r[code_at] == "CENTRAL_BAD"]
    assert [r[file_at] for r in central] == [FEED]
    others = [r for r in rows[rows.index(header) + 1:] if r[code_at] != "CENTRAL_BAD" and r[file_at]]
    assert others and all(r[file_at] != FEED for r in others)
