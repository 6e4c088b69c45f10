"""The fast sheet reader (sheet_xml) against calamine, cell for cell, on real files.

Every workbook here is read twice, with read_book's default engine and with engine="calamine";
the two snapshots (every value with its type, every formula, error and percentage mark) must be
equal. Each test also asserts which engine the default actually used, so that a parity check can
never pass by both reads silently going through calamine.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest

from sceval.workbook.number_formats import DATE, NUMBER, UNSURE, format_kind
from sceval.workbook.grid_sheet import GridSheet
from sceval.workbook.book import read_book
from sceval.workbook.xml_sheet import XmlSheet
from tests.libreoffice import needs_soffice, resave_xlsx
from tests.sceval.ingest_helpers import base_catalog, fill, valid_values

CATALOG = base_catalog()

PLAIN_DATE_FORMATS = ["yyyy-mm-dd", 'yyyy"年"m"月"d"日"', "yyyy/m/d", "yyyy/m/d;@", "d-mmm-yy", "mmm-yy"]
PERCENT_FORMATS = ["0%", "0.00%", '0.0"%"', "0.0%;[Red]-0.0%"]
NUMBER_FORMATS = ["0", "0.00", "#,##0", 'General"分"', "@", '#,##0.00_);(#,##0.00)', '0"年"']


def engines(book) -> set[type]:
    return {type(sheet) for sheet in book.sheets.values()}


def same_both_ways(path: Path, fast_engine: type) -> dict:
    fast, issues = read_book(str(path))
    slow, slow_issues = read_book(str(path), engine="calamine")
    assert issues == [] and slow_issues == []
    assert engines(fast) == {fast_engine} and engines(slow) == {GridSheet}
    assert fast.snapshot() == slow.snapshot()
    return fast.snapshot()


@pytest.fixture(scope="module")
def plain_book(tmp_path_factory) -> Path:
    """xlsxwriter (shared strings, cached formula results): every kind of plain cell."""
    import xlsxwriter

    path = tmp_path_factory.mktemp("plain") / "plain.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("基础指标")
    values = [823, 0.1, -3.5, 1e20, 0.30000000000000004, "文本", "  两端空格  ", "a&b<c>\"d'", "行一\n行二",
              "回车\r\n换行", "x_x000D_y", True, False, "", "１２３", "3.5%"]
    for row, value in enumerate(values):
        ws.write(row, 0, value)
    for row, code in enumerate(PLAIN_DATE_FORMATS + ["14"]):
        fmt = wb.add_format({"num_format": int(code) if code.isdigit() else code})
        ws.write_number(row, 1, 42724 + row, fmt)  # whole days from 2016-12-20
        ws.write_string(row, 2, "文字不是日期", fmt)
        ws.write_blank(row, 3, None, fmt)
    for row, code in enumerate(PERCENT_FORMATS + NUMBER_FORMATS):
        ws.write_number(row, 4, 0.035 * (row + 1), wb.add_format({"num_format": code}))
    ws.write_formula("F1", "=A1*2", None, 1646)
    ws.write_formula("F2", '="合"&"计"', None, "合计")
    ws.write_formula("F3", "=1/0", None, "#DIV/0!")
    ws.write_formula("F4", "=TRUE()", None, True)
    ws.write_formula("F5", "=A1", None, "")
    ws.write_rich_string("G1", "普通", wb.add_format({"bold": True}), "加粗", "结尾")
    wb.add_worksheet("空表")
    other = wb.add_worksheet("市's 表")
    other.write("AB300", "远处")
    wb.close()
    return path


def test_plain_cells_read_as_calamine_reads_them(plain_book):
    snapshot = same_both_ways(plain_book, XmlSheet)
    rows, marks = snapshot["sheets"]["基础指标"]
    assert rows[0][1] == dt.date(2016, 12, 20) and rows[6][1] == dt.date(2016, 12, 26)
    assert rows[0][0] == 823.0 and rows[11][0] is True and rows[0][6] == "普通加粗结尾"
    assert marks["F3"] == (True, "#DIV/0!", False) and marks["E1"] == (False, "", True)
    assert snapshot["sheets"]["空表"] == ([], {})


def test_templates_and_returns_read_as_calamine_reads_them(template, tmp_path):
    same_both_ways(template, XmlSheet)  # xlsxwriter: shared strings, validations, names
    filled = fill(template, tmp_path / "filled.xlsx", valid_values(CATALOG))
    same_both_ways(filled, XmlSheet)  # openpyxl: inline strings, formulas without cached values


@needs_soffice
def test_libreoffice_saved_files_read_as_calamine_reads_them(plain_book, template, tmp_path):
    filled = fill(template, tmp_path / "src" / "filled.xlsx", valid_values(CATALOG))
    for resaved in resave_xlsx([plain_book, filled], tmp_path / "lo"):
        same_both_ways(resaved, XmlSheet)


def rewrite_part(path: Path, out: Path, member: str, change) -> Path:
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(data) if info.filename == member else data)
    return out


def test_phonetic_runs_and_rich_shared_strings(plain_book, tmp_path):
    def change(data: bytes) -> bytes:
        rich = ('<si><r><rPr><b/></rPr><t>文</t></r><r><t xml:space="preserve">本 </t></r>'
                '<rPh sb="0" eb="1"><t>ぶん</t></rPh><phoneticPr fontId="1"/></si>')
        return data.replace("<si><t>文本</t></si>".encode(), rich.encode(), 1)
    path = rewrite_part(plain_book, tmp_path / "rph.xlsx", "xl/sharedStrings.xml", change)
    assert same_both_ways(path, XmlSheet)["sheets"]["基础指标"][0][5][0] == "文本 "


@pytest.mark.parametrize("why, member, change", [
    ("1904 date system", "xl/workbook.xml", lambda d: d.replace(b"<workbookPr", b'<workbookPr date1904="1"')),
    ("prefixed cells", "xl/worksheets/sheet1.xml",
     lambda d: re.sub(rb"<(/?)(sheetData|row|c|v|f)\b", rb"<\1x:\2", d).replace(
         b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ')),
    ("cell without a reference", "xl/worksheets/sheet1.xml", lambda d: d.replace(b'<c r="A2"', b"<c", 1)),
    ("reference not first", "xl/worksheets/sheet1.xml", lambda d: d.replace(b'<c r="A2"', b'<c s="0" r="A2"', 1)),
    ("lower-case reference", "xl/worksheets/sheet1.xml", lambda d: d.replace(b'<c r="A2"', b'<c r="a2"', 1)),
    ("ISO date cell", "xl/worksheets/sheet1.xml",
     lambda d: d.replace(b'<c r="A2"', b'<c r="Z1" t="d"><v>2016-12-20T00:00:00</v></c><c r="A2"', 1)),
    ("a comment in the sheet data", "xl/worksheets/sheet1.xml", lambda d: d.replace(b"<row ", b"<!-- x --><row ", 1)),
])
def test_other_forms_go_to_calamine(plain_book, tmp_path, why, member, change):
    path = rewrite_part(plain_book, tmp_path / "odd.xlsx", member, change)
    fast, issues = read_book(str(path))
    assert issues == [] and engines(fast) == {GridSheet}, why


@pytest.mark.parametrize("code, value", [("h:mm", 0.5625), ("[h]:mm:ss", 30.25), ("yyyy-mm-dd hh:mm", 42724.5),
                                         ("yyyy-mm-dd", 42724.5), ("yyyy-mm-dd", 60), ("yyyy-mm-dd", -1)])
def test_times_and_odd_dates_are_left_to_calamine(tmp_path, code, value):
    import xlsxwriter

    path = tmp_path / "time.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet().write_number("A1", value, wb.add_format({"num_format": code}))
    wb.close()
    assert engines(read_book(str(path))[0]) == {GridSheet}


def test_format_kinds_agree_with_calamine(tmp_path):
    """What number_formats calls a date, calamine turns into a date; what it calls a number, it does not."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    codes = PLAIN_DATE_FORMATS + PERCENT_FORMATS + NUMBER_FORMATS + ["YYYY\\-MM\\-DD", "0.00E+00", "[Red]0.00"]
    path = tmp_path / "formats.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for row, code in enumerate(codes):
        ws.write_number(row, 0, 42724, wb.add_format({"num_format": code}))
    wb.close()
    column = [row[0] for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()]
    for code, value in zip(codes, column):
        kind = format_kind(code)
        if kind == DATE:
            assert value == dt.date(2016, 12, 20), code
        elif kind == NUMBER:
            assert value == 42724.0 and isinstance(value, float), code
        else:
            assert kind == UNSURE and code == "0.00E+00", code


