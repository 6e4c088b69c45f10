"""Visible numbers of a summary workbook checked against the results embedded in it.

A province may have "corrected" a total by hand before e-mailing its summary. The merge uses the
embedded results, and says where the sheet no longer agrees: workbook, sheet, cell, both values.
Checked: 总览 and the 一级指标, 二级指标 and 分项得分 matrices. Columns are found by their
headings, as those sheets' writers give them (columns added to 总览 later are checked too, and
the order of columns does not matter); cities by their 代码.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Callable

from sctemplates.issues import Issue, issue

from sceval.reports.summary.data import SummaryData, to_decimal
from sceval.reports.summary.matrix import CATALOG_MATRICES
from sceval.reports.summary.overview import SHEET as OVERVIEW
from sceval.reports.summary.overview import _fields as overview_fields  # the sheet's own headings
from sceval.workbook.cell_refs import column_letters

NUMBER_KINDS = ("score", "percent", "integer")
CODE_HEADING = "代码"


def _checked_columns(data: SummaryData) -> list[tuple[str, list[tuple[str, Callable]]]]:
    """(sheet, [(heading, the value under it for a city)]): the numbers of 总览, and the scores
    of the 一级指标, 二级指标 and 分项得分 matrices, by the headings their writers give them."""
    found = [(OVERVIEW, [(f.header, f.get) for f in overview_fields(data) if f.kind in NUMBER_KINDS])]
    for sheet, columns_of in CATALOG_MATRICES:
        found.append((sheet, [(c.header, lambda row, code=c.code: row.score(code)) for c in columns_of(data.catalog)]))
    return found


def edited_numbers(book, data: SummaryData, where: str) -> list[Issue]:
    """EMBED_VISIBLE_EDITED for every number shown that differs from the embedded results."""
    by_code = {row.code: row for row in data.rows}
    found = []
    for sheet, columns in _checked_columns(data):
        found += _edited_in_sheet(book.rows(sheet), sheet, columns, by_code, where)
    return found


def _edited_in_sheet(rows: list[list], sheet: str, columns, by_code: dict, where: str) -> list[Issue]:
    header_at = next((i for i, row in enumerate(rows) if CODE_HEADING in row), None)
    if header_at is None:
        return []
    headings = [str(value) for value in rows[header_at]]
    code_col = headings.index(CODE_HEADING)
    checked = [(headings.index(heading), heading, get) for heading, get in columns if heading in headings]
    found = []
    for offset, values in enumerate(rows[header_at + 1:], start=header_at + 1):
        city = by_code.get(str(values[code_col]) if code_col < len(values) else "")
        if city is None:
            continue
        for col, heading, get in checked:
            shown, expected = values[col] if col < len(values) else "", get(city)
            if not _same(shown, expected):
                cell = f"{column_letters(col)}{offset + 1}"
                found.append(_edited(where, sheet, cell, city, heading, shown, expected))
    return found


def _same(shown, expected) -> bool:
    if expected is None or expected == "":
        return shown in ("", None)
    if isinstance(expected, str):  # a word in a number column: the rank 直报国家, a score 待补 2.50
        return shown == expected
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


def _edited(where: str, sheet: str, cell: str, city, heading: str, shown, expected) -> Issue:
    column = heading.split("\n")[0]
    message = (f"文件 {where} 工作表“{sheet}”单元格 {cell}（{city.name}，{column}）显示为 {_text(shown)}，"
               f"与其内嵌的计分结果 {_text(expected)} 不一致（可能被手工修改），已按内嵌的计分结果合并")
    return issue("EMBED_VISIBLE_EDITED", message, file=where, sheet=sheet, cell=cell)
