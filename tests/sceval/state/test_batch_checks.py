"""The checks across the batch follow the values now used (issue 19 item 2): an adjusted value no
longer carries an OUTLIER warning it no longer deserves, an undo brings it back, and ingest,
adjust and rescore agree (`verify` after each)."""
from __future__ import annotations

import pytest

from sceval.review.adjustments import Request
from sceval.state.adjusting import record_adjustments, undo_adjustment
from sceval.state.rescoring import rescore_folder
from sceval.state.verify import verify_folder
from tests.sceval.ingest_helpers import fill, render, valid_values
from tests.sceval.state.round_helpers import CATALOG, NUM, ROSTER, city_entry, feedback_path, run_ingest

SIX = ROSTER.cities[:6]
ODD = SIX[2]  # reports a numerator far below the others': an outlier of the batch
NUMERATORS = [1500, 1540, 200, 1580, 1620, 1660]
DEN = "SC_L1P1_A1_DEN"


@pytest.fixture
def out(tmp_path):
    for city, numerator in zip(SIX, NUMERATORS):
        template = render(CATALOG, city, ROSTER, tmp_path / "templates")
        # each city's other inputs differ a little too: not pasted copies of each other
        values = {name: (value + index if isinstance(value, int) and not isinstance(value, bool) else value)
                  for index, (name, value) in enumerate(valid_values(CATALOG).items(), start=SIX.index(city))}
        fill(template, tmp_path / "in" / f"{city.code}_{city.name}.xlsx", values | {NUM: numerator, DEN: 2000})
    run_ingest(tmp_path / "in", tmp_path / "out")
    return tmp_path / "out"


def _outliers(out, code=ODD.code) -> list[dict]:
    return [i for i in city_entry(out, code)["issues"] if i["code"] == "OUTLIER"]


def _assert_verifies(out):
    verdict = verify_folder(out)
    assert verdict.ok, [d.message() for d in verdict.disagreements]


def _feedback_codes(out, city) -> set[str]:
    import openpyxl

    book = openpyxl.load_workbook(feedback_path(out, city), read_only=True)
    text = " ".join(str(v) for row in book["问题清单"].iter_rows(values_only=True) for v in row if v)
    book.close()
    return {code for code in ("OUTLIER", "ADJUST_APPLIED") if code in text}


def test_an_adjustment_takes_the_outlier_warning_away_and_an_undo_brings_it_back(out):
    before = _outliers(out)
    assert before and before[0]["sheet"] and before[0]["cell"]  # ingest placed it on the cell
    assert not _outliers(out, SIX[0].code)
    _assert_verifies(out)
    recorded = record_adjustments(out, [Request(ODD.code, NUM, "1600", "电话核实")])
    assert not _outliers(out)
    assert "ADJUST_APPLIED" in {i["code"] for i in city_entry(out, ODD.code)["issues"]}
    _assert_verifies(out)
    rescore_folder(out, out, draws=20)
    assert not _outliers(out)
    _assert_verifies(out)
    undo_adjustment(out, recorded.adjustments[0].id, "误调")
    assert _outliers(out) == before  # the same words on the same cell
    _assert_verifies(out)


def test_an_adjustment_that_makes_a_value_odd_gives_it_the_warning(out):
    city = SIX[0]
    record_adjustments(out, [Request(city.code, NUM, "10", "电话核实")])
    found = _outliers(out, city.code)
    assert found and found[0]["indicator"]
    assert "OUTLIER" in _feedback_codes(out, city)  # the city's feedback says it too
    _assert_verifies(out)
