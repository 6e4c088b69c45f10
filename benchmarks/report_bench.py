"""The evaluation work report (附件4) at national scale: 340 cities in one results.json, < 10 s.

Synthesises results.json with the shared results factory (inputs drawn at random, scored with
the real methods, some cities with errors, some missing) and times write_report end to end:
facts, every table and chart, the .docx saved (no PDF: LibreOffice's time is not ours).
  .venv/bin/python benchmarks/report_bench.py [--cities 340] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 10.0


def synthesise(cities: int, seed: int = 2016) -> dict:
    """One province's results.json with ``cities`` roster cities; a twentieth missing, a tenth
    with errors (points at stake, issues), names unique."""
    from tests.sceval.results_factory import make_results

    results = make_results(province_code="330000", n_roster=cities, n_submitted=cities - cities // 20, seed=seed)
    rng = random.Random(seed)
    planted = next((c["issues"] for c in results["cities"] if c["issues"]), [])
    for number, city in enumerate(results["cities"]):
        city["code"] = f"{330000 + number + 1:06d}"
        city["name"] = f"示例{number + 1}市"
        if city["status"] == "submitted" and rng.random() < 0.1:
            city["status"], city["points_at_stake"] = "has_errors", 1.5
            city["issues"] = planted
    results["roster"] = [{"code": c["code"], "name": c["name"], "kind": c["kind"]} for c in results["cities"]]
    return results


def national(cities: int, provinces: int = 10) -> list[dict]:
    """The same number of cities spread over ``provinces`` provinces (the national variant)."""
    each = max(1, cities // provinces)
    found = []
    for number in range(provinces):
        results = synthesise(each, seed=2016 + number)
        code = f"{11 + number}0000"
        results["province"] = {"code": code, "name": f"示例{number + 1}省"}
        for city in results["cities"]:
            city["code"] = code[:2] + city["code"][2:]
        results["roster"] = [{"code": c["code"], "name": c["name"], "kind": c["kind"]} for c in results["cities"]]
        found.append(results)
    return found


def _time(results_list: list[dict], repeat: int) -> tuple[list[float], int]:
    from sceval.reports.report import write_report

    timings = []
    with tempfile.TemporaryDirectory(prefix="sceval-report-bench-") as folder:
        paths = []
        for number, results in enumerate(results_list):
            paths.append(Path(folder) / f"results{number}.json")
            paths[-1].write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        for run in range(repeat):
            started = time.perf_counter()
            out = write_report(paths, out=Path(folder) / f"report{run}.docx")
            timings.append(time.perf_counter() - started)
        return timings, out.stat().st_size


def measure(cities: int = 340, repeat: int = 3) -> dict:
    timings, size = _time([synthesise(cities)], repeat)
    national_timings, _ = _time(national(cities), repeat)
    best = min(timings)
    return {"cities": cities, "seconds": round(best, 2), "all_seconds": [round(t, 2) for t in timings],
            "national_seconds": round(min(national_timings), 2), "docx_bytes": size,
            "target_seconds": TARGET_SECONDS, "met": best < TARGET_SECONDS and min(national_timings) < TARGET_SECONDS}


def print_figures(figures: dict) -> None:
    verdict = "达标" if figures["met"] else "未达标"
    print(f"  评价工作报告 {figures['cities']} 个城市（一个省，生成 .docx，含图表）{figures['seconds']:>8.2f} 秒")
    print(f"  评价工作报告 {figures['cities']} 个城市（全国汇总，10 个省）{figures['national_seconds']:>12.2f} 秒"
          f"  目标 < {figures['target_seconds']:.0f} 秒：{verdict}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="sceval report at national scale")
    parser.add_argument("--cities", type=int, default=340)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    figures = measure(args.cities, args.repeat)
    print_figures(figures)
    return figures


if __name__ == "__main__":
    main()
