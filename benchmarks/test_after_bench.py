"""Smoke test of the after-the-returns bench on a few cities: it measures what it claims (never how fast)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import after_bench  # noqa: E402


def test_after_bench_rescores_every_scored_city_under_the_revised_catalog():
    figures = after_bench.measure(cities=12, repeat=1)
    assert figures["scored"] >= 10 and figures["totals_moved"] >= figures["scored"] // 2
    assert figures["rescore_seconds"] > 0 and figures["draws_seconds"] > 0 and figures["draws"] == 1000
