"""Smoke test of the cases bench on a handful of documents: it checks what it claims (never how fast)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases_bench  # noqa: E402


def test_cases_bench_checks_every_document_it_wrote():
    figures = cases_bench.measure(count=6, repeat=1)
    assert figures["cases"] == 6 and figures["seconds"] > 0
    # 3 of 6 about 9,000 字 (rejected), then good / too many figures / good
    assert figures["statuses"] == {"ok": 2, "warnings": 0, "rejected": 4}
    assert figures["average_characters"] > 4000
