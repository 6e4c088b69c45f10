"""Visible numbers of a summary workbook checked against the results embedded in it.

A province may have "corrected" a total by hand before e-mailing its summary. The merge uses the
embedded results, and says where the sheet no longer agrees: workbook, sheet, cell, both values.
Columns are found by their headings, as the 总览 sheet's own field list writes them (columns
added to it later are checked too, and their order does not matter).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sctemplates.issues import Issue, issue

from sceval.reports.summary.data import SummaryData, to_decimal
from sceval.reports.summary.overview import SHEET as OVERVIEW
from sceval.reports.summary.overview import _fields as overview_fields  # the sheet's own headings
from sceval.workbook.cell_refs import column_letters

NUMBER_KINDS = ("score", "percent", "integer")
CODE_HEADING = "代码"


def edited_numbers(book, data: SummaryData, where: str) -> list[Issue]:
    """EMBED_VISIBLE_EDITED for every number on 总览 that differs from the embedded results."""
    rows = book.rows(OVERVIEW)
    header_at = next((i for i, row in enumerate(rows) if CODE_HEADING in row), None)
    if header_at is None:
        return []
    headings = [str(value) for value in rows[header_at]]
    code_col = headings.index(CODE_HEADING)
    by_code = {row.code: row for row in data.rows}
    checked = [(headings.index(f.header), f) for f in overview_fields(data)
               if f.kind in NUMBER_KINDS and f.header in headings]
    found = []
    for offset, values in enumerate(rows[header_at + 1:], start=header_at + 1):
        city = by_code.get(str(values[code_col]) if code_col < len(values) else "")
        if city is None:
            continue
        for col, column in checked:
            shown = values[col] if col < len(values) else ""
            expected = column.get(city)
            if not _same(shown, expected):
                found.append(_edited(where, f"{column_letters(col)}{offset + 1}", city, column.header,
                                     shown, expected))
    return found


def _same(shown, expected) -> bool:
    if expected is None or expected == "":
        return shown in ("", None)
    try:
        return isinstance(shown, (int, float)) and not isinstance(shown, bool) and \
            to_decimal(shown) == to_decimal(expected)
    except (InvalidOperation, ValueError):
        return False


def _text(value) -> str:
    if value in ("", None):
        return "（空）"
    if isinstance(value, float):
        return str(to_decimal(value))
    return str(value) if not isinstance(value, Decimal) else f"{value:f}"


def _edited(where: str, cell: str, city, heading: str, shown, expected) -> Issue:
    column = heading.split("\n")[0]
    message = (f"文件 {where} 工作表“{OVERVIEW}”单元格 {cell}（{city.name}，{column}）显示为 {_text(shown)}，"
               f"与其内嵌的计分结果 {_text(expected)} 不一致（可能被手工修改），已按内嵌的计分结果合并")
    return issue("EMBED_VISIBLE_EDITED", message, file=where, sheet=OVERVIEW, cell=cell)
