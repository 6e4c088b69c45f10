"""After the demo round's returns: one review adjustment, a revised catalog, a rescoring.

The demo shows what a secretariat does once the returns are in (issue 16): a reviewer corrects
one value of one city (``sceval adjust``: ledger, rescored in place, old → new total), the
catalog is revised the way an official revises it — exported as a workbook with two provisional
weights of one second level swapped — and every city is rescored under it into its own folder
with a 变动对比 workbook (``sceval rescore``). Ranks and their intervals are in every results.json
and summary. Which city, input and weights: the first that fit, found in the data (none named).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from sctemplates.catalog import load_catalog_data
from sctemplates.catalog_workbook.export import write_catalog_workbook

from sceval.review.adjustments import Request

from sceval.state.adjusting import record_adjustments
from sceval.state.rescoring import rescore_folder

REVISED_CATALOG = "5_修订目录.xlsx"
RESCORED_DIR = "6_按修订目录重新计分"
ADJUST_WHY = "省评价办电话核实，以城市补充的佐证材料为准（演示）"


def _adjustable(results: dict) -> tuple[dict, str, int] | None:
    """(city entry, numerator name, a new value) for the first scored city's first ratio whose
    numerator is below its denominator: the reviewer raises it halfway to the denominator."""
    from sceval.results.model import scored_with

    pairs = [(sub.input("numerator").name, sub.input("denominator").name)
             for sub in scored_with(results).sub_items() if sub.method == "ratio"]
    for entry in results.get("cities") or []:
        values = entry.get("inputs") or {}
        if entry.get("total") is None:
            continue
        for num, den in pairs:
            value, whole = values.get(num), values.get(den)
            if isinstance(value, int) and isinstance(whole, int) and 0 <= value < whole - 1:
                return entry, num, value + (whole - value) // 2
    return None


def adjust_one(result_dir: Path, notes: list[str]) -> None:
    results = json.loads((result_dir / "results.json").read_text(encoding="utf-8"))
    found = _adjustable(results)
    if found is None:
        return
    entry, name, value = found
    recorded = record_adjustments(result_dir, [Request(entry["code"], name, str(value), ADJUST_WHY, by="演示审核员")])
    for city, old, new in recorded.totals:
        notes.append(f"{city}：审核调整 {name} 为 {value}（{ADJUST_WHY}），总分 {old} → {new}")


def revised_catalog_data() -> dict:
    """The bundled catalog with, in every second level whose first two sub-items carry unequal
    provisional weights, those two weights swapped (each second level's sum kept)."""
    data = copy.deepcopy(load_catalog_data())
    for first in data["indicators"]:
        for second in first["children"]:
            subs = second.get("sub_items") or []
            if len(subs) >= 2 and subs[0]["weight"] != subs[1]["weight"] and all(
                    "weight" in (s.get("provisional") or []) for s in subs[:2]):
                subs[0]["weight"], subs[1]["weight"] = subs[1]["weight"], subs[0]["weight"]
    return data


def rescore_revised(out: Path, result_dir: Path, notes: list[str]) -> Path:
    path = write_catalog_workbook(revised_catalog_data(), out / REVISED_CATALOG)
    run = rescore_folder(result_dir, out / RESCORED_DIR, path)
    moved = sum(1 for c in run.results["cities"] if c.get("total") is not None and c.get("total") != next(
        (o.get("total") for o in run.before["cities"] if o["code"] == c["code"]), None))
    notes.append(f"按修订目录（{path.name}，各二级指标中前两项暂定权重互换）重新计分：{moved} 个城市总分变动，见 {run.changes_path.name}")
    return run.results_path
