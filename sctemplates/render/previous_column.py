"""The previous round in a template (issue 23): a read-only grey column 上一轮填报值（<round>）
beside every input of 基础指标, and the earlier total, rank and status on the cover.

The column sits right of 得分, after the hidden helper columns, so every column of the template
contract (sctemplates.layout) keeps its place and ingest reads these templates like any other.
Cells are locked (the sheet is protected without a password, like the rest); inputs stay empty.
"""
from __future__ import annotations

from sctemplates.layout import STATUS_FILLED, TOTAL_SCORE
from sctemplates.model import Input
from sctemplates.render.context import INDICATOR_COLUMNS, SheetContext
from sctemplates.render.formats import BASE, BORDER
from sctemplates.render.previous import PreviousValues

PREVIOUS_COL = INDICATOR_COLUMNS.required + 1  # N: first visible column right of 得分
PREVIOUS_WIDTH = 22
# Lighter than the secretariat's grey (formats.CENTRAL_FILL): a reference to read, not a value supplied.
PREVIOUS_STYLE = {**BASE, **BORDER, "bg_color": "#E7E6E6", "font_color": "#404040", "align": "center",
                  "locked": True, "num_format": "General"}
HEADER_ROW = 1
HEADER_HEIGHT = 30


def attach_previous_column(sheet: SheetContext, values: PreviousValues) -> None:
    """Make ``sheet`` write the previous value on each input row (SheetContext.previous)."""
    style = sheet.workbook.add_format(PREVIOUS_STYLE)
    sheet.worksheet.write_string(HEADER_ROW, PREVIOUS_COL, values.heading(), sheet.formats["header"])
    sheet.worksheet.set_column(PREVIOUS_COL, PREVIOUS_COL, PREVIOUS_WIDTH)
    sheet.worksheet.set_row(HEADER_ROW, HEADER_HEIGHT)  # the round's name wraps onto a second line

    def write(row: int, item: Input) -> None:
        shown = values.shown(item.name)
        if isinstance(shown, (int, float)):
            sheet.worksheet.write_number(row, PREVIOUS_COL, shown, style)
        else:
            sheet.worksheet.write_string(row, PREVIOUS_COL, str(shown), style)
        note = values.note(item.name)
        if note:  # a reviewed value: the city must not take it for what it typed
            sheet.worksheet.write_comment(row, PREVIOUS_COL, note, {"x_scale": 2, "y_scale": 1.5})

    sheet.previous = write


def finish_previous_column(sheet: SheetContext, last_row: int) -> None:
    """Print the column too (the sheet's print area otherwise ends at 得分)."""
    sheet.worksheet.print_area(0, 0, last_row, PREVIOUS_COL)


def cover_rows(values: PreviousValues, total_cell: str) -> list[tuple[str, object, str]]:
    """(label, value or formula, style) rows of the cover's 上一轮 block; the last row previews
    the change against the live total (a formula, like the rest of the preview)."""
    city = values.city
    if city is None:
        return [("上一轮", f"{values.round_name}：本市无数据", "cell")]
    total = "无（未计分）" if city.total is None else city.total
    rows = [("上一轮", values.round_name, "cell"),
            ("上一轮总分", total, "score_bold" if city.total is not None else "cell"),
            ("上一轮名次", f"第 {city.rank} 名" if city.rank else "无", "cell"),
            ("上一轮状态", city.status_label or city.status, "cell")]
    if city.total is not None:
        # blank until something is filled: an untouched template would show minus last year's total
        rows.append(("与上一轮相比（预览）", f'=IF({STATUS_FILLED}=0,"",ROUND({total_cell}-{city.total},2))', "score_bold"))
    return rows


def write_cover_previous(sheet, row: int, values: PreviousValues, label_col: int, value_col: int) -> int:
    """The 上一轮 block at ``row`` of the cover; returns the next free row."""
    ws, fmt = sheet.worksheet, sheet.formats
    ws.write_string(row, label_col, "与上一轮对比", fmt["subtitle"])
    rows = cover_rows(values, TOTAL_SCORE)  # the defined name: Excel and LibreOffice resolve it
    for offset, (label, value, style) in enumerate(rows, start=1):
        ws.write_string(row + offset, label_col, label, fmt["first"])
        if isinstance(value, str) and value.startswith("="):
            ws.write_formula(row + offset, value_col, value, fmt[style], "")
        elif isinstance(value, str):
            ws.write_string(row + offset, value_col, value, fmt[style])
        else:
            ws.write_number(row + offset, value_col, float(value), fmt[style])  # display only
    return row + len(rows) + 2
