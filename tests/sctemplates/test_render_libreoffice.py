"""Templates through LibreOffice: re-save keeps the contract; recalculated scores equal Python's."""
from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest

from sctemplates import layout
from sctemplates.methods import raw_points, round_score
from sctemplates.render import render_city
from tests.conftest import HANGZHOU
from tests.libreoffice import (
    convert, defined_name_values, libreoffice, recalculated_values, resave_xlsx, to_pdf,
)

pytestmark = libreoffice

# Invalid values as a city could paste them (paste bypasses validation): name -> value.
INVALID = {
    "SC_L1P1_A1_NUM": "abc", "SC_L1P1_A1_DEN": 2000,  # text in a number cell
    "SC_L1P1_A2_NUM": -5, "SC_L1P1_A2_DEN": 10,  # below the minimum
    "SC_L1P1_A3_NUM": 20, "SC_L1P1_A3_DEN": 10,  # numerator > denominator
    "SC_L1P2_A1_CHOICE": "每天发布",  # not one of the choices
    "SC_L1P2_A2_NUM": 2.5, "SC_L1P2_A2_DEN": 10,  # a fraction in a count (个) cell
}
# Every item with an invalid input scores 0 in the live preview, as in the Python scorer —
# including L1P2-A2, whose only fault (a fraction in a count cell) the method itself ignores.
ZERO_CODES = ("L1P1-A1", "L1P1-A2", "L1P1-A3", "L1P2-A1", "L1P2-A2")
# L1P2 (3 points): 34 + 33 × 1/66 + 0 = 34.5, and 3 × 34.5 / 100 = 1.035 exactly → 1.04; in binary
# floating point 1.035 is 1.03499999…, so this proves the spreadsheet rounds like the scorer.
BOUNDARY = {"SC_L1P2_A1_CHOICE": "实时或准实时发布", "SC_L1P2_A2_NUM": 1, "SC_L1P2_A2_DEN": 66,
            "SC_L1P2_A3_NUM": 0, "SC_L1P2_A3_DEN": 5}


def fill_plan(*catalogs) -> dict[str, object]:
    """A value for every city input; L1P1-A1 is 30 × 823 / 2000 = 12.345 → 12.35."""
    values, index = {}, 0
    for catalog in catalogs:
        for _second, sub, item in catalog.inputs():
            if not item.city_fills:
                continue
            index += 1
            values[item.name] = _value(sub, item, index)
    values["SC_L1P1_A1_NUM"], values["SC_L1P1_A1_DEN"] = 823, 2000
    return values


def _value(sub, item, index: int):
    if item.choices:
        return item.choices[index % len(item.choices)].label
    if item.role == "value":
        return 1.7  # a rate of 1.7 % against a target
    if sub.method == "capped_ratio":
        return 130 if item.role == "numerator" else 100
    return 97 + index if item.role == "denominator" else (index * 37) % 97


def python_scores(catalog, values: dict) -> dict[str, Decimal]:
    """Score of every level from sctemplates.methods; central/survey inputs count 0 in templates."""
    scores: dict[str, Decimal] = {}
    for first in catalog.indicators:
        for second in first.children:
            if second.method:
                scores[second.code] = Decimal(0)
                continue
            for sub in second.sub_items:
                scores[sub.code] = _item(sub, values)
            total = sum(scores[s.code] for s in second.sub_items)
            scores[second.code] = round_score(second.weight / 100 * total)
        scores[first.code] = round_score(sum(scores[s.code] for s in first.children))
    return scores


def _item(sub, values: dict) -> Decimal:
    if not all(i.city_fills and i.name in values for i in sub.inputs):
        return Decimal(0)
    given = {i.role: (i.choice_fraction(values[i.name]) if i.choices else Decimal(str(values[i.name])))
             for i in sub.inputs}
    return round_score(raw_points(sub.method, sub.weight, given, dict(sub.params)))


def fill_copy(template, target, values: dict) -> None:
    book = openpyxl.load_workbook(template)
    for name, value in values.items():
        ((sheet, ref),) = list(book.defined_names[name].destinations)
        book[sheet][ref.replace("$", "")].value = value
    book.save(target)


@pytest.fixture(scope="module")
def converted(tmp_path_factory, catalog, province, optional_catalog):
    """The template, a filled copy and an invalid copy, each re-saved by LibreOffice."""
    source = tmp_path_factory.mktemp("source")
    template = render_city(catalog, HANGZHOU, province, source / "template.xlsx",
                           optional=optional_catalog)
    plan = fill_plan(catalog, optional_catalog)
    fill_copy(template, source / "filled.xlsx", plan)
    fill_copy(template, source / "invalid.xlsx", INVALID)
    fill_copy(template, source / "boundary.xlsx", BOUNDARY)
    before = template.read_bytes()
    kinds = ("template", "filled", "invalid", "boundary")
    outputs = resave_xlsx([template, *(source / f"{k}.xlsx" for k in kinds[1:])],
                          tmp_path_factory.mktemp("libreoffice"))
    assert template.read_bytes() == before  # inputs are never modified
    return dict(zip(kinds, outputs), original=template, plan=plan, source=source)


