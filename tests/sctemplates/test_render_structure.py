"""Rendered templates read back with openpyxl: names, validations, locking, passport, sheets."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sctemplates import layout
from sctemplates.render import render_city
from tests.conftest import HANGZHOU, NINGBO

GENERATED_AT = "2016-11-30T08:00:00+00:00"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, catalog, province, optional_catalog) -> Path:
    path = tmp_path_factory.mktemp("render") / layout.file_name(HANGZHOU.code, HANGZHOU.name)
    return render_city(catalog, HANGZHOU, province, path, optional=optional_catalog,
                       generated_at=GENERATED_AT)


@pytest.fixture(scope="module")
def book(rendered):
    return openpyxl.load_workbook(rendered)


def target(book, name: str):
    """The single cell a workbook-level defined name points at."""
    ((sheet, ref),) = list(book.defined_names[name].destinations)
    return book[sheet][ref.replace("$", "")]


def validation_of(cell):
    for validation in cell.parent.data_validations.dataValidation:
        if cell.coordinate in validation.sqref:
            return validation
    return None


def all_inputs(catalog, optional_catalog):
    return [*catalog.inputs(), *optional_catalog.inputs()]


def unlocked_names(catalog, optional_catalog) -> set[str]:
    names = {item.name for _s, _i, item in all_inputs(catalog, optional_catalog) if item.city_fills}
    for cat in (catalog, optional_catalog):
        for sub in cat.sub_items():
            names |= {layout.source_name(sub.code), layout.remark_name(sub.code)}
    return names | set(layout.FILER_FIELDS)


def test_sheets_in_layout_order_with_states(book):
    assert book.sheetnames == [layout.SHEET_COVER, layout.SHEET_BASE, layout.SHEET_OPTIONAL,
                               layout.SHEET_FILER, layout.SHEET_LISTS, layout.SHEET_PASSPORT]
    states = {ws.title: ws.sheet_state for ws in book.worksheets}
    assert states[layout.SHEET_LISTS] == "hidden"
    assert states[layout.SHEET_PASSPORT] == "veryHidden"
    assert book.active.title == layout.SHEET_COVER


def test_every_city_input_is_named_validated_and_unlocked(book, catalog, optional_catalog):
    city_inputs = [i for _s, _u, i in all_inputs(catalog, optional_catalog) if i.city_fills]
    assert len(city_inputs) > 80
    for item in city_inputs:
        cell = target(book, item.name)
        assert cell.protection.locked is False, item.name
        rule = validation_of(cell)
        assert rule is not None, item.name
        assert rule.errorStyle in (None, "stop") and rule.showErrorMessage, item.name
        assert rule.showInputMessage and rule.prompt and len(rule.prompt) <= 255, item.name
        assert rule.promptTitle and len(rule.promptTitle) <= 32, item.name
        assert "留空" in rule.error
        expected = "list" if item.choices else ("whole" if item.integer else "decimal")
        assert rule.type == expected, item.name


def test_choice_validation_points_at_lists_sheet(book, catalog, optional_catalog):
    choices = [item for _s, _u, item in all_inputs(catalog, optional_catalog) if item.choices]
    assert len(choices) > 10
    for item in choices:
        rule = validation_of(target(book, item.name))
        assert layout.SHEET_LISTS in rule.formula1 and '"' not in rule.formula1
        sheet, ref = rule.formula1.lstrip("=").rsplit("!", 1)
        labels = [c.value for row in book[sheet.strip("'")][ref.replace("$", "")] for c in row]
        assert labels == [c.label for c in item.choices]


def test_number_validation_carries_catalog_bounds(book, catalog):
    bounded = [item for _s, _u, item in catalog.inputs()
               if item.city_fills and not item.choices and item.min is not None and item.max is not None]
    assert bounded
    for item in bounded:
        rule = validation_of(target(book, item.name))
        assert float(rule.formula1) == float(item.min)
        assert float(rule.formula2) == float(item.max)


def test_central_inputs_are_grey_locked_text(book, catalog):
    central = [i for _s, _u, i in catalog.inputs() if not i.city_fills]
    assert central
    for item in central:
        cell = target(book, item.name)
        assert cell.value == "由秘书处统一提供"
        assert cell.protection.locked is not False
        assert validation_of(cell) is None


def test_only_input_source_remark_and_filer_cells_are_unlocked(book, catalog, optional_catalog):
    allowed = {(target(book, n).parent.title, target(book, n).coordinate)
               for n in unlocked_names(catalog, optional_catalog)}
    unlocked = {(ws.title, cell.coordinate) for ws in book.worksheets for row in ws.iter_rows()
                for cell in row if cell.protection.locked is False}
    assert unlocked == allowed


def test_every_sheet_protected_without_password(book):
    for ws in book.worksheets:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password, ws.title


def test_every_indicator_has_a_named_score_formula(book, catalog, optional_catalog):
    for cat in (catalog, optional_catalog):
        codes = [n.code for n in (*cat.indicators, *cat.second_levels(), *cat.sub_items())]
        for code in codes:
            cell = target(book, layout.score_name(code))
            assert str(cell.value).startswith(("=ROUND(", "=IF(SUM(")), code
            assert "ROUND(" in str(cell.value), code
    assert "SUM(" in target(book, layout.TOTAL_SCORE).value
    assert layout.score_name("ZX") in book.defined_names  # the optional first level
    assert target(book, layout.OPTIONAL_TOTAL_SCORE).value.startswith("=ROUND(SUM(")


def test_status_panel_and_cover_identity(book, catalog, optional_catalog):
    required = sum(1 for _s, _u, i in all_inputs(catalog, optional_catalog) if i.city_fills)
    assert target(book, layout.STATUS_REQUIRED).value == required
    assert target(book, layout.STATUS_FILLED).value.startswith("=SUMPRODUCT(")
    assert target(book, layout.STATUS_INVALID).value.startswith("=SUM(")
    assert target(book, layout.COVER_CITY_CODE).value == HANGZHOU.code
    assert target(book, layout.COVER_CITY_NAME).value == HANGZHOU.name
    cover_text = " ".join(str(c.value) for row in book[layout.SHEET_COVER].iter_rows() for c in row
                          if c.value)
    assert "数据无法提供时请留空并在“说明”栏注明原因" in cover_text
    assert "暂定" in cover_text  # the 2016 catalog has provisional weights
    assert "示例联系人（虚构）" in cover_text and catalog.data_cutoff in cover_text


def test_provisional_sub_items_are_marked_and_only_they(book, catalog):
    marked = {}
    for sub in catalog.sub_items():
        score = target(book, layout.score_name(sub.code))
        marked[sub.code] = "暂定" in score.parent.cell(row=score.row, column=2).value
    provisional = set(catalog.provisional_codes())
    assert {code for code, mark in marked.items() if mark} == provisional
    assert provisional and set(marked) - provisional  # the 2016 catalog has both kinds


def test_conditional_formatting_is_one_range_with_two_rules(book):
    for title in (layout.SHEET_BASE, layout.SHEET_OPTIONAL):
        ranges = list(book[title].conditional_formatting)
        assert len(ranges) == 1, title
        assert len(ranges[0].rules) == 2
        assert {r.type for r in ranges[0].rules} == {"expression"}


def test_filer_cells_named_and_attestation_is_a_list(book):
    for name in layout.FILER_FIELDS:
        assert target(book, name).protection.locked is False
    rule = validation_of(target(book, "SC_FILER_ATTEST"))
    assert rule.type == "list" and layout.SHEET_LISTS in rule.formula1
    sheet, ref = rule.formula1.lstrip("=").rsplit("!", 1)
    assert book[sheet.strip("'")][ref.replace("$", "")].value == layout.ATTEST_CHOICE


def test_print_setup_a4_landscape_fit_width_with_titles(book):
    for title in (layout.SHEET_COVER, layout.SHEET_BASE, layout.SHEET_OPTIONAL, layout.SHEET_FILER):
        ws = book[title]
        assert ws.page_setup.orientation == "landscape", title
        assert int(ws.page_setup.paperSize) == 9, title
        assert ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0, title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, title
    assert book[layout.SHEET_BASE].print_title_rows.replace("$", "") == "1:2"


def passport_carriers(path: Path) -> tuple[dict, dict, dict]:
    book = openpyxl.load_workbook(path)
    sheet = {row[0]: row[1] for row in book[layout.SHEET_PASSPORT].iter_rows(values_only=True)}
    names = {}
    for key in layout.Passport.keys():
        text = book.defined_names[layout.passport_defined_name(key)].attr_text
        names[key] = text[1:-1].replace('""', '"')
    props = {p.name[len(layout.PASSPORT_PROPERTY_PREFIX):]: p.value for p in book.custom_doc_props.props
             if p.name.startswith(layout.PASSPORT_PROPERTY_PREFIX)}
    return sheet, names, props


def test_three_passport_carriers_agree(rendered, catalog, optional_catalog):
    sheet, names, props = passport_carriers(rendered)
    assert sheet == names == props
    passport = layout.Passport.from_mapping(sheet)
    assert passport.template_kind == layout.TEMPLATE_KIND
    assert passport.fingerprint == catalog.fingerprint()
    assert passport.optional_fingerprint == optional_catalog.fingerprint()
    assert (passport.city_code, passport.city_name, passport.province_code) == ("330100", "杭州市", "330000")
    assert passport.generator.startswith("sceval ") and passport.generated_at == GENERATED_AT
    assert len(passport.template_id) == 32


def test_template_id_is_deterministic_per_generated_at(tmp_path, catalog, province):
    ids = []
    for index, stamp in enumerate((GENERATED_AT, GENERATED_AT, "2016-12-01T00:00:00+00:00")):
        path = render_city(catalog, NINGBO, province, tmp_path / f"{index}.xlsx", generated_at=stamp)
        ids.append(passport_carriers(path)[0]["template_id"])
    assert ids[0] == ids[1] != ids[2]


def test_direct_city_gets_no_optional_sheet(tmp_path, catalog, province, optional_catalog):
    path = render_city(catalog, NINGBO, province, tmp_path / "nb.xlsx", optional=optional_catalog)
    book = openpyxl.load_workbook(path)
    assert layout.SHEET_OPTIONAL not in book.sheetnames
    assert layout.OPTIONAL_TOTAL_SCORE not in book.defined_names
    assert "SC_ZXP1_A1_NUM" not in book.defined_names
    assert passport_carriers(path)[0]["optional_fingerprint"] == ""


def test_the_file_says_it_was_saved_when_it_was_rendered(book):
    """An untouched template replied-all is ordered by when it was issued; stamped with the
    clock instead, it read as saved after the mail carrying it (TIME_SAVED_AFTER_MAIL)."""
    from datetime import datetime, timezone

    issued = datetime.fromisoformat(GENERATED_AT).astimezone(timezone.utc).replace(tzinfo=None)
    assert book.properties.created == issued and book.properties.modified == issued