def test_a_number_in_a_time_styled_cell_of_a_return_still_reads(template, tmp_path):
    """A city that formats an input cell as a time sends the whole file to calamine: same result."""
    from openpyxl.styles import numbers

    def as_time(wb):
        sheet, coord = next(iter(wb.defined_names["SC_L1P1_A2_NUM"].destinations))
        wb[sheet][coord.replace("$", "")].number_format = numbers.FORMAT_DATE_TIME3

    path = fill(template, tmp_path / "time.xlsx", valid_values(CATALOG), edit=as_time)
    fast, _ = read_book(str(path))
    assert engines(fast) == {GridSheet}
    assert fast.named("SC_L1P1_A2_NUM").value == dt.date(1900, 4, 9)  # 100, as calamine shows it


def test_same_cell_bytes_with_different_shared_strings(tmp_path):
    """Decoded cells are kept across files by their bytes; a shared-string cell never is."""
    import xlsxwriter

    books = []
    for text in ("甲市", "乙市"):
        path = tmp_path / f"{text}.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        wb.add_worksheet("表").write_string("A1", text)
        wb.close()
        books.append(read_book(str(path))[0])
    assert [book.cell("表", "A1").value for book in books] == ["甲市", "乙市"]
    assert engines(books[0]) == {XmlSheet}


