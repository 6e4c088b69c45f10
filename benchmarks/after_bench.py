"""After the returns at national scale: rescoring 340 cities from stored inputs (< 1 s) and
1,000 weight draws over 340 cities for the rank intervals (< 2 s).

Synthesises one province's results.json of 340 cities with the shared results factory (inputs
drawn at random, scored with the real methods), then times:
- ``rescore``: sceval.review.rescore.rescore_results under a revised catalog (every provisional
  sub-item weight pair of each second level moved), all Decimal, no file read or written;
- ``draws``: sceval.review.rescore.add_rank_stability with 1,000 draws (numpy);
- ``folder``: rescore_folder end to end (results.json, summary, 变动对比 written), for information.
  .venv/bin/python benchmarks/after_bench.py [--cities 340] [--repeat 3]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESCORE_TARGET = 1.0
DRAWS_TARGET = 2.0
DRAWS = 1000


def revised(catalog):
    """The catalog with the first two provisional weights of each second level swapped."""
    firsts = []
    for first in catalog.indicators:
        seconds = []
        for second in first.children:
            subs = list(second.sub_items)
            if len(subs) >= 2 and all("weight" in s.provisional for s in subs[:2]):
                subs[0], subs[1] = (dataclasses.replace(subs[0], weight=subs[1].weight),
                                    dataclasses.replace(subs[1], weight=subs[0].weight))
            seconds.append(dataclasses.replace(second, sub_items=tuple(subs)))
        firsts.append(dataclasses.replace(first, children=tuple(seconds)))
    return dataclasses.replace(catalog, indicators=tuple(firsts))


def synthesise(cities: int) -> dict:
    from sctemplates.catalog import load_catalog
    from sctemplates.export import catalog_as_dict

    from report_bench import synthesise as province

    results = province(cities)
    results["catalog"] = catalog_as_dict(load_catalog())
    results["optional_catalog"] = None  # the factory's optional catalog is a sketch without inputs
    return results


def _fastest(work, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def measure(cities: int = 340, repeat: int = 3) -> dict:
    from sctemplates.catalog import load_catalog

    from sceval.review.rescore import add_rank_stability, rescore_results

    from sceval.state.rescoring import rescore_folder

    results = synthesise(cities)
    catalog = revised(load_catalog())
    rescored = rescore_results(results, catalog)
    scored = sum(1 for c in rescored["cities"] if c.get("total") is not None)
    moved = sum(1 for a, b in zip(results["cities"], rescored["cities"]) if a.get("total") != b.get("total"))
    figures = {"cities": cities, "scored": scored, "totals_moved": moved,
               "rescore_seconds": _fastest(lambda: rescore_results(results, catalog), repeat),
               "draws": DRAWS,
               "draws_seconds": _fastest(lambda: add_rank_stability(rescored, catalog, DRAWS, 2016), repeat)}
    widths = [c["rank_interval"][1] - c["rank_interval"][0] for c in rescored["cities"] if c.get("rank_interval")]
    figures["median_interval_width"] = sorted(widths)[len(widths) // 2] if widths else 0
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "结果"
        source.mkdir()
        (source / "results.json").write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        figures["folder_seconds"] = _fastest(lambda: rescore_folder(source, Path(folder) / "新", draws=DRAWS), 1)
    figures["rescore_ok"] = figures["rescore_seconds"] < RESCORE_TARGET
    figures["draws_ok"] = figures["draws_seconds"] < DRAWS_TARGET
    return figures


def print_figures(figures: dict) -> None:
    print(f"\n重新计分 {figures['scored']} 个城市（{figures['totals_moved']} 个总分变动）："
          f"{figures['rescore_seconds']:.3f} 秒（目标 < {RESCORE_TARGET:g} 秒）{'✓' if figures['rescore_ok'] else '✗'}")
    print(f"排名稳定性 {figures['draws']} 次抽样 × {figures['scored']} 个城市：{figures['draws_seconds']:.3f} 秒"
          f"（目标 < {DRAWS_TARGET:g} 秒）{'✓' if figures['draws_ok'] else '✗'}；区间宽度中位数 {figures['median_interval_width']} 名")
    print(f"重新计分写出 results.json、汇总表、变动对比（整个目录）：{figures['folder_seconds']:.2f} 秒")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=340)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    figures = measure(args.cities, args.repeat)
    print_figures(figures)
    return figures


if __name__ == "__main__":
    main()
