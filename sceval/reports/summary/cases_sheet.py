"""The 优秀案例 sheet of the summary: each checked case document (附件3) in one row — city, title,
字数, 图表数, conclusion and what to fix — from cases.json (sceval.cases).

Cases come from the results dict's "cases" key (a cases.json dict or its "files" list) or, when
absent, from the cases.json beside the summary being written (where `sceval ingest` puts it).
"""
from __future__ import annotations

import json
from pathlib import Path

from sctemplates.issues import issue_codes

from sceval.cases.who import SOURCE_LABELS
from sceval.reports.summary.style import Styles, print_setup, write_headers, write_text, write_title

CASES_SHEET = "优秀案例"
CASES_FILE = "cases.json"
STATUS_LABELS = {"ok": "合格", "warnings": "合格（请核实提示）", "rejected": "需修改后重新报送"}
HEADERS = ["城市代码", "城市名称", "案例名称", "字数", "图", "表", "图表数", "章节", "结论", "需修改或核实", "文件",
           "城市依据"]
WIDTHS = [10, 10, 36, 8, 6, 6, 8, 8, 16, 60, 40, 18]
CHARS_PER_LINE = 28  # CJK characters (two widths each) that fit the 60-wide 需修改或核实 column


def cases_for(results, out_path) -> list[dict]:
    """The case records for the summary: from the results, else from cases.json beside it."""
    given = [r.get("cases") for r in (results if isinstance(results, list) else [results]) if r.get("cases")]
    if given:
        return [entry for item in given for entry in (item["files"] if isinstance(item, dict) else item)]
    return cases_beside(out_path)


def cases_beside(path) -> list[dict]:
    """The records of the cases.json in the same folder as ``path`` (results.json, the summary);
    [] when there is none or it cannot be read (the summary is then written without the sheet)."""
    try:
        data = json.loads(Path(path).with_name(CASES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = data.get("files") if isinstance(data, dict) else None
    return [entry for entry in files if isinstance(entry, dict)] if isinstance(files, list) else []


def write_cases_sheet(workbook, cases: list[dict], styles: Styles, title: list) -> None:
    """The sheet, only when there are cases (a round without cases has no empty sheet)."""
    if not cases:
        return
    ws = workbook.add_worksheet(CASES_SHEET)
    head = write_title(ws, styles, title + [(f"优秀实践案例（附件3）：共 {len(cases)} 份，"
                                             f"{sum(1 for c in cases if c.get('status') == 'rejected')} 份需修改", "note")])
    write_headers(ws, head, HEADERS, styles.header)
    for row, case in enumerate(sorted(cases, key=_order), start=head + 1):
        _write_row(ws, row, case, styles)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    ws.freeze_panes(head + 1, 3)
    ws.autofilter(head, 0, head + len(cases), len(HEADERS) - 1)
    print_setup(ws, head, 2)


def _order(case: dict) -> tuple:
    city = case.get("city") or {}
    return (city.get("code") or "999999", case.get("file") or "")


def _write_row(ws, row: int, case: dict, styles: Styles) -> None:
    city = case.get("city") or {}
    sections = case.get("sections") or []
    texts = [city.get("code") or "", city.get("name") or "未识别", case.get("title") or "（无标题）"]
    for col, value in enumerate(texts):
        write_text(ws, row, col, value, styles.text)
    figures, tables = int(case.get("figures") or 0), int(case.get("tables") or 0)
    for col, value in enumerate([int(case.get("characters") or 0), figures, tables, figures + tables], start=3):
        ws.write_number(row, col, value, styles.integer)
    found = sum(1 for s in sections if s.get("found"))
    write_text(ws, row, 7, f"{found}/{len(sections)}" if sections else "—", styles.center)
    write_text(ws, row, 8, STATUS_LABELS.get(case.get("status"), case.get("status") or ""), styles.text)
    problems = _problems(case.get("issues") or [])
    write_text(ws, row, 9, problems, styles.wrap)
    ws.set_row(row, _height(problems))  # no viewer grows a row for wrapped text: it would spill over the header
    write_text(ws, row, 10, case.get("file") or "", styles.text)
    write_text(ws, row, 11, SOURCE_LABELS.get(case.get("city_basis") or "", "—"), styles.text)  # where the city came from


def _height(text: str) -> float:
    """Points for the wrapped findings: a line per ~28 CJK characters of the 60-wide column, 15 pt each
    (Excel's highest row is 409 pt)."""
    lines = sum(max(1, -(-len(line) // CHARS_PER_LINE)) for line in text.splitlines()) if text else 1
    return min(409, 15 * lines)


def _problems(issues: list[dict]) -> str:
    """Each error and warning as its message says it (without the leading file name), errors first."""
    shown: list[str] = []
    for severity in ("error", "warning"):
        for item in issues:
            if item.get("severity") == severity:
                text = _without_file(item.get("message") or issue_codes().get(item.get("code"), {}).get("meaning", ""))
                if text not in shown:
                    shown.append(text)
    return "\n".join(shown)


def _without_file(message: str) -> str:
    """'文件“附件.zip › 杭州.docx”缺少…' → '缺少…': the file has its own column."""
    if not message.startswith("文件“"):
        return message
    depth = 0  # a mail's name nests quotes (文件“邮件“主题”（…） › 杭州.docx”): cut at the matching ”
    for index, char in enumerate(message):
        depth += (char == "“") - (char == "”")
        if char == "”" and depth == 0:
            return message[index + 1:].lstrip("的")
    return message
