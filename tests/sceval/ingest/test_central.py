"""The central feed: template written, filled with openpyxl as the secretariat would, read back."""
from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from typer.testing import CliRunner

from sceval.ingest.central import SHEET, feed_columns, read_central, write_central_template
from sceval.cli.app import app
from sctemplates.catalog import load_catalog
from sctemplates.roster import City, Roster

ROSTER = Roster("330000", "浙江省", (City("330100", "杭州市", "副省级市"),
                                     City("330300", "温州市", "地级市"),
                                     City("330400", "嘉兴市", "地级市")))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture
def template(tmp_path, catalog):
    return write_central_template(ROSTER, tmp_path / "秘书处统一数据.xlsx", catalog)


def header_columns(ws) -> dict[str, int]:
    """Input name -> column number, from the template's hidden key row."""
    return {c.value: c.column for c in ws[2] if c.value}


def fill(path, values: dict[tuple[str, str], object], out=None):
    """Write values by (city code, input name), as someone editing in Excel would."""
    workbook = openpyxl.load_workbook(path)
    ws = workbook[SHEET]
    columns = header_columns(ws)
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    for (code, name), value in values.items():
        if code not in rows:  # a row the secretariat added below the roster
            rows[code] = ws.max_row + 1
            ws.cell(rows[code], 1).value = code
        ws.cell(rows[code], columns[name]).value = value
    workbook.save(out or path)
    return out or path


def test_only_inputs_the_city_does_not_fill(catalog):
    columns = feed_columns(catalog)
    expected = [item.name for _, _, item in catalog.inputs() if item.source != "city"]
    assert [c.item.name for c in columns] == expected and expected


def test_template_lists_roster_cities_with_headers_and_validation(template, catalog):
    ws = openpyxl.load_workbook(template)[SHEET]
    assert [ws.cell(r, 1).value for r in range(4, 7)] == [c.code for c in ROSTER.cities]
    assert ws.row_dimensions[2].hidden
    headers = [c.value for c in ws[3]]
    for column in feed_columns(catalog):
        text = next(h for h in headers if h and h.startswith(column.code))
        assert column.item.label in text and column.item.unit in text
    rules = ws.data_validations.dataValidation
    assert len(rules) == len(feed_columns(catalog))
    assert all(r.type == "decimal" and r.operator in (None, "between") for r in rules)
    assert {str(r.sqref) for r in rules} == {"D4:D6", "E4:E6"}


def test_round_trip_exact_decimals_and_blank_is_absent(template, catalog):
    first, second = [c.item.name for c in feed_columns(catalog)]
    fill(template, {("330100", first): 85.5, ("330100", second): "72.25",
                    ("330300", second): 0})
    feed, issues = read_central(template, catalog, ROSTER)
    assert issues == []
    assert feed == {"330100": {first: Decimal("85.5"), second: Decimal("72.25")},
                    "330300": {second: Decimal(0)}}


def test_bad_values_are_central_bad_with_their_cell(template, catalog):
    first, second = [c.item.name for c in feed_columns(catalog)]
    fill(template, {("330100", first): 120, ("330300", second): "很多", ("330400", first): 60})
    feed, issues = read_central(template, catalog, ROSTER)
    bad = {(i.code, i.cell) for i in issues}
    assert bad == {("CENTRAL_BAD", "D4"), ("CENTRAL_BAD", "E5")}
    assert all(i.sheet == SHEET and i.file == template.name for i in issues)
    assert "120" in issues[0].message and "0–100" in issues[0].message
    assert feed == {"330400": {first: Decimal(60)}}


def test_unknown_city_needs_a_roster(template, catalog):
    first = feed_columns(catalog)[0].item.name
    fill(template, {("999999", first): 50})
    _, issues = read_central(template, catalog, ROSTER)
    assert [(i.code, i.severity) for i in issues] == [("CENTRAL_UNKNOWN_CITY", "warning")]
    feed, issues = read_central(template, catalog)
    assert issues == [] and feed["999999"] == {first: Decimal(50)}


def test_percent_formatted_cell_reads_as_shown(template, catalog):
    first = feed_columns(catalog)[0].item.name
    workbook = openpyxl.load_workbook(template)
    cell = workbook[SHEET].cell(4, header_columns(workbook[SHEET])[first])
    cell.value, cell.number_format = 0.855, "0.0%"
    workbook.save(template)
    feed, _ = read_central(template, catalog, ROSTER)
    assert feed["330100"][first] == Decimal("85.5")


def test_unreadable_file_is_an_issue_not_an_exception(tmp_path, catalog):
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook", encoding="utf-8")
    feed, issues = read_central(junk, catalog)
    assert feed == {} and [i.code for i in issues] == ["CENTRAL_BAD"]
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    assert [i.code for i in read_central(other, catalog)[1]] == ["CENTRAL_BAD"]


def test_cli_central_template(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,kind\n330100,杭州市,副省级市\n330300,温州市,地级市\n",
                      encoding="utf-8")
    out = tmp_path / "feed.xlsx"
    result = CliRunner().invoke(app, ["central", "template", "--roster", str(roster),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)[SHEET]
    assert [ws.cell(r, 2).value for r in (4, 5)] == ["杭州市", "温州市"]
