"""Thresholds for reading what a city meant (reading_rules.yaml): data, not code, so a province
can tune them without touching Python; read once (sceval.evaluate.intent uses them)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

RULES_FILE = Path(__file__).with_name("reading_rules.yaml")


@lru_cache(maxsize=1)
def reading_rules() -> dict:
    import yaml

    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
