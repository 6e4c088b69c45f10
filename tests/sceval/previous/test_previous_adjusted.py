"""The previous round's values are those it was scored with: a review adjustment replaces what the
city typed (seen in a 四川 round: 泸州's 常住人口 3320000, typed in 人 and corrected by the reviewer to
850.5 万人, came back in the second round as “上一轮填报值 3320000” and a YOY_JUMP “上一轮为
3320000：缩小超过 10 倍” against this year's honest 860). Real rounds: render, fill, ingest, adjust,
then render and ingest the next round with --previous."""
from __future__ import annotations

import openpyxl
import pytest

from sctemplates.layout import SHEET_BASE
from sctemplates.province import default_province
from sctemplates.render.city import render_city
from sctemplates.render.previous_column import PREVIOUS_COL
from sceval.review.adjustments import Request
from sceval.state.adjusting import record_adjustments
from sceval.ingest.batch import IngestOptions, ingest
from sceval.previous.load import load_previous
from tests.sceval.ingest_helpers import GENERATED_AT, base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = ROSTER.cities[0]
DEN = "SC_L1P1_A1_DEN"


@pytest.fixture(scope="module")
def first_round(tmp_path_factory):
    """The city typed 20,000,000 for 2,000; the reviewer adjusted it to 2000."""
    folder = tmp_path_factory.mktemp("first")
    fill(render(CATALOG, CITY, ROSTER, folder / "t"), folder / "in" / f"{CITY.code}.xlsx",
         valid_values(CATALOG) | {"SC_L1P1_A1_NUM": 1500, DEN: 20_000_000})
    out = folder / "out"
    ingest([folder / "in"], out, IngestOptions(CATALOG, roster=ROSTER, jobs=1, draws=0, ledger_path=out / "ledger.sqlite"))
    record_adjustments(out, [Request(CITY.name, DEN, "2000", "电话核实：单位填错", by="省审核组")])
    return out / "results.json"


def test_the_next_template_shows_the_adjusted_value_beside_the_input(first_round, tmp_path):
    assert load_previous([first_round]).for_city(CITY.code).city.inputs[DEN] == 2000
    template = render_city(CATALOG, CITY, default_province(ROSTER), tmp_path / "t.xlsx", generated_at=GENERATED_AT,
                           previous=load_previous([first_round]).for_city(CITY.code))
    book = openpyxl.load_workbook(template)
    (sheet, where), = book.defined_names[DEN].destinations
    beside = book[SHEET_BASE].cell(book[sheet][where.replace("$", "")].row, PREVIOUS_COL + 1)
    assert beside.value == 2000
    # the 湖南 trial: "上一轮填报值 900" where the city had typed 848 — the cell says it was reviewed
    assert beside.comment is not None
    assert beside.comment.text == "上一轮本市填报 20000000，经省级审核调整为 2000（原因：电话核实：单位填错）；上一轮按调整后的数值计分。"
    unadjusted = book[SHEET_BASE].cell(book[sheet][where.replace("$", "")].row - 1, PREVIOUS_COL + 1)
    assert unadjusted.value == 1500 and unadjusted.comment is None


def test_an_honest_value_near_the_adjusted_one_is_no_year_on_year_jump(first_round, tmp_path):
    path = fill(render(CATALOG, CITY, ROSTER, tmp_path / "t"), tmp_path / "in" / f"{CITY.code}.xlsx",
                valid_values(CATALOG) | {"SC_L1P1_A1_NUM": 1600, DEN: 2100})
    run = ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, draws=0, workbooks=False,
                                                         previous=load_previous([first_round])))
    city = next(c for c in run.results["cities"] if c["code"] == CITY.code)
    assert city["previous"]["total"] is not None
    assert [i for i in city["issues"] if i["code"].startswith("YOY_") and DEN in i["message"]] == []


def test_an_adjustment_note_follows_a_renamed_input_but_not_a_merged_or_split_one():
    from sceval.previous.editions import EditionMapping

    notes = {"OLD_A": (1, "核实"), "OLD_B": (2, "核实"), "OLD_C": (3, "核实"), "SAME": (4, "核实")}
    table = {"OLD_A": "NEW_A", "OLD_B": "MERGED", "OTHER": "MERGED", "OLD_C": ["PART_1", "PART_2"]}
    assert EditionMapping(input_map=table).renamed(notes) == {"NEW_A": (1, "核实"), "SAME": (4, "核实")}
