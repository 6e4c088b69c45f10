"""Smoke test of the load_results bench on a few cities: it measures what it claims (never how fast)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_bench  # noqa: E402


def test_api_bench_loads_every_city_from_json_and_from_workbooks_alike():
    figures = api_bench.measure(cities=20, repeat=1)
    assert figures["provinces"] == 10 and figures["cities"] == 20
    assert figures["same"] and figures["indicator_rows"] > 20 * 80
    assert figures["json_seconds"] > 0 and figures["workbook_seconds"] > 0
