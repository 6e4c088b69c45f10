"""Checking 340 excellent-practice case documents (附件3), target < 20 s on the 2-core machine.

The documents are the demo's cases (sceval.demo.cases: each city fills its own case template)
for a synthetic roster of 340 cities, half of them about 9,000 字 long and the rest spread over
the other faults, so the average case is about 5,000 字 with a picture and a table — the size of
a real case. LibreOffice's .doc conversion is left out: its time is not ours. Writing the
documents is not timed (they are cached in benchmarks/.work, keyed by the code that writes them);
`check_cases` over the folder (cases.json written, one process per CPU) is, wall clock and CPU
(this process and its workers: the machine is shared, so the wall clock depends on others' load).
  .venv/bin/python benchmarks/cases_bench.py [--cases 340] [--repeat 3]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
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


def cached_cases(count: int) -> list[Path]:
    """The bench's documents, written once per version of the code that writes them."""
    from scenario import WORK

    version = hashlib.sha256(b"".join(path.read_bytes() for path in WRITERS)).hexdigest()[:12]
    folder = WORK / f"cases-{count}-{version}"
    if not folder.with_name(folder.name + ".complete").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        write_cases(folder, count)
        folder.with_name(folder.name + ".complete").write_text("ok")
    return sorted(p for p in folder.iterdir() if p.suffix == ".docx")


WRITERS = [ROOT / "sceval" / "demo" / name for name in ("cases.py", "cases.yaml")] + \
          [ROOT / "sceval" / "cases" / name for name in ("template.py", "outline.yaml")]


def _cpu() -> float:
    import resource  # POSIX only: imported here so the benchmarks still collect on Windows

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(count: int = 340, repeat: int = 3) -> dict:
    from scenario import synthetic_roster

    from sceval.cases import check_cases

    roster = synthetic_roster(count)
    paths = cached_cases(count)
    timings, cpu = [], []
    with tempfile.TemporaryDirectory(prefix="sceval-cases-bench-") as work:
        for run in range(repeat):
            started, used = time.perf_counter(), _cpu()
            report = check_cases([paths[0].parent], roster=roster, out_dir=Path(work) / f"out{run}")
            timings.append(time.perf_counter() - started)
            cpu.append(_cpu() - used)
    characters = sum(record.characters for record in report.files)
    statuses = {status: sum(1 for r in report.files if r.status == status) for status in ("ok", "warnings", "rejected")}
    best = min(timings)
    return {"cases": count, "seconds": round(best, 2), "all_seconds": [round(t, 2) for t in timings],
            "cpu_seconds": round(min(cpu), 2), "jobs": os.cpu_count(), "load": os.getloadavg(),
            "ms_per_case": round(1000 * best / count, 1), "average_characters": characters // count,
            "average_bytes": sum(path.stat().st_size for path in paths) // count, "statuses": statuses,
            "target_seconds": TARGET_SECONDS, "met": best < TARGET_SECONDS}


def print_figures(figures: dict) -> None:
    verdict = "达标" if figures["met"] else "未达标"
    print(f"  检查优秀案例 {figures['cases']} 份（平均 {figures['average_characters']:,} 字）"
          f"{figures['seconds']:>10.2f} 秒（每份 {figures['ms_per_case']} 毫秒，CPU 共 {figures['cpu_seconds']} 秒）"
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
