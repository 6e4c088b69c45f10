"""The arithmetic of chapter 二 on small hand-checked cases."""
from __future__ import annotations

from decimal import Decimal

from sceval.reports.report import figures as fig
from sceval.reports.report.facts import CityRecord, Node


def _city(code: str, total: str, **scores: str) -> CityRecord:
    entry = {"status": "submitted", "total": float(total), "scores": {k: float(v) for k, v in scores.items()}}
    return CityRecord("330000", "浙江省", code, f"{code}市", "地级市", entry)


def test_histogram_puts_100_in_the_last_band_and_each_total_once():
    bins = fig.histogram([Decimal("0"), Decimal("9.99"), Decimal("10"), Decimal("99.99"), Decimal("100")])
    assert bins[0] == (0, 10, 2) and bins[1] == (10, 20, 1) and bins[-1] == (90, 100, 2)
    assert sum(count for _, _, count in bins) == 5


def test_average_rate_rounds_once_half_up_and_never_passes_100():
    node = Node("L9", "测试", 1, Decimal("3"))
    cities = [_city("1", "10", L9="1.00"), _city("2", "10", L9="1.01"), _city("3", "10", L9="3.00")]
    rate = fig.rate_of(node, cities)
    # (1.00 + 1.01 + 3.00) × 100 / (3 × 3) = 55.666… → 55.67; average 5.01 / 3 = 1.67
    assert rate.rate == Decimal("55.67") and rate.average == Decimal("1.67")
    full = fig.rate_of(node, [_city("1", "10", L9="3.00")])
    assert full.rate == Decimal("100.00")


def test_strongest_and_weakest_never_overlap():
    rates = [fig.Rate(Node(f"C{i}", "x", 2, Decimal(1)), 1, Decimal(1), Decimal(i)) for i in range(5)]
    strong, weak = fig.strongest_weakest(rates, 3)
    assert [r.rate for r in strong] == [4, 3] and [r.rate for r in weak] == [0, 1]