def test_resave_keeps_defined_names_and_targets(converted):
    original = openpyxl.load_workbook(converted["original"]).defined_names
    resaved = openpyxl.load_workbook(converted["template"]).defined_names
    assert set(original) == set(resaved)
    for name in original:
        assert original[name].attr_text.replace("'", "") == resaved[name].attr_text.replace("'", ""), name


def test_resave_keeps_validations_and_protection(converted, catalog):
    book = openpyxl.load_workbook(converted["template"])
    for _s, _u, item in catalog.inputs():
        if not item.city_fills:
            continue
        ((sheet, ref),) = list(book.defined_names[item.name].destinations)
        cell = book[sheet][ref.replace("$", "")]
        rules = [v for v in book[sheet].data_validations.dataValidation if cell.coordinate in v.sqref]
        assert rules and rules[0].type == ("list" if item.choices else
                                           "whole" if item.integer else "decimal"), item.name
        assert rules[0].prompt, item.name
        assert cell.protection.locked is False, item.name
    for ws in book.worksheets:
        assert ws.protection.sheet, ws.title
    rules = [r for cf in book[layout.SHEET_BASE].conditional_formatting for r in cf.rules]
    assert len(rules) == 2 and all(r.type == "expression" for r in rules)


def test_resave_keeps_passport_sheet_names_and_properties(converted):
    book = openpyxl.load_workbook(converted["template"])
    rows = dict(book[layout.SHEET_PASSPORT].iter_rows(values_only=True))
    assert layout.Passport.from_mapping(rows).city_code == HANGZHOU.code
    # LibreOffice has no "very hidden": the sheet comes back merely hidden.
    assert book[layout.SHEET_PASSPORT].sheet_state in ("hidden", "veryHidden")
    names = defined_name_values(converted["template"])
    assert {k: names[layout.passport_defined_name(k)] for k in rows} == rows
    props = {p.name: p.value for p in book.custom_doc_props.props}
    assert {k: props[layout.PASSPORT_PROPERTY_PREFIX + k] for k in rows} == rows


def test_libreoffice_calculates_a_fresh_template_on_load(converted):
    values = defined_name_values(converted["template"])
    assert values[layout.TOTAL_SCORE] == 0 and values[layout.STATUS_FILLED] == 0
    assert values[layout.STATUS_INVALID] == 0 and values[layout.STATUS_REQUIRED] > 80


def test_recalculated_scores_equal_python_scores(converted, catalog, optional_catalog):
    values = defined_name_values(converted["filled"])
    plan = converted["plan"]
    expected = {**python_scores(catalog, plan), **python_scores(optional_catalog, plan)}
    assert expected["L1P1-A1"] == Decimal("12.35")
    got = {code: Decimal(str(values[layout.score_name(code)])) for code in expected}
    assert got == expected
    total = sum(expected[f.code] for f in catalog.indicators)
    assert Decimal(str(values[layout.TOTAL_SCORE])) == total > 0
    assert Decimal(str(values[layout.OPTIONAL_TOTAL_SCORE])) == expected["ZX"] > 0
    assert values[layout.STATUS_FILLED] == values[layout.STATUS_REQUIRED] == len(plan)
    assert values[layout.STATUS_INVALID] == 0


def test_pasted_invalid_values_are_flagged_and_score_zero(converted):
    values = defined_name_values(converted["invalid"])
    assert values[layout.STATUS_INVALID] == 5
    assert values[layout.STATUS_FILLED] == len(INVALID)
    for code in ZERO_CODES:
        assert values[layout.score_name(code)] == 0, code


def test_half_up_boundary_at_second_level(converted, catalog):
    values = defined_name_values(converted["boundary"])
    expected = python_scores(catalog, BOUNDARY)
    assert expected["L1P2"] == Decimal("1.04")
    for code in ("L1P2-A1", "L1P2-A2", "L1P2-A3", "L1P2", "L1"):
        assert Decimal(str(values[layout.score_name(code)])) == expected[code], code


def test_pdf_of_a_template_renders_to_png(tmp_path, converted):
    pdf = to_pdf(converted["original"], tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "3", "-png", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3 and all(p.stat().st_size > 5_000 for p in pages)


def test_recalculated_values_helper_reads_fresh_results(converted):
    values = recalculated_values(converted["source"] / "boundary.xlsx")
    assert values[layout.score_name("L1P2")] == 1.04
    assert values[layout.passport_defined_name("city_code")] == HANGZHOU.code


def test_convert_in_chunks_checks_every_output(tmp_path, converted):
    sources = [converted["original"], converted["source"] / "invalid.xlsx"]
    outputs = convert(sources, tmp_path / "chunks", "xlsx", chunk=1)
    assert [p.name for p in outputs] == ["template.xlsx", "invalid.xlsx"]
    assert all(p.is_file() for p in outputs)
    with pytest.raises(ValueError):
        convert(sources, converted["source"])  # would overwrite the inputs
