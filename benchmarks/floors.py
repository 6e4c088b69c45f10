"""The floors each stage is measured against: the least work any tool could do on the same cells.

- render floor: a bare xlsxwriter workbook with the template's cells (same sheets, values, strings
  and formula texts) written plainly — no formats, validations, names, protection or properties;
  also written with render's formula cache (sctemplates.render.worksheet), to show what is left
  once both skip xlsxwriter's formula rewriting;
- calamine floor: python-calamine reading every cell of every sheet;
- openpyxl read: what a typical script does — load_workbook(data_only=True), every cell.
"""
from __future__ import annotations

from pathlib import Path

Cells = dict[str, list[tuple[int, int, object]]]  # sheet -> (row, col, value), 0-based


def template_cells(path: Path) -> Cells:
    """Every non-empty cell of a rendered template, formulas as their text (read once, openpyxl)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    cells: Cells = {}
    for sheet in book.worksheets:
        cells[sheet.title] = [(c.row - 1, c.column - 1, _plain(c.value))
                              for row in sheet.iter_rows() for c in row if c.value is not None]
    return cells


def _plain(value):
    text = getattr(value, "text", None)  # ArrayFormula and friends: keep the formula text
    return text if text is not None else value


def write_floor(cells: Cells, path: Path, worksheet_class=None) -> None:
    """The bare workbook; ``worksheet_class=TemplateWorksheet`` gives it render's formula cache too."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    for name, entries in cells.items():
        sheet = workbook.add_worksheet(name, worksheet_class=worksheet_class)
        for row, col, value in entries:
            _write(sheet, row, col, value)
    workbook.close()


def _write(sheet, row: int, col: int, value) -> None:
    if isinstance(value, str):
        if value.startswith("="):
            sheet.write_formula(row, col, value)
        else:
            sheet.write_string(row, col, value)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
    else:
        sheet.write(row, col, value)


def calamine_read(path: Path) -> int:
    """Read every cell of every sheet with python-calamine; returns the cell count (so it is used)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    count = 0
    for name in book.sheet_names:
        for row in book.get_sheet_by_name(name).to_python():
            count += len(row)
    return count


def openpyxl_read(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    count = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            count += len(row)
    book.close()
    return count
