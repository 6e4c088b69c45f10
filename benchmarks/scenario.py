"""The synthetic national round the bench runs on: catalog, optional catalog, roster, central feed.

340 prefecture-level cities under one synthetic province roster (ingest works per roster; one
roster of 340 measures the same per-file work as 34 of 10 without 34 pool start-ups).
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
OPTIONAL_FILE = ROOT / "sceval" / "demo" / "inputs" / "optional_330000_浙江省.xlsx"
PROVINCE_CODE, PROVINCE_NAME = "330000", "浙江省"


@dataclass
class Round:
    catalog: object
    optional: object
    roster: object
    province: object
    central: dict  # city code -> {input name: Decimal}


def synthetic_roster(count: int):
    """``count`` 地级市 with distinct 6-digit codes and names (names carry the code: unique)."""
    from sctemplates.roster import City, Roster

    cities = tuple(City(f"33{index:04d}", f"测试{index:03d}市", "地级市") for index in range(1, count + 1))
    return Roster(PROVINCE_CODE, PROVINCE_NAME, cities)


def central_feed(catalog, roster) -> dict:
    """What the secretariat supplies for each city (the inputs cities do not fill)."""
    rng = random.Random(2016)
    central_inputs = [item for _, _, item in catalog.inputs() if not item.city_fills]
    return {city.code: {item.name: Decimal(str(round(rng.uniform(35.0, 90.0), 2))) for item in central_inputs}
            for city in roster.cities}


def load_round(count: int) -> Round:
    from sctemplates.catalog import load_catalog
    from sctemplates.optional.definition import load_optional
    from sctemplates.province import default_province

    catalog = load_catalog()
    optional = load_optional(OPTIONAL_FILE, catalog)
    roster = synthetic_roster(count)
    return Round(catalog, optional, roster, default_province(roster), central_feed(catalog, roster))


def code_version(rnd: Round) -> str:
    """Changes whenever the template layout, the fill or the catalogs change: keys the return cache."""
    digest = hashlib.sha256(rnd.catalog.fingerprint().encode() + rnd.optional.fingerprint().encode())
    sources = sorted((ROOT / "sctemplates" / "render").glob("*.py"))
    sources += [ROOT / "sctemplates" / "layout.py", ROOT / "sceval" / "demo" / "fill.py"]
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
