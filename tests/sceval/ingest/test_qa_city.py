"""QA as a city: cells formatted as percentages hold the typed number ÷ 100.

Excel, WPS and LibreOffice store "3.5%" typed into a cell as 0.035 with a 0.00% format. The
template asks for the percentage number (3.5) in `%` inputs, so reading the stored 0.035 would
silently score almost nothing; a count typed as "85%" must not pass as 0.85 of a count.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.evaluate.parse import RawCell, parse_number
from sctemplates.layout import score_name
from sctemplates.methods import raw_points, round_score
from tests.libreoffice import needs_soffice, recalculated_values, resave_xlsx
from tests.sceval.ingest_helpers import base_catalog, fill, first_sub, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = ROSTER.cities[2]
RATE = first_sub(CATALOG, "rate")
RATIO = first_sub(CATALOG, "ratio")
DECIMAL_RATIO = next(s for s in CATALOG.sub_items()
                     if s.method == "ratio" and not s.input("numerator").integer)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return render(CATALOG, CITY, ROSTER, tmp_path_factory.mktemp("tpl"))


def formatted(values: dict, number_format: str, *names: str):
    """An edit that sets the number format of named cells, as Excel does on typing '3.5%'."""
    def edit(book):
        for name in names:
            for sheet, coord in book.defined_names[name].destinations:
                book[sheet][coord.replace("$", "")].number_format = number_format
    return edit


def city_entry(run) -> dict:
    return next(c for c in run.results["cities"] if c["code"] == CITY.code)


def test_percent_formatted_rate_reads_the_percentage_shown(template, tmp_path):
    name = RATE.inputs[0].name
    values = valid_values(CATALOG) | {name: 0.035}  # what Excel stores for "3.5%"
    path = fill(template, tmp_path / "in" / "x.xlsx", values, formatted(values, "0.00%", name))
    entry = city_entry(ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1)))
    expected = round_score(raw_points("rate", RATE.weight, {"value": Decimal("3.5")}, dict(RATE.params)))
    assert entry["inputs"][name] == 3.5
    assert Decimal(str(entry["scores"][RATE.code])) == expected
    notes = [i for i in entry["issues"] if i["indicator"] == RATE.code and i["code"] == "PARSE_PERCENT"]
    assert notes and notes[0]["sheet"] and notes[0]["cell"] and "3.5%" in notes[0]["message"]


def test_percent_formatted_count_is_an_error_not_a_fraction_of_a_count(template, tmp_path):
    name = DECIMAL_RATIO.input("numerator").name
    values = valid_values(CATALOG) | {name: 0.85}  # "85%" typed into a count cell
    path = fill(template, tmp_path / "in" / "x.xlsx", values, formatted(values, "0%", name))
    entry = city_entry(ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1)))
    errors = [i for i in entry["issues"] if i["code"] == "VAL_PERCENT_FOR_COUNT"]
    assert errors and errors[0]["indicator"] == DECIMAL_RATIO.code and "85%" in errors[0]["message"]
    assert entry["scores"][DECIMAL_RATIO.code] == 0


def test_a_quoted_percent_sign_in_a_format_is_only_decoration(template, tmp_path):
    name = RATIO.input("numerator").name
    values = valid_values(CATALOG)
    path = fill(template, tmp_path / "in" / "x.xlsx", values, formatted(values, '0"%"', name))
    entry = city_entry(ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1)))
    assert entry["inputs"][name] == values[name]
    assert not [i for i in entry["issues"] if i["indicator"] == RATIO.code]


def test_parse_percent_cell_values():
    item = RATE.inputs[0]
    assert parse_number(RawCell(0.035, percent=True), item).value == Decimal("3.5")
    assert parse_number(RawCell(-0.02, percent=True), item).value == Decimal("-2")
    assert parse_number(RawCell(1, percent=True), item).value == Decimal("100")
    assert parse_number(RawCell(0.035), item).value == Decimal("0.035")


@pytest.mark.libreoffice
@needs_soffice
def test_percent_cell_survives_a_libreoffice_save(template, tmp_path):
    name = RATE.inputs[0].name
    values = valid_values(CATALOG) | {name: 0.035}
    path = fill(template, tmp_path / "in" / "x.xlsx", values, formatted(values, "0.00%", name))
    (resaved,) = resave_xlsx([path], tmp_path / "lo")
    entry = city_entry(ingest([resaved], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1)))
    assert entry["inputs"][name] == 3.5


@pytest.mark.libreoffice
@needs_soffice
def test_live_scores_read_percent_cells_as_ingest_does(template, tmp_path):
    """LibreOffice's recalculated template shows what ingest scores: 3.5 for "3.5%" in a `%`
    input, and 0 (flagged invalid) for a count shown as "85%"."""
    rate, count = RATE.inputs[0].name, RATIO.input("numerator").name
    values = valid_values(CATALOG) | {rate: 0.035, count: 0.85}
    path = fill(template, tmp_path / "in" / "x.xlsx", values, formatted(values, "0.00%", rate, count))
    live = recalculated_values(path)
    run = ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    entry = city_entry(run)
    assert entry["inputs"][rate] == 3.5 and entry["scores"][RATE.code] > 0
    assert entry["scores"][RATIO.code] == 0
    assert Decimal(str(live[score_name(RATE.code)])) == Decimal(str(entry["scores"][RATE.code]))
    assert live[score_name(RATIO.code)] == 0
    (resaved,) = resave_xlsx([path], tmp_path / "lo")
    codes = [i["code"] for i in city_entry(ingest([resaved], tmp_path / "out2", IngestOptions(CATALOG, roster=ROSTER,
                                                  jobs=1)))["issues"]]
    assert "VAL_PERCENT_FOR_COUNT" in codes and "SCORE_FORMULA_DIFFERS" not in codes


def test_a_deleted_filer_sheet_still_counts_the_data(template, tmp_path):
    values = valid_values(CATALOG)
    kept = fill(template, tmp_path / "in" / "kept.xlsx", values)
    deleted = fill(template, tmp_path / "in2" / "deleted.xlsx", values,
                   lambda book: book.remove(book["填报信息"]))
    normal = city_entry(ingest([kept], tmp_path / "a", IngestOptions(CATALOG, roster=ROSTER, jobs=1)))
    entry = city_entry(ingest([deleted], tmp_path / "b", IngestOptions(CATALOG, roster=ROSTER, jobs=1)))
    assert entry["status"] == normal["status"] and entry["scores"] == normal["scores"]
    codes = [i["code"] for i in entry["issues"]]
    assert codes.count("ID_FILER_SHEET_MISSING") == 1
    assert "FILER_MISSING" not in codes and "ATTEST_MISSING" not in codes
