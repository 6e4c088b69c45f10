"""The central feed: template written, filled with openpyxl as the secretariat would, read back
with the city cells' tolerant parser; problems land on the city's row."""
from __future__ import annotations

import zipfile
from decimal import Decimal

import openpyxl
import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.intake.central import SHEET, CentralUnusable, feed_columns, load_central, read_central, write_central_template
from sctemplates.catalog import load_catalog
from sctemplates.roster import City, Roster
from tests.libreoffice import needs_soffice, resave_xlsx

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


def names(catalog) -> tuple[str, str]:
    rate, survey = [c.item.name for c in feed_columns(catalog)]
    return rate, survey


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
    rate, survey = names(catalog)
    fill(template, {("330100", rate): 85.5, ("330100", survey): "72.25", ("330300", survey): 0})
    feed = load_central(template, catalog, ROSTER)
    assert feed.values == {"330100": {rate: Decimal("85.5"), survey: Decimal("72.25")},
                           "330300": {survey: Decimal(0)}}
    assert feed.issues == [] and not feed.has_errors
    noted = feed.city_issues["330100"]  # the text "72.25" was read as the number: an info on 杭州's row
    assert [(i.code, i.severity, i.cell) for i in noted] == [("PARSE_TEXT_NUMBER", "info", "E4")]
    assert template.name in noted[0].message and noted[0].file == template.name


def test_a_typo_with_a_unit_is_read_and_said(template, catalog):
    """Issue 12.4: `82.3分` in the survey column is 82.3, with a note naming the feed's cell."""
    _, survey = names(catalog)
    fill(template, {("330100", survey): "82.3分"})
    feed = load_central(template, catalog, ROSTER)
    assert feed.values == {"330100": {survey: Decimal("82.3")}} and not feed.has_errors
    codes = [(i.code, i.cell, i.sheet) for i in feed.city_issues["330100"]]
    assert ("PARSE_UNIT_STRIPPED", "E4", SHEET) in codes


def test_what_cannot_be_read_is_an_error_on_the_city(template, catalog):
    rate, survey = names(catalog)
    fill(template, {("330100", rate): 120, ("330300", survey): "八十分", ("330400", rate): 60})
    feed = load_central(template, catalog, ROSTER)
    assert feed.has_errors and feed.values == {"330400": {rate: Decimal(60)}}
    hangzhou, wenzhou = feed.city_issues["330100"], feed.city_issues["330300"]
    assert [(i.code, i.cell, i.indicator) for i in hangzhou] == [("CENTRAL_BAD", "D4", feed_columns(catalog)[0].code)]
    assert "120" in hangzhou[0].message and "0–100" in hangzhou[0].message
    assert [(i.code, i.cell) for i in wenzhou] == [("CENTRAL_BAD", "E5")]
    assert "八十分" in wenzhou[0].message and "待补分值" in wenzhou[0].message
    assert all(i.sheet == SHEET and i.file == template.name for i in hangzhou + wenzhou)


def test_unknown_city_needs_a_roster(template, catalog):
    rate, _ = names(catalog)
    fill(template, {("999999", rate): 50})
    feed = load_central(template, catalog, ROSTER)
    assert [(i.code, i.severity) for i in feed.issues] == [("CENTRAL_UNKNOWN_CITY", "warning")]
    feed = load_central(template, catalog)
    assert feed.issues == [] and feed.values["999999"] == {rate: Decimal(50)}


def test_percent_formatted_cell_reads_as_shown(template, catalog):
    rate, _ = names(catalog)
    workbook = openpyxl.load_workbook(template)
    cell = workbook[SHEET].cell(4, header_columns(workbook[SHEET])[rate])
    cell.value, cell.number_format = 0.855, "0.0%"
    workbook.save(template)
    feed = load_central(template, catalog, ROSTER)
    assert feed.values["330100"][rate] == Decimal("85.5")


def test_nan_in_the_feed_is_an_error_not_a_crash(template, catalog):
    """Issue 13.12: `<v>NaN</v>` in a feed cell."""
    _, survey = names(catalog)
    fill(template, {("330100", survey): 12345.678})
    rewrite_sheet(template, lambda xml: xml.replace(b"<v>12345.678</v>", b"<v>NaN</v>"))
    feed = load_central(template, catalog, ROSTER)
    assert feed.values == {} and [(i.code, i.cell) for i in feed.city_issues["330100"]] == [("CENTRAL_BAD", "E4")]


def rewrite_sheet(path, edit) -> None:
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info, edit(data) if info.filename == "xl/worksheets/sheet1.xml" else data)


def test_a_file_without_the_key_row_cannot_be_used(tmp_path, catalog):
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    with pytest.raises(CentralUnusable, match="找不到模板的列标识行"):
        load_central(other, catalog)
    feed, issues = read_central(other, catalog)  # the plain form: no exception, one issue
    assert feed == {} and [i.code for i in issues] == ["CENTRAL_UNUSABLE"]


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



@needs_soffice
def test_a_feed_saved_by_libreoffice_reads_the_same(template, catalog, tmp_path):
    rate, survey = names(catalog)
    fill(template, {("330100", rate): 85.5, ("330300", survey): "82.3分", ("330400", survey): 71})
    resaved = resave_xlsx([template], tmp_path / "lo")[0]
    assert load_central(resaved, catalog, ROSTER).values == load_central(template, catalog, ROSTER).values == {
        "330100": {rate: Decimal("85.5")}, "330300": {survey: Decimal("82.3")}, "330400": {survey: Decimal(71)}}
