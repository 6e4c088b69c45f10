"""`make bench`: render, ingest and memory at national scale, against their floors.

Prints one table and writes benchmarks/last-run.json. Not a test: figures depend on the machine.
  .venv/bin/python benchmarks/bench.py               # 340 cities, 3,400 returns (~10–15 min)
  .venv/bin/python benchmarks/bench.py --quick       # 34 cities, 340 returns
  .venv/bin/python benchmarks/bench.py --skip-3400   # no memory run at 10×
  .venv/bin/python benchmarks/bench.py --profile     # also cProfile render and ingest core
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scenario import WORK, code_version, load_round  # noqa: E402
from stages import ingest_stage, memory_stage, render_stage, warm_up  # noqa: E402
from report import print_table  # noqa: E402
import report_bench  # noqa: E402  (the 附件4 evaluation work report)
import cases_bench  # noqa: E402  (checking the 附件3 case documents)
import mail_bench  # noqa: E402  (ingest from a mailbox against the same files in a folder)
import after_bench  # noqa: E402  (rescoring from stored inputs, rank intervals)
import api_bench  # noqa: E402  (sceval.api.load_results of a national round)
import previous_bench  # noqa: E402  (rendering with the previous round's values, issue 23)
import imap_bench  # noqa: E402  (sceval mail fetch from a local IMAP server)

LAST_RUN = Path(__file__).resolve().parent / "last-run.json"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="sceval benchmark at national scale")
    parser.add_argument("--quick", action="store_true", help="34 cities / 340 returns")
    parser.add_argument("--skip-3400", action="store_true", help="skip the 10× memory run")
    parser.add_argument("--profile", action="store_true", help="cProfile single-job render and ingest core")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of each timed stage; the fastest run counts")
    parser.add_argument("--cities", type=int, default=None, help="override the city count")
    parser.add_argument("--work", type=Path, default=WORK, help="work folder (cached returns live here)")
    parser.add_argument("--record", type=Path, default=LAST_RUN, help="where to write the figures (JSON)")
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    cities = args.cities or (34 if args.quick else 340)
    rnd = load_round(cities)
    version = code_version(rnd)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    figures = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cities": cities,
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
               "load_before": os.getloadavg()}  # the machine is shared: others' load skews every figure
    warm_up(rnd, work)
    render = render_stage(rnd, work, args.repeat)
    figures["render"] = render
    figures["ingest"] = ingest_stage(rnd, render["templates"], version, work, args.repeat)
    figures["memory"] = memory_stage(rnd, figures["ingest"]["returns"], version, work, not args.skip_3400)
    figures["report"] = report_bench.measure(cities, min(args.repeat, 3))
    figures["cases"] = cases_bench.measure(cities, min(args.repeat, 3))
    figures["mail"] = mail_bench.measure(figures["ingest"]["returns"], min(args.repeat, 3))
    figures["after"] = after_bench.measure(cities, min(args.repeat, 3))
    figures["api"] = api_bench.measure(cities, min(args.repeat, 3))
    figures["previous"] = previous_bench.measure(cities, min(args.repeat, 3))
    figures["imap"] = imap_bench.measure(figures["ingest"]["returns"], min(args.repeat, 3))
    if args.profile:
        from profiling import profile_all

        figures["profile"] = profile_all(rnd, figures["ingest"]["returns"], work)
    figures["load_after"] = os.getloadavg()
    _tidy(figures, work)
    print_table(figures)
    report_bench.print_figures(figures["report"])
    cases_bench.print_figures(figures["cases"])
    mail_bench.print_figures(figures["mail"])
    after_bench.print_figures(figures["after"])
    api_bench.print_figures(figures["api"])
    previous_bench.print_figures(figures["previous"])
    imap_bench.print_figures(figures["imap"])
    args.record.write_text(json.dumps(figures, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"\n已写入 {args.record}")
    return figures


def _tidy(figures: dict, work: Path) -> None:
    """Paths are for the stages, not for the record."""
    figures["render"].pop("templates", None)
    figures["ingest"].pop("returns", None)
    shutil.rmtree(work / "floor", ignore_errors=True)


if __name__ == "__main__":
    main()
