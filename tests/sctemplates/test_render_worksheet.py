"""TemplateWorksheet writes exactly what xlsxwriter's own Worksheet writes, byte for byte."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from xlsxwriter.worksheet import Worksheet

from sctemplates.render.worksheet import TemplateWorksheet

FORMULAS = [
    "=IF(AND(ISNUMBER($G$9),$G$10>0),ROUND(35*$G$9/$G$10,2),0)",
    "=XLOOKUP(A1,B1:B9,C1:C9)",  # a dynamic-array function: _xlfn. prefix
    "=CONCAT(A1,B1)",  # a future function: prefixed only when future functions are expanded
    "=_xlfn.STDEV.S(A1:A9)",  # already prefixed by its author
    "{=SUM(A1:A9*B1:B9)}",  # an array formula
    "=SUM(A1:A9)",
]


def write_book(path: Path, worksheet_class, future: bool) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"use_future_functions": future})
    sheet = book.add_worksheet("表", worksheet_class=worksheet_class)
    for _ in range(2):  # the second round comes from the cache
        for row, formula in enumerate(FORMULAS):
            sheet.write_formula(row, 0, formula)
            sheet.conditional_format(row, 1, row, 1, {"type": "formula", "criteria": formula.strip("{}"),
                                                      "format": book.add_format({"bold": True})})
        sheet.data_validation(0, 2, 9, 2, {"validate": "custom", "value": "=CONCAT(A1,B1)<>\"\""})
    book.set_properties({"created": __import__("datetime").datetime(2016, 12, 20)})
    book.close()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("future", [False, True])
def test_same_bytes_as_xlsxwriter(tmp_path, future):
    write_book(tmp_path / "plain.xlsx", Worksheet, future)
    write_book(tmp_path / "kept.xlsx", TemplateWorksheet, future)
    plain, kept = parts(tmp_path / "plain.xlsx"), parts(tmp_path / "kept.xlsx")
    assert plain == kept
    sheet = kept["xl/worksheets/sheet1.xml"]
    assert b">_xlfn.XLOOKUP(" in sheet and (b"<f>_xlfn.CONCAT(" in sheet) == future
    assert b"<formula>_xlfn.CONCAT(" in sheet  # conditional formats always expand
