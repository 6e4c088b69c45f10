"""Feedback workbook: a copy of a city's own return with every problem cell highlighted and
commented, and a first sheet 问题清单 linking to each cell, so the city fixes its file in place.

The original is only read; the copy is built in memory and saved atomically to ``out_path``.
Macros are never carried over (load without keep_vba), external links are dropped.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from sctemplates.atomic import atomic_path
from sctemplates.display import neutral
from sctemplates.issues import Issue, issue_codes
from sctemplates.methods import show_number

from sceval.intake.central import SHEET as FEED_SHEET

LIST_SHEET = "问题清单"
AUTHOR = "sceval"
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = ("error", "warning", "info")
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
HEADERS = ("序号", "严重程度", "问题代码", "工作表", "单元格", "指标", "说明", "定位")
WIDTHS = (6, 9, 22, 14, 9, 12, 70, 14)
MESSAGE_CHARS_PER_LINE = 34  # CJK characters that fit the 说明 column's width of 70


@dataclass(frozen=True)
class Official:
    """What ingest made of the return, so the copy agrees with the official score: the scores,
    the values ingest read (by defined name) and the secretariat's values (name, label, value)."""

    total: object = None
    optional_total: object = None
    inputs: dict = field(default_factory=dict)
    central: tuple = ()
    # Review adjustments (sceval adjust): results.json's cities[].adjustments, written into the
    # copy with a comment naming the value sent and the reason, so the preview scores them too.
    adjustments: tuple = ()
    # The previous round (issue 23): results.json's cities[].previous and change, and this
    # round's first-level scores to compare (sceval.reports.feedback_previous).
    previous: dict | None = None
    change: object = None
    first_scores: dict | None = None


# Shown for a secretariat value that was in the feed but could not be read (CENTRAL_BAD): the
# value was received, it is the secretariat's to correct, not the city's.
CENTRAL_UNREADABLE = "（秘书处数据有误，待秘书处更正，无需你市处理）"


def sent_name(display: str) -> str:
    """The name the city sent: ``附件.zip › 320100_南京市….xlsx`` for an archive member, else the
    file's own name — never the internal copy or the folder it was saved in."""
    parts = [p for p in re.split(r"\s*›\s*|[\\/]", str(display)) if p]
    archive = next((i for i, p in enumerate(parts) if p.lower().endswith(".zip")), None)
    if archive is None or archive == len(parts) - 1:
        return parts[-1] if parts else str(display)
    return " › ".join(parts[archive:])


def _as_dict(item: Issue | dict) -> dict:
    data = item.as_dict() if isinstance(item, Issue) else dict(item)
    return {key: str(data.get(key) or "") for key in
            ("code", "severity", "sheet", "cell", "indicator", "message")}


def _load_copy(src_path: Path):
    """The city's workbook in memory, or an empty one when it cannot be opened at all."""
    import openpyxl

    try:
        with warnings.catch_warnings():  # unsupported extensions are dropped: that is expected
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(src_path, keep_vba=False, keep_links=False), True
    except Exception:  # noqa: BLE001 — any unreadable file still gets its list of problems
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        return workbook, False


def _target(workbook, sheet: str, cell: str) -> str | None:
    """The cell an issue points at (top-left of a range or merged area), or None."""
    from openpyxl.utils.cell import coordinate_from_string

    if not sheet or sheet not in workbook.sheetnames or not cell:
        return None
    first = cell.split(":")[0].replace("$", "").upper()
    try:
        coordinate_from_string(first)
    except ValueError:
        return None
    for merged in workbook[sheet].merged_cells.ranges:
        if first in merged:
            return merged.start_cell.coordinate
    return first


def _worst(severities: list[str]) -> str:
    return min(severities, key=lambda s: SEVERITY_ORDER.index(s) if s in SEVERITY_ORDER else 9)


def _comment_text(items: list[dict]) -> str:
    return "\n".join(f"【{SEVERITY_LABELS.get(i['severity'], i['severity'])}】{i['code']}："
                     f"{neutral(i['message'])}" for i in items)


