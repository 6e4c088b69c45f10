"""Insert rows or columns the way Excel does: cells move, and so does every defined name (and
print area) that points at or below (right of) the insertion. openpyxl's insert_rows/insert_cols
move cells only, so the names are moved here, exactly as Excel moves them."""
from __future__ import annotations

import re

from openpyxl.utils import column_index_from_string, get_column_letter

REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def _moved_ref(text: str, sheet: str, rows: tuple[int, int] | None, cols: tuple[int, int] | None) -> str:
    """``'基础指标'!$G$21`` with the rows at/after rows[0] moved down rows[1] (cols likewise)."""
    if "!" not in text or text.split("!")[0].strip("'") != sheet:
        return text
    head, tail = text.split("!", 1)

    def move(match):
        col, row = column_index_from_string(match.group(1)), int(match.group(2))
        if rows and row >= rows[0]:
            row += rows[1]
        if cols and col >= cols[0]:
            col += cols[1]
        return f"${get_column_letter(col)}${row}"

    return head + "!" + REF.sub(move, tail)


def _move_names(book, sheet: str, rows=None, cols=None) -> None:
    for name in list(book.defined_names):
        defined = book.defined_names[name]
        defined.attr_text = _moved_ref(defined.attr_text, sheet, rows, cols)
    for ws in book.worksheets:
        for name in list(ws.defined_names):
            defined = ws.defined_names[name]
            defined.attr_text = _moved_ref(defined.attr_text, sheet, rows, cols)


def insert_rows_as_excel(book, sheet: str, row: int, amount: int = 1, note: str = "") -> None:
    """Insert ``amount`` rows before 1-based ``row`` of ``sheet``; ``note`` typed into column B."""
    book[sheet].insert_rows(row, amount)
    _move_names(book, sheet, rows=(row, amount))
    if note:
        book[sheet].cell(row=row, column=2).value = note


def insert_cols_as_excel(book, sheet: str, col: int, amount: int = 1) -> None:
    """Insert ``amount`` columns before 1-based column ``col`` of ``sheet``."""
    book[sheet].insert_cols(col, amount)
    _move_names(book, sheet, cols=(col, amount))
