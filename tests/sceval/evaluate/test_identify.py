"""Identity and template integrity on real rendered templates, tampered the way people do."""
from __future__ import annotations

from pathlib import Path

import pytest

from sceval.evaluate.identify import identify
from sceval.ingest.one_file import FileTask, process_file
from sceval.workbook.book import read_book
from sctemplates.layout import (
    COVER_CITY_NAME, PASSPORT_PROPERTY_PREFIX, SHEET_BASE, SHEET_FILER, SHEET_PASSPORT, Passport,
    passport_defined_name,
)
from tests.sceval.ingest_helpers import base_catalog, fill, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = ROSTER.cities[0]


def make(template, tmp_path, edit=None, name=None) -> Path:
    return fill(template, tmp_path / (name or f"{CITY.code}_{CITY.name}.xlsx"), valid_values(CATALOG), edit)


def ident_of(path: Path, optional=None):
    book, issues = read_book(path)
    assert issues == []
    return identify(book, CATALOG, ROSTER, optional, path.name)


def codes(ident) -> list[str]:
    return [i.code for i in ident.issues]


def set_passport(key: str, value: str):
    """Change one passport field consistently in all three carriers."""
    def edit(book):
        sheet = book[SHEET_PASSPORT]
        for row in sheet.iter_rows():
            if row[0].value == key:
                row[1].value = value
        book.defined_names[passport_defined_name(key)].attr_text = f'"{value}"'
        for prop in book.custom_doc_props.props:
            if prop.name == PASSPORT_PROPERTY_PREFIX + key:
                prop.value = value
    return edit


def drop_passport(book):
    del book[SHEET_PASSPORT]
    for key in Passport.keys():
        del book.defined_names[passport_defined_name(key)]
    book.custom_doc_props.props = [p for p in book.custom_doc_props.props
                                   if not p.name.startswith(PASSPORT_PROPERTY_PREFIX)]


def test_clean_return_is_identified(template, tmp_path):
    ident = ident_of(make(template, tmp_path))
    assert ident.city == CITY and ident.passport.city_code == CITY.code
    assert codes(ident) == [] and not ident.blocked


def test_carriers_disagree(template, tmp_path):
    def edit(book):
        for row in book[SHEET_PASSPORT].iter_rows():
            if row[0].value == "city_code":
                row[1].value = ROSTER.cities[1].code
    ident = ident_of(make(template, tmp_path, edit))
    assert "ID_PASSPORT_MISMATCH" in codes(ident) and ident.blocked


@pytest.mark.parametrize("key, value, code", [
    ("edition", "2017", "ID_OTHER_EDITION"),
    # another catalog (ID_OTHER_CATALOG / ID_RULES_REVISED): tests/sceval/review/test_revised_catalog.py
    ("province_code", "320000", "ID_OTHER_PROVINCE"),
    ("city_code", "339999", "ID_NOT_IN_ROSTER"),
])
def test_passport_of_another_round(template, tmp_path, key, value, code):
    ident = ident_of(make(template, tmp_path, set_passport(key, value)))
    assert codes(ident)[0] == code and ident.blocked  # a changed city also contradicts cover and file name
    assert ident.issues[0].severity == "error"


def test_other_optional_fingerprint_is_an_error_but_base_still_usable(template, tmp_path, optional_catalog):
    path = make(template, tmp_path, set_passport("optional_fingerprint", "feedfacefeedface"))
    ident = ident_of(path, optional_catalog)
    assert codes(ident) == ["ID_OTHER_OPTIONAL"] and not ident.blocked and not ident.optional_ok


def test_optional_indicators_without_a_definition_are_pending_not_the_citys_fault(template, tmp_path):
    """The run was given no --optional: the city is told its optional score is pending, not to
    use a new template (the province says it once for the run: RUN_OPTIONAL_MISSING)."""
    ident = ident_of(make(template, tmp_path, set_passport("optional_fingerprint", "feedfacefeedface")))
    assert codes(ident) == ["OPTIONAL_PENDING"] and not ident.blocked and not ident.optional_ok
    assert "待省级补充自选指标定义后重新计分" in ident.issues[0].message


def test_file_named_for_another_city_passport_wins(template, tmp_path):
    other = ROSTER.cities[1]
    ident = ident_of(make(template, tmp_path, name=f"{other.code}_{other.name}.xlsx"))
    assert codes(ident) == ["ID_FILENAME_MISMATCH"] and ident.city == CITY
    assert ident.issues[0].severity == "warning"


def test_cover_edited_to_another_city(template, tmp_path):
    def edit(book):
        for sheet, coord in book.defined_names[COVER_CITY_NAME].destinations:
            book[sheet][coord.replace("$", "")].value = ROSTER.cities[2].name
    ident = ident_of(make(template, tmp_path, edit))
    assert codes(ident) == ["ID_COVER_MISMATCH"] and ident.blocked
    assert ident.issues[0].cell


