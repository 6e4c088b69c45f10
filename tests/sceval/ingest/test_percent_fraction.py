"""Issue 20, defect 4: 0.034 typed in a %-unit cell (meaning 3.4 %) is read as typed, with a
warning that suggests the percent reading — judged by the catalog's target, else by the batch."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from sceval.evaluate.intent import batch_fraction_warnings, percent_inputs
from sceval.ingest.batch import IngestOptions, ingest
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = ROSTER.cities[0]
RATE_SUB, RATE = next(percent_inputs(CATALOG))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return render(CATALOG, CITY, ROSTER, tmp_path_factory.mktemp("template"))


def run_with(template, tmp_path, value):
    path = fill(template, tmp_path / "in" / f"{CITY.code}.xlsx", valid_values(CATALOG) | {RATE.name: value})
    run = ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, workbooks=False))
    return next(c for c in run.results["cities"] if c["code"] == CITY.code)


def test_a_fraction_in_a_percent_cell_is_warned_and_kept(template, tmp_path):
    city = run_with(template, tmp_path, 0.034)
    warned = [i for i in city["issues"] if i["code"] == "VAL_PERCENT_AS_FRACTION"]
    assert len(warned) == 1 and warned[0]["severity"] == "warning"
    assert "0.034" in warned[0]["message"] and "3.4%" in warned[0]["message"]
    assert warned[0]["cell"] and warned[0]["sheet"] == "基础指标" and warned[0]["indicator"] == RATE_SUB.code
    assert city["inputs"][RATE.name] == 0.034  # never changed


@pytest.mark.parametrize("value", [1.7, 0.5, 3.4])
def test_values_that_do_not_read_as_a_fraction_are_not_warned(template, tmp_path, value):
    city = run_with(template, tmp_path, value)  # 0.5 → 50 %: far beyond the 3.4 % target's range
    assert "VAL_PERCENT_AS_FRACTION" not in [i["code"] for i in city["issues"]]


def without_target(catalog):
    """The catalog with the rate's target removed, as an optional indicator without one would be."""
    sub = dataclasses.replace(RATE_SUB, params=tuple(p for p in RATE_SUB.params if p[0] != "target"))

    def swap(node):
        return sub if getattr(node, "code", None) == RATE_SUB.code else node

    firsts = tuple(dataclasses.replace(f, children=tuple(dataclasses.replace(s, sub_items=tuple(map(swap, s.sub_items)))
                                                         for s in f.children)) for f in catalog.indicators)
    return dataclasses.replace(catalog, indicators=firsts)


def test_without_a_target_the_batch_decides():
    catalog = without_target(CATALOG)
    returns = {"A": {RATE.name: 0.04}, "B": {RATE.name: 3.2}, "C": {RATE.name: 4.1}, "D": {RATE.name: 2.9}}
    found = batch_fraction_warnings([catalog], returns, lambda city, sub, item: {"file": f"{city}.xlsx"})
    assert list(found) == ["A"] and found["A"][0].code == "VAL_PERCENT_AS_FRACTION"
    assert "4%" in found["A"][0].message
    few = {"A": {RATE.name: 0.04}, "B": {RATE.name: 3.2}}
    assert batch_fraction_warnings([catalog], few, lambda *a: {}) == {}
    assert batch_fraction_warnings([CATALOG], returns, lambda *a: {}) == {}  # a target: judged per file
