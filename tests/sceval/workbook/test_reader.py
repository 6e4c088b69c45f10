"""The reader on real .xlsx files: names, properties, hidden sheets, errors, formulas."""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest

from sceval.workbook.cell_refs import column_index, column_letters
from sceval.workbook.book import read_book


@pytest.fixture(scope="module")
def book_path(tmp_path_factory) -> Path:
    import xlsxwriter

    path = tmp_path_factory.mktemp("reader") / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("基础指标")
    ws.write_number("G6", 823)
    ws.write_string("G7", "１２３")
    ws.write_formula("G8", "=1/0", None, "#DIV/0!")
    ws.write_formula("G9", "=G6*2", None, 1646)
    ws.write_formula("G10", "=G6*3", None, "")
    ws.write_datetime("G11", dt.datetime(2016, 10, 31), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_number("G12", 0.1)
    quoted = wb.add_worksheet("市's 表")
    quoted.write_string("B2", "引号")
    hidden = wb.add_worksheet("_passport")
    hidden.write_string("A1", "city_code")
    hidden.write_string("B1", "330100")
    hidden.very_hidden()
    wb.define_name("SC_A", "='基础指标'!$G$6")
    wb.define_name("SC_Q", "='市''s 表'!$B$2")
    wb.define_name("SC_CONST", '="带""引号""的文本"')
    wb.define_name("SC_RANGE", "='基础指标'!$G$6:$G$9")
    wb.set_custom_property("sceval.city_code", "330100")
    wb.close()
    return path


def test_defined_names_point_to_sheet_and_cell(book_path):
    book, issues = read_book(book_path)
    assert issues == []
    assert book.names["SC_A"] == ("基础指标", "G6")
    assert book.names["SC_Q"] == ("市's 表", "B2")
    assert "SC_RANGE" not in book.names  # a range is not one input cell
    assert book.constants["SC_CONST"] == '带"引号"的文本'
    assert book.named("SC_Q").value == "引号"


def test_custom_properties_and_very_hidden_sheet(book_path):
    book, _ = read_book(book_path)
    assert book.properties == {"sceval.city_code": "330100"}
    assert book.rows("_passport")[0][:2] == ["city_code", "330100"]


def test_values_errors_and_formulas(book_path):
    book, _ = read_book(book_path)
    cell = lambda ref: book.cell("基础指标", ref)  # noqa: E731
    assert cell("G6").value == 823 and not cell("G6").formula
    assert cell("G7").value == "１２３"
    assert cell("G8").error == "#DIV/0!" and cell("G8").formula
    assert cell("G9").value == 1646 and cell("G9").formula
    assert cell("G10").value is None and cell("G10").formula
    assert cell("G11").value == dt.date(2016, 10, 31)
    assert cell("G12").value == 0.1
    assert cell("Z999").value is None


def test_formula_whose_value_element_was_dropped(book_path, tmp_path):
    stripped = tmp_path / "novalue.xlsx"
    with zipfile.ZipFile(book_path) as src, zipfile.ZipFile(stripped, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<c r="G9"[^>]*>)(<f>[^<]*</f>)<v>[^<]*</v>', rb"\1\2", data)
            dst.writestr(info, data)
    book, _ = read_book(stripped)
    assert book.cell("基础指标", "G9").formula and book.cell("基础指标", "G9").value is None


def test_unreadable_file_is_an_issue_not_an_exception(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    book, issues = read_book(bad, "邮件附件/bad.xlsx")
    assert book is None
    assert [i.code for i in issues] == ["FILE_UNREADABLE"] and issues[0].file == "邮件附件/bad.xlsx"


def test_column_letters_round_trip():
    for index in (0, 25, 26, 701, 702):
        assert column_index(column_letters(index)) == index
    assert column_letters(6) == "G"


SHEET_XML = (b'<worksheet><sheetData><row r="1"><c r="A1" t="e"><v>#DIV/0!</v></c>'
             b'<c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C1"><f t="shared" si="0"/><v>2</v></c>'
             b'<c r="D1" s="1"><v>3</v></c><c r="E1" t="s"><v>0</v></c></row></sheetData></worksheet>')


def test_special_cell_scan_finds_formulas_and_errors_with_or_without_prefixes():
    from sceval.workbook.grid_sheet import _special_cells

    expected = {"A1": (False, "#DIV/0!"), "B1": (True, "#DIV/0!"), "C1": (True, "")}
    assert _special_cells(SHEET_XML) == expected
    prefixed = re.sub(rb"<(/?)(\w+)", rb"<\1x:\2", SHEET_XML)
    assert b"<x:c " in prefixed and _special_cells(prefixed) == expected