def test_no_passport_matched_by_cover(template, tmp_path):
    ident = ident_of(make(template, tmp_path, drop_passport))
    assert codes(ident) == ["ID_NO_PASSPORT"] and ident.city == CITY and not ident.blocked


def test_no_passport_and_no_cover_is_unidentified(template, tmp_path):
    def edit(book):
        drop_passport(book)
        for sheet, coord in book.defined_names[COVER_CITY_NAME].destinations:
            book[sheet][coord.replace("$", "")].value = "某市"
        for sheet, coord in book.defined_names["SC_COVER_CITY_CODE"].destinations:
            book[sheet][coord.replace("$", "")].value = ""
    ident = ident_of(make(template, tmp_path, edit, name="return.xlsx"))
    assert codes(ident) == ["ID_UNIDENTIFIED"] and ident.city is None and ident.blocked


def test_required_sheet_missing(template, tmp_path):
    ident = ident_of(make(template, tmp_path, lambda book: book.remove(book[SHEET_BASE])))
    assert "ID_SHEET_MISSING" in codes(ident) and ident.blocked


def test_missing_filer_sheet_is_a_warning_like_a_blank_one(template, tmp_path):
    ident = ident_of(make(template, tmp_path, lambda book: book.remove(book[SHEET_FILER])))
    assert "ID_FILER_SHEET_MISSING" in codes(ident) and not ident.blocked


def test_sheet_renamed_is_found_by_content(template, tmp_path):
    def edit(book):
        book[SHEET_BASE].title = "指标数据"
    ident = ident_of(make(template, tmp_path, edit))
    assert codes(ident) == ["ID_SHEET_RENAMED"] and ident.sheets[SHEET_BASE] == "指标数据"


def test_sheets_reordered(template, tmp_path):
    def edit(book):
        book.move_sheet(SHEET_FILER, offset=-2)
    ident = ident_of(make(template, tmp_path, edit))
    assert codes(ident) == ["ID_SHEET_RENAMED"] and ident.issues[0].severity == "warning"


def run(path: Path):
    return process_file(FileTask(str(path), path.name, "", 0, "", CATALOG, None, ROSTER, {}))


def base_cell(book, code: str, column: str):
    sheet = book[SHEET_BASE]
    row = next(r[0].row for r in sheet.iter_rows() if r[0].value == code)
    return sheet[f"{column}{row}"]


def test_locked_name_edited_is_not_scored(template, tmp_path):
    sub = next(CATALOG.sub_items())

    def edit(book):
        base_cell(book, sub.code, "B").value = "自拟的指标名称"
    outcome = run(make(template, tmp_path, edit))
    edited = [i for i in outcome.issues if i.code == "ID_TEMPLATE_EDITED"]
    assert edited and edited[0].indicator == sub.code and edited[0].severity == "error"
    assert outcome.status == "rejected" and outcome.result is None


def test_locked_weight_edited_is_not_scored(template, tmp_path):
    sub = next(CATALOG.sub_items())

    def edit(book):
        base_cell(book, sub.code, "C").value = float(sub.weight) + 10
    outcome = run(make(template, tmp_path, edit))
    assert "ID_TEMPLATE_EDITED" in [i.code for i in outcome.issues] and outcome.result is None


def test_cosmetic_edit_is_a_warning_and_scored(template, tmp_path):
    sub = next(CATALOG.sub_items())

    def edit(book):
        cell = base_cell(book, sub.code, "B")
        cell.value = " " + sub.name[:3] + " " + sub.name[3:]
    outcome = run(make(template, tmp_path, edit))
    assert "ID_TEMPLATE_COSMETIC" in [i.code for i in outcome.issues]
    assert outcome.status == "accepted" and outcome.result is not None


def test_lost_names_are_rebuilt_from_code_rows(template, tmp_path):
    clean = run(make(template, tmp_path))

    def edit(book):
        for name in list(book.defined_names):
            if not name.startswith("SC_PASSPORT_"):
                del book.defined_names[name]
    outcome = run(make(template, tmp_path, edit, name="lost.xlsx"))
    assert "ID_NAMES_LOST" in [i.code for i in outcome.issues]
    assert outcome.result.total == clean.result.total and outcome.result.total > 0
    assert outcome.result.scores == clean.result.scores
    assert outcome.result.filer == clean.result.filer


def test_no_names_and_no_passport_still_identified_by_cover_rows(template, tmp_path):
    def edit(book):
        drop_passport(book)
        for name in list(book.defined_names):
            del book.defined_names[name]
    ident = ident_of(make(template, tmp_path, edit, name="return.xlsx"))
    assert codes(ident) == ["ID_NAMES_LOST", "ID_NO_PASSPORT"] and ident.city == CITY
