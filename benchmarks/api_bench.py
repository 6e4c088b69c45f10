"""sceval.api.load_results at national scale: 340 cities in 10 provinces, < 1 s.

Synthesises ten provinces' results.json (report_bench.national: the shared results factory,
the full bundled catalog, rank intervals from 1,000 weight draws as ingest writes them), writes
them and each province's summary workbook, then times:
- ``json``: load_results of the ten results.json files (the national view; the national rank
  intervals are drawn again over all 340 cities, as the national summary does) — target < 1 s;
- ``workbooks``: the same from the ten summary workbooks (preflight, bounded reading, embedded
  data decoded and checked against the visible numbers), for information.
  .venv/bin/python benchmarks/api_bench.py [cities, default 340]
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import best_of  # noqa: E402

TARGET = 1.0
DRAWS = 1000


def provinces(cities: int) -> list[dict]:
    from sctemplates.catalog import load_catalog
    from sctemplates.export import catalog_as_dict

    from sceval.review.rescore import add_rank_stability
    from report_bench import national

    catalog = load_catalog()
    found = []
    for results in national(cities):
        results["catalog"] = catalog_as_dict(catalog)
        add_rank_stability(results, catalog, DRAWS, 2016)  # in place
        found.append(results)
    return found


def measure(cities: int = 340, repeat: int = 3) -> dict:
    from sceval.api import load_results
    from sceval.reports.summary.workbook import write_summary

    with tempfile.TemporaryDirectory() as folder:
        jsons, books = [], []
        for results in provinces(cities):
            path = Path(folder) / f"{results['province']['code']}.json"
            path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
            jsons.append(path)
            books.append(write_summary(results, Path(folder) / f"汇总_{results['province']['code']}.xlsx"))
        from_json, loaded = best_of(repeat, len(jsons), None, load_results, *jsons)
        from_books, loaded_books = best_of(repeat, len(books), None, load_results, *books)
    return {"cities": len(loaded.cities), "indicator_rows": len(loaded.scores), "provinces": len(jsons),
            "json_seconds": from_json.seconds, "workbook_seconds": from_books.seconds,
            "same": loaded.cities.equals(loaded_books.cities), "ok": from_json.seconds < TARGET}


def print_figures(figures: dict) -> None:
    print(f"\nload_results：{figures['provinces']} 个省 {figures['cities']} 个城市（{figures['indicator_rows']:,} 行指标得分），"
          f"由 results.json {figures['json_seconds']:.3f} 秒（目标 < {TARGET:g} 秒）{'✓' if figures['ok'] else '✗'}；"
          f"由汇总表 {figures['workbook_seconds']:.3f} 秒；两者一致：{'是' if figures['same'] else '否'}")


if __name__ == "__main__":
    print_figures(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 340))
