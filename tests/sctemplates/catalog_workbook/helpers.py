"""Catalog workbooks for the tests: the bundled catalog exported, then edited with openpyxl the
way an official edits it in Excel (cells found by header and code, never by fixed position)."""
from __future__ import annotations

from pathlib import Path

import openpyxl

from sctemplates.catalog import load_catalog_data
from sctemplates.catalog_workbook.export import write_catalog_workbook


def exported(folder: Path, name: str = "目录.xlsx") -> Path:
    return write_catalog_workbook(load_catalog_data(), Path(folder) / name)


def column_letter(sheet, header: str) -> str:
    for cell in sheet[1]:
        if cell.value == header:
            return cell.column_letter
    raise KeyError(header)


def row_of(sheet, code: str, code_header: str = "编码") -> int:
    letter = column_letter(sheet, code_header)
    for cell in sheet[letter][1:]:
        if cell.value == code:
            return cell.row
    raise KeyError(code)


def cell_of(sheet, code: str, header: str, code_header: str = "编码") -> str:
    return f"{column_letter(sheet, header)}{row_of(sheet, code, code_header)}"


def edit(path: Path, out: Path, change) -> Path:
    """Save a copy of the workbook at ``path`` after ``change(book)``."""
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(out)
    return out


def set_values(sheet_name: str, values: dict[tuple[str, str], object]):
    """A change setting (code, header) -> value on one sheet."""
    def change(book):
        sheet = book[sheet_name]
        for (code, header), value in values.items():
            sheet[cell_of(sheet, code, header)] = value
    return change
