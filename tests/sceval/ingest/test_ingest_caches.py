"""The speed-ups of ingest change nothing: caches never hide an edit, shared parts read the same."""
from __future__ import annotations

import zipfile
from pathlib import Path


from sceval.ingest.one_file import FileTask, process_file
from sceval.workbook.book import read_book, wanted_part
from sceval.safety.preflight import inspect
from sctemplates.layout import SHEET_BASE
from tests.sceval.ingest_helpers import base_catalog, fill, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = ROSTER.cities[0]


def run(path: Path):
    return process_file(FileTask(str(path), path.name, "", 0, "", CATALOG, roster=ROSTER))


def edit_name(code: str, text: str):
    def edit(book):
        sheet = book[SHEET_BASE]
        row = next(r[0].row for r in sheet.iter_rows() if r[0].value == code)
        sheet[f"B{row}"].value = text
    return edit


def test_an_edit_is_caught_after_clean_returns_of_the_same_template(template, tmp_path):
    values = valid_values(CATALOG)
    clean = [run(fill(template, tmp_path / f"clean{n}.xlsx", values)) for n in range(2)]
    assert all(o.status == "accepted" and not [i for i in o.issues if "TEMPLATE" in i.code] for o in clean)
    sub = next(CATALOG.sub_items())
    edited = run(fill(template, tmp_path / "edited.xlsx", values, edit_name(sub.code, "自拟名称")))
    assert [i.indicator for i in edited.issues if i.code == "ID_TEMPLATE_EDITED"] == [sub.code]
    assert edited.result is None
    again = run(fill(template, tmp_path / "clean_again.xlsx", values))
    assert again.status == "accepted"


def test_parts_kept_by_preflight_read_the_same_book(template, tmp_path):
    path = fill(template, tmp_path / "kept.xlsx", valid_values(CATALOG))
    parts: dict[str, bytes] = {}
    found = inspect(path, parts=parts, wanted=wanted_part)
    assert found.issues == [] and "xl/workbook.xml" in parts
    assert any(name.startswith("xl/worksheets/") for name in parts)
    with zipfile.ZipFile(path) as archive:
        assert all(archive.read(name) == data for name, data in parts.items())
    shared, _ = read_book(str(path), parts=parts)
    alone, _ = read_book(str(path))
    assert shared.snapshot() == alone.snapshot()


def test_a_dtd_in_a_kept_part_is_still_refused(tmp_path):
    path = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e "x">]><workbook/>')
    parts: dict[str, bytes] = {}
    found = inspect(path, parts=parts, wanted=wanted_part)
    assert [i.code for i in found.issues] == ["FILE_XML_UNSAFE"]


def test_names_with_attributes_beyond_the_plain_form_are_still_read(template, tmp_path):
    """A hidden name (hidden="1") is not the plain form: the general reading takes over."""
    path = fill(template, tmp_path / "plain.xlsx", valid_values(CATALOG))
    plain, _ = read_book(str(path))
    hidden = tmp_path / "hidden.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(hidden, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b'<definedName name="SC_FILER_NAME">',
                                    b'<definedName name="SC_FILER_NAME" hidden="1">', 1)
                assert b'hidden="1"' in data
            target.writestr(info, data)
    book, issues = read_book(str(hidden))
    assert issues == [] and book.names == plain.names and book.constants == plain.constants
