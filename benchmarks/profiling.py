"""cProfile of the single-job render and the single-job ingest core: top 15 by cumulative time.

Run on the first PROFILED cities only: the profile's shape does not change with the count and
cProfile roughly doubles the run time.
"""
from __future__ import annotations

import cProfile
import io
import pstats
import shutil
from dataclasses import replace
from pathlib import Path

PROFILED = 34
TOP = 15


def profile_all(rnd, returns: list[Path], work: Path) -> dict:
    """Write profile-render.txt and profile-ingest.txt under ``work``; return their top lines."""
    from sctemplates.render import render_all

    from ingest_run import run_ingest

    roster = replace(rnd.roster, cities=rnd.roster.cities[:PROFILED])
    out = work / "profile-render"
    shutil.rmtree(out, ignore_errors=True)
    texts = {
        "render": _profile(render_all, rnd.catalog, roster, out, optional=rnd.optional, province=rnd.province, jobs=1),
        "ingest_core": _profile(run_ingest, returns[:PROFILED], work / "profile-ingest", rnd, 1, False),
    }
    for name, text in texts.items():
        (work / f"profile-{name}.txt").write_text(text, encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(work / "profile-ingest", ignore_errors=True)
    return {name: text.splitlines() for name, text in texts.items()}


def _profile(action, *args, **kwargs) -> str:
    profiler = cProfile.Profile()
    profiler.runcall(action, *args, **kwargs)
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.strip_dirs().sort_stats("cumulative").print_stats(TOP)
    return stream.getvalue()
