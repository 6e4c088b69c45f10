"""Read the rows of an optional-indicator definition workbook, and locate issues in it.

The definition sheet is found by its header row (so a renamed sheet or an inserted column still
reads, and messages name the cell where the value really is). Reading never evaluates anything:
formulas give their cached value or nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sctemplates.issues import issue
from sctemplates.optional.workbook import COLUMN_INDEX, COLUMNS, SHEET_DEFINITION
from sctemplates.cells import cell_text

HEADER_SCAN_ROWS = 10
MAX_ROWS = 500  # a definition has at most 9 sub-items; anything far beyond is not ours
# The display columns filled by formulas may be deleted; every column people fill must be there.
REQUIRED_KEYS = {c.key for c in COLUMNS if not c.auto}


@dataclass
class Row:
    number: int
    values: dict[str, str]


class Reporter:
    """Collects issues located in one file and sheet."""

    def __init__(self, path: Path):
        self.path, self.sheet, self.issues = path, "", []
        self.columns: dict[str, int] = {}  # column key -> 0-based index, as found in the sheet

    def add(self, code: str, message: str, key: str = "", row: int = 0, indicator: str = "") -> None:
        cell = f"{self.letter(key)}{row}" if key and row else ""
        where = f"{self.path.name} {self.sheet}!{cell}：" if cell else f"{self.path.name}："
        self.issues.append(issue(code, where + message, file=str(self.path), sheet=self.sheet,
                                 cell=cell, indicator=indicator))

    def letter(self, key: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.columns.get(key, COLUMN_INDEX[key]) + 1)


def read_rows(path: Path, report: Reporter) -> list[Row] | None:
    """Data rows of the definition sheet (None after reporting why the file cannot be read)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        report.add("OPT_BAD_FILE", "不是 .xlsx 工作簿或文件不存在，请使用 sceval optional template 生成的模板")
        return None
    try:
        found = _find_sheet(path)
    except Exception as exc:  # any reader failure on a province's file is a data problem
        report.add("OPT_BAD_FILE", f"工作簿无法读取（{type(exc).__name__}）")
        return None
    if found is None:
        report.add("OPT_BAD_FILE", f"找不到“{SHEET_DEFINITION}”表头（{'、'.join(c.header for c in COLUMNS)}）")
        return None
    report.sheet, report.columns, rows = found
    return rows


def _find_sheet(path: Path) -> tuple[str, dict[str, int], list[Row]] | None:
    """The definition sheet's name and data rows; the named sheet first, then any with our header."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = sorted(book.worksheets, key=lambda s: s.title != SHEET_DEFINITION)
        for sheet in sheets:
            grid = [list(r) for r in sheet.iter_rows(max_row=MAX_ROWS, values_only=True)]
            found = _rows_under_header(grid)
            if found is not None:
                return (sheet.title, *found)
        return None
    finally:
        book.close()


def _normal_header(value) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def _rows_under_header(grid: list[list]) -> tuple[dict[str, int], list[Row]] | None:
    """Column positions and the rows below the header; None when no row carries every header."""
    wanted = {_normal_header(c.header): c.key for c in COLUMNS}
    for top, cells in enumerate(grid[:HEADER_SCAN_ROWS]):
        found = {wanted[h]: i for i, h in enumerate(map(_normal_header, cells)) if h in wanted}
        if REQUIRED_KEYS <= found.keys():
            return found, [_row(top + 2 + n, cells, found) for n, cells in enumerate(grid[top + 1:])]
    return None


def _row(number: int, cells: list, columns: dict[str, int]) -> Row:
    values = {key: cell_text(cells[i] if i < len(cells) else None) for key, i in columns.items()}
    return Row(number, values)


