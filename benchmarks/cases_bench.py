"""Checking 340 excellent-practice case documents (附件3), target < 20 s on the 2-core machine.

The documents are the demo's cases (sceval.demo.cases: each city fills its own case template)
for a synthetic roster of 340 cities, half of them about 9,000 字 long and the rest spread over
the other faults, so the average case is about 5,000 字 with a picture and a table — the size of
a real case. LibreOffice's .doc conversion is left out: its time is not ours. Writing the
documents is not timed; `check_cases` over the folder (cases.json written) is, single process.
  .venv/bin/python benchmarks/cases_bench.py [--cases 340] [--repeat 3]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_SECONDS = 20.0
OTHER_FAULTS = (None, "too_many_figures", None, "no_highlights", None, "advertising")


def write_cases(folder: Path, count: int) -> list[Path]:
    from scenario import synthetic_roster

    from sceval.demo.cases import _write_case

    roster = synthetic_roster(count)
    paths = []
    for index, city in enumerate(roster.cities):
        fault = "too_long" if index % 2 == 0 else OTHER_FAULTS[(index // 2) % len(OTHER_FAULTS)]
        paths.append(_write_case(folder, city, index, fault, roster, None, "2017-01-05T00:00:00+00:00"))
    return paths


def measure(count: int = 340, repeat: int = 3) -> dict:
    from scenario import synthetic_roster

    from sceval.cases import check_cases

    roster = synthetic_roster(count)
    with tempfile.TemporaryDirectory(prefix="sceval-cases-bench-") as work:
        folder = Path(work) / "cases"
        folder.mkdir()
        paths = write_cases(folder, count)
        timings = []
        for run in range(repeat):
            started = time.perf_counter()
            report = check_cases([folder], roster=roster, out_dir=Path(work) / f"out{run}")
            timings.append(time.perf_counter() - started)
        characters = sum(record.characters for record in report.files)
        statuses = {status: sum(1 for r in report.files if r.status == status) for status in ("ok", "warnings", "rejected")}
        size = sum(path.stat().st_size for path in paths)
    best = min(timings)
    return {"cases": count, "seconds": round(best, 2), "all_seconds": [round(t, 2) for t in timings],
            "ms_per_case": round(1000 * best / count, 1), "average_characters": characters // count,
            "average_bytes": size // count, "statuses": statuses, "target_seconds": TARGET_SECONDS,
            "met": best < TARGET_SECONDS}


def print_figures(figures: dict) -> None:
    verdict = "达标" if figures["met"] else "未达标"
    print(f"  检查优秀案例 {figures['cases']} 份（平均 {figures['average_characters']:,} 字）"
          f"{figures['seconds']:>10.2f} 秒（每份 {figures['ms_per_case']} 毫秒）"
          f"  目标 < {figures['target_seconds']:.0f} 秒：{verdict}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="sceval cases check at national scale")
    parser.add_argument("--cases", type=int, default=340)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    figures = measure(args.cases, args.repeat)
    print_figures(figures)
    return figures


if __name__ == "__main__":
    main()
