"""A review adjustment that corrects an outlying value also takes away the OUTLIER warning about
it (seen in a 四川 round: 泸州 typed 常住人口 in 人 instead of 万人, the reviewer corrected it by
phone, yet results.json and the feedback workbook still told the city its score rate was 0.0 %).
An undo brings the warning back. Real returns, a real ingest with workbooks, a real adjustment.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest

from sceval.review.adjustments import Request
from sceval.state.adjusting import record_adjustments, undo_adjustment
from sceval.ingest.batch import IngestOptions, ingest
from sceval.state.verify import verify_folder
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITIES = ROSTER.cities[:6]  # the outlier rule needs at least five cities
NUM, DEN = "SC_L1P1_A1_NUM", "SC_L1P1_A1_DEN"
SUB = "L1P1-A1"
SAID = f"{SUB}（{next(s.name for s in CATALOG.sub_items() if s.code == SUB)}） 的得分率为 0.0%"  # named, not only coded
WRONG_CITY = CITIES[5]  # its denominator typed 10,000 times too large: score rate near 0


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outlier")
    for index, city in enumerate(CITIES):
        values = valid_values(CATALOG) | {NUM: 1500 + 80 * index, DEN: 2000}
        if city is WRONG_CITY:
            values[DEN] = 20_000_000
        template = render(CATALOG, city, ROSTER, folder / "templates")
        fill(template, folder / "in" / f"{city.code}_{city.name}.xlsx", values)
    out = folder / "out"
    ingest([folder / "in"], out, IngestOptions(catalog=CATALOG, roster=ROSTER, jobs=1,
                                               ledger_path=out / "ledger.sqlite", draws=0))
    return out


def _outliers(out) -> list[dict]:
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    city = next(c for c in results["cities"] if c["code"] == WRONG_CITY.code)
    return [i for i in city["issues"] if i["code"] == "OUTLIER" and i["indicator"] == SUB]


def _feedback_text(out) -> str:
    [path] = (out / "反馈").glob(f"{WRONG_CITY.code}_*.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def test_adjusting_the_outlying_value_takes_its_outlier_away_and_undo_brings_it_back(ingested):
    out = ingested
    assert len(_outliers(out)) == 1  # the batch rule saw it
    assert SAID in _feedback_text(out)

    recorded = record_adjustments(out, [Request(WRONG_CITY.name, DEN, "2000", "电话核实：分母单位填错", by="省审核组")])
    (made,) = recorded.adjustments
    assert _outliers(out) == []
    assert SAID not in _feedback_text(out)
    assert verify_folder(out).ok, verify_folder(out).summary()

    undo_adjustment(out, made.id, "误操作", by="省审核组")
    assert len(_outliers(out)) == 1
    assert SAID in _feedback_text(out)


def test_the_adjustment_note_shows_its_time_in_beijing_time_to_the_minute(ingested):
    """Seen in the 四川 round: the city's feedback said 时间：2026-12-07T07:36:47.075403+00:00."""
    city = CITIES[0]
    (made,) = record_adjustments(ingested, [Request(city.name, NUM, "1600", "电话核实", by="省审核组")]).adjustments
    results = json.loads((ingested / "results.json").read_text(encoding="utf-8"))
    [note] = [i for i in next(c for c in results["cities"] if c["code"] == city.code)["issues"]
              if i["code"] == "ADJUST_APPLIED"]
    beijing = datetime.fromisoformat(made.at).astimezone(timezone(timedelta(hours=8)))
    assert note["message"].endswith(f"时间：{beijing:%Y-%m-%d %H:%M}")
