"""Issue 20, defect 2: a row (or column) inserted in 基础指标 moves every defined name below it, as
Excel always does. That return is read, with a warning naming the inserted rows; a name aimed at
another item's cell is still refused. Real rendered templates, rows inserted as Excel does."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string

from sctemplates.layout import SHEET_BASE
from sceval.ingest.batch import IngestOptions, ingest
from tests.libreoffice import needs_soffice, resave_xlsx
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang
from tests.sceval.workbook.excel_moves import insert_cols_as_excel, insert_rows_as_excel

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = ROSTER.cities[1]
RATIOS = [sub for sub in CATALOG.sub_items() if sub.method == "ratio"]
SUB = RATIOS[3]  # an item in the middle of the sheet: names above it stay, names below move
NUMERATOR, DENOMINATOR = SUB.input("numerator").name, SUB.input("denominator").name


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return render(CATALOG, CITY, ROSTER, tmp_path_factory.mktemp("template"))


def cell_of(book, name):
    (sheet, ref), = book.defined_names[name].destinations
    return sheet, ref.replace("$", "")


def input_row(book, name) -> int:
    return int("".join(ch for ch in cell_of(book, name)[1] if ch.isdigit()))


def scored(path, tmp_path):
    run = ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, workbooks=False))
    return run.results["files"][0], next(c for c in run.results["cities"] if c["code"] == CITY.code)


def plain_total(template, tmp_path):
    _file, city = scored(fill(template, tmp_path / "plain" / "p.xlsx", valid_values(CATALOG)), tmp_path / "p")
    return city["total"]


def test_a_note_row_inserted_under_an_indicator_is_read_with_a_warning(template, tmp_path):
    inserted = {}

    def note_row(book):  # between the indicator's code row and its first input row (珠海)
        inserted["row"] = input_row(book, NUMERATOR)
        insert_rows_as_excel(book, SHEET_BASE, inserted["row"], note="注：本项数据来自市统计局年报")
        book[SHEET_BASE].cell(row=inserted["row"], column=1).value = "注"  # typed in the code column too

    path = fill(template, tmp_path / "in" / f"{CITY.code}.xlsx", valid_values(CATALOG), edit=note_row)
    book = openpyxl.load_workbook(path)
    assert cell_of(book, NUMERATOR)[1].endswith(str(inserted["row"] + 1))  # the name moved with its row
    file, city = scored(path, tmp_path)
    codes = [i["code"] for i in file["issues"]]
    assert file["status"] == "counted" and "ID_NAME_MOVED" not in codes
    shifted = [i for i in file["issues"] if i["code"] == "ID_ROWS_SHIFTED"]
    assert len(shifted) == 1 and shifted[0]["severity"] == "warning"
    assert f"第 {inserted['row']} 行" in shifted[0]["message"]
    assert city["total"] == plain_total(template, tmp_path)
    assert city["inputs"][NUMERATOR] == valid_values(CATALOG)[NUMERATOR]


def test_a_column_inserted_before_the_values_is_read_with_a_warning(template, tmp_path):
    def new_column(book):
        column = column_index_from_string("".join(ch for ch in cell_of(book, NUMERATOR)[1] if ch.isalpha()))
        insert_cols_as_excel(book, SHEET_BASE, column)

    path = fill(template, tmp_path / "in" / f"{CITY.code}.xlsx", valid_values(CATALOG), edit=new_column)
    file, city = scored(path, tmp_path)
    assert file["status"] == "counted", file["issues"]
    assert "ID_ROWS_SHIFTED" in [i["code"] for i in file["issues"]]
    assert city["total"] == plain_total(template, tmp_path)


def test_a_name_re_pointed_at_the_denominator_is_still_refused(template, tmp_path):
    def repoint(book):
        sheet, ref = cell_of(book, DENOMINATOR)
        book.defined_names[NUMERATOR].attr_text = f"'{sheet}'!${ref[0]}${ref[1:]}"

    path = fill(template, tmp_path / "in" / f"{CITY.code}.xlsx", valid_values(CATALOG), edit=repoint)
    file, _city = scored(path, tmp_path)
    assert file["status"] == "rejected"
    assert "ID_NAME_MOVED" in [i["code"] for i in file["issues"]]


def test_a_re_pointed_name_beside_an_inserted_row_is_still_refused(template, tmp_path):
    other = RATIOS[5].input("numerator").name

    def both(book):
        insert_rows_as_excel(book, SHEET_BASE, input_row(book, NUMERATOR), note="说明")
        sheet, ref = cell_of(book, other)
        book.defined_names[NUMERATOR].attr_text = f"'{sheet}'!${ref[0]}${ref[1:]}"

    path = fill(template, tmp_path / "in" / f"{CITY.code}.xlsx", valid_values(CATALOG), edit=both)
    file, _city = scored(path, tmp_path)
    moved = [i for i in file["issues"] if i["code"] == "ID_NAME_MOVED"]
    assert file["status"] == "rejected" and len(moved) == 1 and NUMERATOR in moved[0]["message"]


@needs_soffice
def test_the_inserted_row_survives_a_libreoffice_save(template, tmp_path):
    """The city opens the file again in LibreOffice and saves: the names, as LibreOffice writes
    them back, still sit on the shifted rows, and the return is read the same way."""
    def note_row(book):
        insert_rows_as_excel(book, SHEET_BASE, input_row(book, NUMERATOR), note="注：数据来自统计年报")

    edited = fill(template, tmp_path / "edited" / f"{CITY.code}.xlsx", valid_values(CATALOG), edit=note_row)
    saved, = resave_xlsx([edited], tmp_path / "in")
    file, city = scored(saved, tmp_path)
    assert file["status"] == "counted", file["issues"]
    assert "ID_ROWS_SHIFTED" in [i["code"] for i in file["issues"]]
    assert city["inputs"][NUMERATOR] == valid_values(CATALOG)[NUMERATOR]


def test_a_row_inserted_between_two_indicators_is_named_too(template, tmp_path):
    inserted = {}

    def between(book):  # above the indicator's own row: its names all move with it
        inserted["row"] = input_row(book, NUMERATOR) - 1
        insert_rows_as_excel(book, SHEET_BASE, inserted["row"], note="以下为交通类指标")

    path = fill(template, tmp_path / "in" / f"{CITY.code}.xlsx", valid_values(CATALOG), edit=between)
    file, city = scored(path, tmp_path)
    shifted = [i for i in file["issues"] if i["code"] == "ID_ROWS_SHIFTED"]
    assert file["status"] == "counted" and len(shifted) == 1
    assert f"插入了第 {inserted['row']} 行；定义名称随之整体移动" in shifted[0]["message"]
    assert city["total"] == plain_total(template, tmp_path)


def test_an_untouched_return_says_nothing_about_rows(template, tmp_path):
    file, _city = scored(fill(template, tmp_path / "in" / "plain.xlsx", valid_values(CATALOG)), tmp_path)
    assert file["status"] == "counted" and "ID_ROWS_SHIFTED" not in [i["code"] for i in file["issues"]]


def test_a_column_inserted_before_the_codes_is_read_with_a_warning(template, tmp_path):
    path = fill(template, tmp_path / "in" / f"{CITY.code}.xlsx", valid_values(CATALOG),
                edit=lambda book: insert_cols_as_excel(book, SHEET_BASE, 1))
    file, city = scored(path, tmp_path)
    shifted = [i for i in file["issues"] if i["code"] == "ID_ROWS_SHIFTED"]
    assert file["status"] == "counted", file["issues"]
    assert len(shifted) == 1 and "原 A 列起右移 1 列" in shifted[0]["message"]
    assert city["total"] == plain_total(template, tmp_path)


def test_a_weight_edited_beside_an_inserted_column_is_still_refused(template, tmp_path):
    def edit(book):
        insert_cols_as_excel(book, SHEET_BASE, 1)
        (sheet, ref), = book.defined_names[NUMERATOR].destinations
        book[sheet].cell(row=int(ref.replace("$", "")[1:]) - 1, column=4).value = 99  # the weight, now in D

    file, _city = scored(fill(template, tmp_path / "in" / f"{CITY.code}.xlsx", valid_values(CATALOG), edit=edit),
                         tmp_path)
    assert file["status"] == "rejected"
    assert "ID_TEMPLATE_EDITED" in [i["code"] for i in file["issues"]]
