"""Completeness after review adjustments: an adjusted input now filled counts as filled.

Ingest computes ``completeness`` (% of required city inputs validly filled, sceval.evaluate.checks)
from the cells; an adjustment supplies a value for an input the city left empty or unusable, so
the city's completeness must move with its score. The value ingest read is kept in
``completeness_read`` while adjustments are in force, so rescoring again (or an undo) starts from
it and never counts an adjustment twice.
"""
from __future__ import annotations

from decimal import Decimal

from sceval.results.model import json_number


def apply(new: dict, entry: dict, catalogs: list, values: dict, adjusted: dict) -> None:
    """Set ``new``'s completeness (and completeness_read) from ``entry`` and the adjustments."""
    read = entry.get("completeness_read", entry.get("completeness"))
    new.pop("completeness_read", None)
    new["completeness"] = read
    required = [(code, item.name) for catalog in catalogs for code, item in catalog.city_inputs()]
    if not adjusted or read is None or not required:
        return
    good = Decimal(str(read)) * len(required) / 100
    bad = {i.get("indicator") for i in entry.get("issues") or [] if i.get("severity") == "error"}
    stored = entry.get("inputs") or {}
    for code, name in required:
        if name in adjusted:
            before = stored.get(name) is not None and code not in bad
            good += (name in values) - before
    new["completeness_read"] = read
    new["completeness"] = json_number(min(max(good, Decimal(0)), Decimal(len(required))) * 100 / len(required))