def _mark_cell(ws, coordinate: str, items: list[dict]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    cell = ws[coordinate]
    colour = FILLS.get(_worst([i["severity"] for i in items]), FILLS["info"])
    cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
    text = _comment_text(items)
    if cell.comment is not None:  # keep what the city wrote, add ours below
        text = f"{cell.comment.text}\n{text}"
    lines = text.count("\n") + 1
    cell.comment = Comment(text, AUTHOR, width=360, height=min(40 + 36 * lines, 400))


def _mark_cells(workbook, issues: list[dict]) -> list[str | None]:
    """Highlight and comment every located issue; returns each issue's target cell."""
    targets = [_target(workbook, i["sheet"], i["cell"]) for i in issues]
    grouped: dict[tuple[str, str], list[dict]] = {}
    for item, target in zip(issues, targets):
        if target:
            grouped.setdefault((item["sheet"], target), []).append(item)
    for (sheet, coordinate), items in grouped.items():
        _mark_cell(workbook[sheet], coordinate, items)
    return targets


def _summary_line(issues: list[dict], src_name: str) -> str:
    counts = {s: sum(1 for i in issues if i["severity"] == s) for s in SEVERITY_ORDER}
    head = (f"文件 {neutral(src_name)} 的问题清单：共 {len(issues)} 条（错误 {counts['error']}，"
            f"警告 {counts['warning']}，提示 {counts['info']}）。")
    # Only the secretariat's problems (八十分 in its file, a value it has not sent): nothing for the city.
    if issues and all(i["sheet"] == FEED_SHEET or i["code"].startswith("CENTRAL_") for i in issues):
        return head + "以上问题均在秘书处统一数据文件中，由秘书处更正，你市无需修改或重新报送。"
    if issues and not any(i["severity"] == "error" for i in issues):  # warnings and notes: look, not resend
        return head + ("没有必须更正的错误：请核实标黄的单元格（鼠标停留可看批注），确有填错的再更正后重新报送，"
                       "核实无误则无需重新报送；点击“定位”可跳转到该单元格。")
    return head + "请在原文件中修改标红/标黄的单元格（鼠标停留可看批注）后重新报送；点击“定位”可跳转到该单元格。"


def _list_row(ws, row: int, number: int, item: dict, target: str | None) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    meaning = issue_codes().get(item["code"], {}).get("meaning", "")
    message = item["message"] or meaning
    values = (number, SEVERITY_LABELS.get(item["severity"], item["severity"]), item["code"],
              item["sheet"], item["cell"], item["indicator"], message)
    for col, value in enumerate(values, start=1):
        ws.cell(row, col).value = neutral(value) if isinstance(value, str) else value  # XML-safe (issue 21)
        ws.cell(row, col).data_type = "n" if col == 1 else "s"  # text stays text
    link = ws.cell(row, len(values) + 1)
    if target:
        link.value = "定位"
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{item['sheet']}'!{target}")
        link.style = "Hyperlink"
    elif item["sheet"] == FEED_SHEET:  # a cell of the secretariat's feed file, not of the city's return
        link.value = "（秘书处统一数据文件中）"
    else:
        link.value = "（工作表或单元格不存在）" if item["sheet"] else ""


def _row_height(message: str) -> float:
    """Rows are not auto-sized on open: give wrapped messages room (about 34 CJK per line)."""
    lines = max(1, -(-len(message) // MESSAGE_CHARS_PER_LINE))
    return 15.0 * lines


def _write_list(workbook, issues: list[dict], targets: list, src_name: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    if LIST_SHEET in workbook.sheetnames:  # a returned feedback copy: replace the old list
        workbook.remove(workbook[LIST_SHEET])
    ws = workbook.create_sheet(LIST_SHEET, 0)
    ws["A1"] = _summary_line(issues, src_name)
    ws["A1"].font = Font(bold=True)
    for col, (header, width) in enumerate(zip(HEADERS, WIDTHS), start=1):
        ws.cell(2, col, header).font = Font(bold=True)
        ws.cell(2, col).fill = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
        ws.column_dimensions[ws.cell(2, col).column_letter].width = width
    for number, (item, target) in enumerate(zip(issues, targets), start=1):
        _list_row(ws, number + 2, number, item, target)
        for col in range(1, len(HEADERS) + 1):  # wrapped messages: keep each row's cells aligned
            ws.cell(number + 2, col).alignment = Alignment(wrap_text=col == 7, vertical="top")
        ws.row_dimensions[number + 2].height = _row_height(item["message"])
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:H{max(len(issues), 1) + 2}"
    _print_one_page_wide(ws)
    _activate_first(workbook)


def _print_one_page_wide(ws) -> None:
    """Printed, the long messages stay on the page instead of spilling onto a second one."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "2:2"


def _activate_first(workbook) -> None:
    """Open on the list: only the first tab selected (several selected tabs group the sheets)."""
    for ws in workbook.worksheets:
        ws.sheet_view.tabSelected = False
    workbook.active = 0
    workbook.worksheets[0].sheet_view.tabSelected = True


def _named_cell(workbook, name: str):
    defined = workbook.defined_names.get(name)
    for sheet, coordinate in (defined.destinations if defined is not None else ()):
        if sheet in workbook.sheetnames:
            return workbook[sheet][coordinate.replace("$", "")]
    return None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _apply_official(workbook, official: Official) -> None:
    """Numbers ingest accepted from text (``8,710``) written as numbers, and the secretariat's
    values into their grey cells, so the copy's live formulas score what ingest scored."""
    for name, value in official.inputs.items():
        cell = _named_cell(workbook, name)
        if cell is not None and _is_number(value) and isinstance(cell.value, str) \
                and "%" not in (cell.number_format or ""):
            cell.value = value
    for name, _label, value in official.central:
        cell = _named_cell(workbook, name)
        if cell is not None and _is_number(value):
            cell.value = value
    for change in official.adjustments:
        cell = _named_cell(workbook, change["input"])
        if cell is not None:
            from openpyxl.comments import Comment

            text = (f"审核调整：原填报 {change['original']}，调整为 {change['adjusted']}；"
                    f"原因：{change['why']}（{change['by']}，{change['at']}）")
            if cell.comment is not None:
                text = f"{cell.comment.text}\n{text}"
            cell.value = change["adjusted"]
            cell.comment = Comment(text, AUTHOR, width=360, height=min(40 + 36 * (text.count(chr(10)) + 1), 400))


def _score_text(value) -> str:
    return "（无）" if value is None else f"{value:.2f}" if _is_number(value) else str(value)


def _write_official(ws, row: int, official: Official) -> None:
    """A labelled block under the list: the official score, and the secretariat's values."""
    from openpyxl.styles import Font

    from sceval.reports.status_words import adjusted_words_for

    ws.cell(row, 1, "官方计分结果（以省级汇总的计分为准；本表封面的实时得分已按系统读取的数值重新计算）").font = Font(bold=True)
    total = adjusted_words_for("feedback_total", {"adjustments": official.adjustments}) or "总分"  # marked as 总览 marks it
    lines = [(total, official.total), ("自选指标得分", official.optional_total)]
    lines += [(f"秘书处统一提供：{label}", value) for _name, label, value in official.central]
    for offset, (label, value) in enumerate(lines, start=1):
        ws.cell(row + offset, 2, label).data_type = "s"
        shown = _score_text(value) if offset <= 2 else ("（未收到）" if value is None else value
                                                        if isinstance(value, str) else show_number(value))
        ws.cell(row + offset, 7, shown).data_type = "s"


def write_feedback(src_path: str | Path, issues: list[dict | Issue], out_path: str | Path,
                   shown: str | None = None, official: Official | None = None) -> Path:
    """Write the city's workbook with its problems marked to ``out_path``; never touches src.

    ``shown``: the name the city sent (an archive member as ``附件.zip › 成员.xlsx``), used in the
    heading instead of the internal copy's; ``official``: what ingest scored, written into the
    copy so its preview agrees with the official score."""
    src_path, out_path = Path(src_path), Path(out_path)
    if src_path.resolve() == out_path.resolve():
        raise ValueError("feedback must not overwrite the city's original file")
    items = [_as_dict(item) for item in issues]
    workbook, readable = _load_copy(src_path)
    targets = _mark_cells(workbook, items) if readable else [None] * len(items)
    if readable and official is not None:
        _apply_official(workbook, official)
    _write_list(workbook, items, targets, sent_name(shown or src_path.name))
    if official is not None:
        _write_official(workbook[LIST_SHEET], len(items) + 4, official)
        from sceval.reports.feedback_previous import write_previous_block

        write_previous_block(workbook[LIST_SHEET], official)
    with atomic_path(out_path) as tmp:
        workbook.save(tmp)
    return out_path
