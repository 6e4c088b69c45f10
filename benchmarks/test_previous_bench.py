"""Smoke test of the previous-round render bench on a few cities: it renders both kinds (never how fast)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import previous_bench  # noqa: E402


def test_previous_bench_renders_both_ways_and_compares_them():
    figures = previous_bench.measure(cities=3, repeat=1)
    assert figures["plain"]["files"] == figures["previous"]["files"] == 3
    assert len(figures["plain"]["runs"]) == len(figures["previous"]["runs"]) == 1
    shown, plain = figures["previous"]["seconds"], figures["plain"]["seconds"]
    rounding = 0.0005 * (1 / plain + shown / plain ** 2)  # the seconds are shown to 3 decimals, the ratio is not
    assert abs(figures["ratio"] - shown / plain) <= rounding + 0.001
    assert figures["ok"] == (figures["ratio"] <= previous_bench.TARGET)
