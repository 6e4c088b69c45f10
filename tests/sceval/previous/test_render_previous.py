"""`sceval render --previous`: the grey read-only column beside every input, the cover's previous
block, inputs never pre-filled, ingest unchanged, and LibreOffice keeping it all."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from sctemplates.layout import SHEET_BASE, SHEET_COVER
from sctemplates.province import default_province
from sctemplates.render.city import render_city
from sctemplates.render.previous import NEW_INPUT, NOT_FILLED
from sctemplates.render.previous_column import PREVIOUS_COL
from sceval.ingest.batch import IngestOptions, ingest
from sceval.previous.load import load_previous
from tests.libreoffice import needs_soffice, resave_xlsx
from tests.sceval.ingest_helpers import GENERATED_AT, base_catalog, fill, valid_values, zhejiang
from tests.sceval.results_factory import make_results

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU = ROSTER.cities[0]
COLUMN = openpyxl.utils.get_column_letter(PREVIOUS_COL + 1)
DROPPED_INPUT = "SC_L1P1_A1_NUM"  # absent from the previous round: shown as 新增指标


@pytest.fixture(scope="module")
def previous_results(tmp_path_factory) -> tuple[dict, Path]:
    results = make_results(n_roster=3, n_submitted=2, optional=False)
    for rank, city in enumerate(results["cities"][:2], 1):
        city["rank"] = rank
        city["inputs"].pop(DROPPED_INPUT)
    hangzhou = results["cities"][0]
    assert hangzhou["code"] == HANGZHOU.code
    hangzhou["inputs"]["SC_L1P1_A2_NUM"] = None
    path = tmp_path_factory.mktemp("prev") / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return hangzhou, path


def _render(folder: Path, previous=None) -> Path:
    return render_city(CATALOG, HANGZHOU, default_province(ROSTER), folder / "t.xlsx", generated_at=GENERATED_AT,
                       previous=previous.for_city(HANGZHOU.code) if previous else None)


@pytest.fixture(scope="module")
def rendered(previous_results, tmp_path_factory) -> Path:
    return _render(tmp_path_factory.mktemp("with"), load_previous([previous_results[1]]))


def _cell_of(book, name: str):
    (sheet, where), = book.defined_names[name].destinations
    return book[sheet][where.replace("$", "")]


def check_previous_column(path: Path, hangzhou: dict) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET_BASE]
    assert sheet[f"{COLUMN}2"].value == "上一轮填报值（浙江省2016-11-30回收）"
    inputs = list(CATALOG.inputs())
    assert inputs
    for _second, _sub, item in inputs:
        value_cell = _cell_of(book, item.name)
        beside = sheet[f"{COLUMN}{value_cell.row}"]
        assert value_cell.value is None or not item.city_fills, item.name  # never pre-filled
        expected = hangzhou["inputs"].get(item.name, NEW_INPUT)
        assert beside.value == (NOT_FILLED if expected is None else expected), item.name
        assert beside.protection.locked is True and beside.fill.fgColor.rgb.endswith("E7E6E6"), item.name
    assert sheet[f"{COLUMN}{_cell_of(book, DROPPED_INPUT).row}"].value == NEW_INPUT
    assert sheet.protection.sheet


def test_grey_column_beside_every_input_matches_the_previous_results(rendered, previous_results):
    check_previous_column(rendered, previous_results[0])


def test_cover_shows_previous_total_rank_status_and_a_live_change(rendered, previous_results):
    hangzhou = previous_results[0]
    cover = openpyxl.load_workbook(rendered)[SHEET_COVER]
    rows = {row[0].value: row[1].value for row in cover.iter_rows(max_col=2) if row[0].value}
    assert rows["上一轮总分"] == hangzhou["total"]
    assert rows["上一轮名次"] == "第 1 名" and rows["上一轮状态"] == "已报送"
    assert rows["与上一轮相比（预览）"] == f'=IF(SC_STATUS_FILLED=0,"",ROUND(SC_SCORE_TOTAL-{hangzhou["total"]},2))'


def test_filled_previous_template_ingests_exactly_like_a_normal_one(rendered, tmp_path):
    plain = _render(tmp_path)
    values = valid_values(CATALOG)
    runs = []
    for name, template in (("plain", plain), ("previous", rendered)):
        filled = fill(template, tmp_path / name / "杭州.xlsx", values)
        options = IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at="2016-12-20T08:00:00+00:00",
                                workbooks=False, draws=0)
        runs.append(ingest([filled], tmp_path / f"out_{name}", options).results["cities"][0])
    keys = ("status", "total", "scores", "inputs", "completeness", "points_at_stake")
    assert runs[0]["status"] == "submitted"
    assert {k: runs[0][k] for k in keys} == {k: runs[1][k] for k in keys}
    assert [(i["code"], i["cell"]) for i in runs[0]["issues"]] == [(i["code"], i["cell"]) for i in runs[1]["issues"]]


@needs_soffice
def test_libreoffice_resave_keeps_the_column_and_its_protection(rendered, previous_results, tmp_path):
    (resaved,) = resave_xlsx([rendered], tmp_path)
    check_previous_column(resaved, previous_results[0])
