"""The demo round's results.json against a golden copy (times, digests and sizes normalised).

Any change to what the demo round scores, says or records shows up here as a readable diff. When
the change is intended, regenerate the golden file and review its diff before committing:

    SCEVAL_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/sceval/demo/test_demo_golden.py
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

GOLDEN = Path(__file__).with_name("golden_results.json")
UPDATE = "SCEVAL_UPDATE_GOLDEN"
# What differs between two honest runs of the demo: when it ran, and the bytes of workbooks that
# carry their creation time (hence their digests and sizes). The demo's returns record a save time
# just before their letter (sceval.demo.round), so which basis ordered them (order_basis, "按…判定")
# is the same in every run and is compared.
VOLATILE_KEYS = {"generated_at": "<时间>", "at": "<时间>", "order_time": "<时间>", "sha256": "<摘要>", "size": "<大小>"}
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00|Z)?")
ADJUSTED_AT = re.compile(r"(?<=时间：)\d{4}-\d\d-\d\d \d\d:\d\d")  # a review adjustment's time, as shown
DIGEST = re.compile(r"\b[0-9a-f]{64}\b")


def normalised(value, root: str):
    if isinstance(value, dict):
        return {key: VOLATILE_KEYS[key] if key in VOLATILE_KEYS and value[key] else normalised(item, root)
                for key, item in value.items()}
    if isinstance(value, list):
        return [normalised(item, root) for item in value]
    if isinstance(value, str):
        text = ADJUSTED_AT.sub("<时间>", ISO_TIME.sub("<时间>", value.replace(root, "<演示目录>")))
        return DIGEST.sub("<摘要>", text)
    return value


def _results(demo_round) -> dict:
    results = json.loads(demo_round.results.read_text(encoding="utf-8"))
    # the whole catalog is checked elsewhere (sctemplates tests): its fingerprint stands for it here
    for key in ("catalog", "optional_catalog"):
        results[key] = (results.get(key) or {}).get("fingerprint")
    return normalised(results, str(demo_round.out))


def test_the_demo_results_equal_the_golden_copy(demo_round):
    results = _results(demo_round)
    text = json.dumps(results, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get(UPDATE):
        GOLDEN.write_text(text, encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert results["cities"] and results["files"]
    assert results == golden, f"demo results.json differs from {GOLDEN.name}; if intended: {UPDATE}=1 (see module docstring)"
