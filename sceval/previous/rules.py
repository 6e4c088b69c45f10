"""The year-on-year thresholds: catalog data (``year_on_year`` in the catalog YAML), never code."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

RULES_KEY = "year_on_year"


@dataclass(frozen=True)
class YearOnYear:
    max_ratio: Decimal
    sign_change: bool
    to_empty: bool


def year_on_year_rules(catalog_path=None) -> YearOnYear:
    """The rules of the catalog file at ``catalog_path``; of the bundled catalog when that file
    (an older edition, a workbook made before the key existed) has none."""
    from sctemplates.catalog import load_catalog_data

    data = load_catalog_data(catalog_path).get(RULES_KEY)
    if not isinstance(data, dict) and catalog_path is not None:
        data = load_catalog_data(None).get(RULES_KEY)
    data = data or {}
    return YearOnYear(max_ratio=Decimal(str(data.get("max_ratio"))), sign_change=bool(data.get("sign_change")),
                      to_empty=bool(data.get("to_empty")))