@pytest.mark.parametrize("why, change, cell", [
    ("not a number", lambda d: re.sub(rb'(<c r="G9"[^>]*><v>)[^<]*', rb"\1abc", d, count=1), "G9"),
    ("no such shared string", lambda d: re.sub(rb'<c r="G9"([^>]*)t="n"><v>[^<]*', rb'<c r="G9"\1t="s"><v>99999',
                                               d, count=1), "G9"),
    ("missing end tag", lambda d: d.replace(b"</c>", b"", 1), "A1"),
])
def test_a_damaged_cell_rejects_the_file_naming_sheet_and_cell(template, tmp_path, why, change, cell):
    from sceval.ingest.batch import IngestOptions, ingest
    from tests.sceval.ingest_helpers import zhejiang

    good = fill(template, tmp_path / "good.xlsx", valid_values(CATALOG))
    (tmp_path / "in").mkdir()
    damaged = rewrite_part(good, tmp_path / "in" / "damaged.xlsx", "xl/worksheets/sheet2.xml", change)
    before = damaged.read_bytes()
    (outcome,) = ingest([damaged], tmp_path / "out", IngestOptions(CATALOG, roster=zhejiang(), jobs=1, workbooks=False)).outcomes
    (problem,) = [i for i in outcome.issues if i.is_error]
    assert outcome.status == "rejected" and problem.code == "FILE_UNREADABLE", why
    assert (problem.sheet, problem.cell) == ("基础指标", cell) and f"单元格 {cell}" in problem.message
    assert damaged.read_bytes() == before


def test_both_engines_declare_the_one_sheet_interface():
    """XmlSheet and GridSheet implement sceval.workbook.sheet.Sheet with the same signatures."""
    import inspect

    from sceval.workbook.grid_sheet import GridSheet
    from sceval.workbook.sheet import Sheet
    from sceval.workbook.xml_sheet import XmlSheet

    questions = [name for name in vars(Sheet) if not name.startswith("_") and callable(vars(Sheet)[name])]
    assert sorted(questions) == ["column", "marks", "raw", "rows", "value", "values"]
    for engine in (XmlSheet, GridSheet):
        assert issubclass(engine, Sheet)
        for name in questions:
            own = inspect.signature(getattr(engine, name))
            assert list(own.parameters) == list(inspect.signature(getattr(Sheet, name)).parameters), (engine, name)
