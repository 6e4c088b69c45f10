"""Rendering with the previous round (issue 23): 340 templates with ``previous`` (the grey
上一轮填报值 column and the cover's previous block) against the same 340 without; target ≤ 1.2×.

The previous round is a synthesised results.json of the same synthetic roster (every input
filled, scored with the real methods: tests/sceval/results_factory.py), loaded once with
sceval.previous.load_previous (its load time is shown apart). Both renders run jobs=1 into an
empty folder, interleaved round by round (timing.interleaved), fastest run kept.
  .venv/bin/python benchmarks/previous_bench.py [--cities 340] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGET = 1.2


def previous_results(rnd) -> dict:
    """A first round of the synthetic roster: every city scored, ranked by total."""
    from tests.sceval.results_factory import make_results

    count = len(rnd.roster.cities)
    results = make_results(province_code=rnd.roster.province_code, n_roster=count, n_submitted=count, optional=False)
    for city, entry in zip(rnd.roster.cities, results["cities"]):
        entry["code"], entry["name"] = city.code, city.name
    ranked = sorted(results["cities"], key=lambda c: -c["total"])
    for rank, entry in enumerate(ranked, start=1):
        entry["rank"] = rank
    return results


def measure(cities: int = 340, repeat: int = 3) -> dict:
    from scenario import load_round
    from timing import Step, interleaved

    from sctemplates.render import render_all
    from sceval.previous.load import load_previous

    rnd = load_round(cities)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "results.json"
        source.write_text(json.dumps(previous_results(rnd), ensure_ascii=False), encoding="utf-8")
        started = time.perf_counter()
        previous = load_previous([source])
        load_seconds = time.perf_counter() - started

        def step(name: str, earlier) -> Step:
            out = work / name
            return Step(name, cities, lambda: render_all(rnd.catalog, rnd.roster, out, optional=rnd.optional,
                                                         province=rnd.province, previous=earlier),
                        lambda: shutil.rmtree(out, ignore_errors=True))

        timings, _ = interleaved(repeat, [step("plain", None), step("previous", previous)])
    plain, with_previous = timings["plain"], timings["previous"]
    ratio = with_previous.seconds / plain.seconds
    return {"cities": cities, "plain": plain.as_dict(), "previous": with_previous.as_dict(),
            "load_previous_seconds": round(load_seconds, 3), "ratio": round(ratio, 3), "ok": ratio <= TARGET}


def print_figures(figures: dict) -> None:
    print(f"\n带上一轮填报值生成 {figures['cities']} 份模板：每份 {figures['previous']['ms_per_file']:.1f} 毫秒，"
          f"不带时 {figures['plain']['ms_per_file']:.1f} 毫秒，比值 {figures['ratio']:.3f}（目标 ≤ {TARGET:g}）"
          f"{'✓' if figures['ok'] else '✗'}；读取上一轮 results.json {figures['load_previous_seconds']:.2f} 秒")


def main(argv=None) -> dict:
    """Command line: the figures for ``--cities`` (340) at ``--repeat`` (3) rounds, printed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for option, default in (("--cities", 340), ("--repeat", 3)):
        parser.add_argument(option, type=int, default=default)
    found = measure(**vars(parser.parse_args(argv)))
    print_figures(found)
    return found


if __name__ == "__main__":
    main()
