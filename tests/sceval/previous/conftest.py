"""Two real rounds (render → fill → ingest, then again with --previous), shared by the tests."""
from __future__ import annotations

import json

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.previous.load import load_previous
from tests.sceval.ingest_helpers import fill, render, valid_values
from tests.sceval.previous.two_rounds import CATALOG, EMPTIED, HANGZHOU, WENZHOU, RATE, RATIO, ROSTER


def _options(**more) -> IngestOptions:
    return IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at="2016-12-20T08:00:00+00:00",
                         ledger_path=None, workbooks=False, draws=0, **more)


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    """A first round (杭州, 温州 valid) and a second: 杭州 with a tenfold jump, a changed sign and
    an emptied input; 温州 unchanged."""
    folder = tmp_path_factory.mktemp("rounds")
    templates = {c.code: render(CATALOG, c, ROSTER, folder / "t") for c in (HANGZHOU, WENZHOU)}
    first = [fill(templates[c], folder / "r1" / f"{c}.xlsx", valid_values(CATALOG)) for c in templates]
    ingest(first, folder / "out1", _options())
    second_values = valid_values(CATALOG)
    second_values[RATIO.input("numerator").name] = 1500  # was 100: fifteenfold
    second_values[RATIO.input("denominator").name] = 2000  # was 200: tenfold exactly, no warning
    second_values[RATE.inputs[0].name] = -1.7  # was 1.7
    second_values[EMPTIED.input("numerator").name] = None  # was 100
    second = [fill(templates[HANGZHOU.code], folder / "r2" / "杭州.xlsx", second_values),
              fill(templates[WENZHOU.code], folder / "r2" / "温州.xlsx", valid_values(CATALOG))]
    previous = load_previous([folder / "out1" / "results.json"])
    run = ingest(second, folder / "out2", _options(previous=previous))
    return json.loads((folder / "out1" / "results.json").read_text(encoding="utf-8")), run.results, run
