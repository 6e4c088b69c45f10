"""The batch checks after an ingest take the fractions its workers measured, and only where they
are the fractions of the values the entry keeps: a wrong hint for an adjusted city or another
file is never used. Real returns and a real ingest (the outlier round of test_adjust_outlier)."""
from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.review.batch_checks import refresh_batch_checks
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITIES = ROSTER.cities[:6]  # the outlier rule needs at least five cities
SUB = "L1P1-A1"


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("batch")
    for index, city in enumerate(CITIES):
        values = valid_values(CATALOG) | {"SC_L1P1_A1_NUM": 1500 + 80 * index, "SC_L1P1_A1_DEN": 2000}
        if index == 5:
            values["SC_L1P1_A1_DEN"] = 20_000_000  # score rate near 0: an outlier
        fill(render(CATALOG, city, ROSTER, folder / "templates"), folder / "in" / f"{city.code}.xlsx", values)
    out = folder / "out"
    ingest([folder / "in"], out, IngestOptions(catalog=CATALOG, roster=ROSTER, jobs=2, draws=0))
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _outlier_cities(results: dict) -> set[str]:
    return {c["code"] for c in results["cities"] for i in c.get("issues") or [] if i["code"] == "OUTLIER"}


def _recomputed(results: dict, hint: dict | None = None) -> dict:
    again = copy.deepcopy(results)
    refresh_batch_checks(again, CATALOG, None, hint)
    return again


def test_ingest_keeps_what_the_checks_find_from_the_stored_values_alone(results):
    assert _outlier_cities(results) == {CITIES[5].code}
    assert _recomputed(results) == results  # the workers' fractions gave the very same warnings


def _full_marks_for_the_outlier(results: dict) -> dict:
    """A hint that the outlying city's file achieved every sub-item in full (it achieved ~0 on SUB)."""
    entry = next(c for c in results["cities"] if c["code"] == CITIES[5].code)
    return {entry["sha256"]: dict.fromkeys((s.code for s in CATALOG.sub_items()), Decimal(1))}


def test_a_hint_for_the_file_an_entry_keeps_is_used(results):
    assert _outlier_cities(_recomputed(results, _full_marks_for_the_outlier(results))) == set()


def test_a_hint_is_not_used_for_an_adjusted_city_nor_another_file(results):
    hint = _full_marks_for_the_outlier(results)
    adjusted = copy.deepcopy(results)
    wrong = next(c for c in adjusted["cities"] if c["code"] == CITIES[5].code)
    wrong["adjustments"] = [{"input": "SC_L1P1_A1_NUM", "adjusted": wrong["inputs"]["SC_L1P1_A1_NUM"]}]
    assert CITIES[5].code in _outlier_cities(_recomputed(adjusted, hint))
    another_file = {"0" * 64: value for value in hint.values()}
    assert _outlier_cities(_recomputed(results, another_file)) == {CITIES[5].code}
