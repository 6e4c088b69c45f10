"""The catalog, roster and sub-items the two-round tests share (conftest builds the rounds)."""
from __future__ import annotations

from tests.sceval.ingest_helpers import base_catalog, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU, WENZHOU = ROSTER.cities[0], ROSTER.cities[2]
SUBS = {sub.code: sub for sub in CATALOG.sub_items()}
RATIO = SUBS["L1P1-A1"]
RATE = next(sub for sub in CATALOG.sub_items() if sub.method == "rate")
EMPTIED = SUBS["L1P1-A2"]

