"""The bench's stages; each returns plain figures (seconds, ms per workbook, counts) for the report."""
from __future__ import annotations

import shutil
from pathlib import Path

from timing import best_of, timed

JOBS = (1, 2)
OPENPYXL_SAMPLE = 68  # openpyxl is slow; a fifth of the national round is plenty for its rate


def render_stage(rnd, work: Path, repeat: int) -> dict:
    """render_all with jobs=1 and jobs=2, each into an empty folder."""
    from sctemplates.render import render_all

    figures, templates = {}, []
    count = len(rnd.roster.cities)
    for jobs in JOBS:
        out = work / f"render-j{jobs}"
        empty = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731 - render_all refuses to overwrite
        took, paths = best_of(repeat, count, empty, render_all, rnd.catalog, rnd.roster, out,
                              optional=rnd.optional, province=rnd.province, jobs=jobs)
        figures[f"jobs{jobs}"] = took.as_dict()
        templates = templates or paths
    figures["bytes_per_file"] = sum(p.stat().st_size for p in templates) // len(templates)
    figures["templates"] = templates
    return figures


def floor_stage(templates: list[Path], out: Path, repeat: int) -> dict:
    """The bare-xlsxwriter floor: the same cells, one file per template, single process; and the
    same with render's formula cache (the "kept_formulas" figure)."""
    from floors import template_cells, write_floor

    from sctemplates.render.worksheet import TemplateWorksheet

    cells = template_cells(templates[0])  # every synthetic city is a 地级市: one cell layout

    def empty():
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)

    def write_all(worksheet_class=None):
        for index, _ in enumerate(templates):
            write_floor(cells, out / f"{index:04d}.xlsx", worksheet_class)

    took, _ = best_of(repeat, len(templates), empty, write_all)
    kept, _ = best_of(repeat, len(templates), empty, write_all, TemplateWorksheet)
    return {**took.as_dict(), "kept_formulas": kept.as_dict(), "cells": sum(len(v) for v in cells.values()),
            "sheets": list(cells)}


def ingest_stage(rnd, templates: list[Path], version: str, work: Path, repeat: int) -> dict:
    """Fill (cached), then ingest core-only and with workbooks, jobs=1 and 2; then the read floors."""
    from ingest_run import describe, run_ingest
    from returns import fill_returns, returns_dir

    count = len(templates)
    fill_dir = returns_dir(work, version, count)
    took_fill, returns = timed(count, fill_returns, rnd, templates, fill_dir)
    figures = {"fill": {**took_fill.as_dict(), "cached": took_fill.seconds < 5}, "returns": returns}
    for workbooks in (False, True):
        for jobs in JOBS:
            took, run = best_of(repeat, count, None, run_ingest, fill_dir, work / "ingest-out", rnd, jobs, workbooks)
            figures[f"{'full' if workbooks else 'core'}_jobs{jobs}"] = {**took.as_dict(), "run": describe(run)}
    figures["floors"] = read_floors(returns, repeat)
    return figures


def read_floors(returns: list[Path], repeat: int) -> dict:
    from floors import calamine_read, openpyxl_read

    took_cal, _ = best_of(repeat, len(returns), None, lambda: [calamine_read(p) for p in returns])
    sample = returns[:OPENPYXL_SAMPLE]
    took_opx, _ = best_of(repeat, len(sample), None, lambda: [openpyxl_read(p) for p in sample])
    return {"calamine": took_cal.as_dict(), "openpyxl": took_opx.as_dict()}


def memory_stage(rnd, returns: list[Path], version: str, work: Path, with_tenfold: bool) -> dict:
    """Peak RSS of an ingest (jobs=2, core only and full) of the round, and of ten submissions per city."""
    from memory import measure
    from returns import multiply, returns_dir

    cities = len(rnd.roster.cities)
    folders = {"x1": returns[0].parent}
    figures = {}
    if with_tenfold:
        folders["x10"] = returns_dir(work, version, cities, 10)
        took, _ = timed(cities * 10, multiply, returns, folders["x10"], 10)
        figures["multiply"] = {**took.as_dict(), "cached": took.seconds < 5}
    for scale, folder in folders.items():
        for workbooks in (False, True):
            key = f"{scale}_{'full' if workbooks else 'core'}"
            figures[key] = measure(folder, work / "memory-out", cities, 2, workbooks)
    shutil.rmtree(work / "memory-out", ignore_errors=True)
    return figures


def warm_up(rnd, work: Path) -> None:
    """Import and cache everything once, so the first timed stage does not pay start-up costs."""
    from dataclasses import replace

    from sctemplates.render import render_all

    from floors import calamine_read, openpyxl_read
    from ingest_run import run_ingest

    out = work / "warm-up"
    shutil.rmtree(out, ignore_errors=True)
    roster = replace(rnd.roster, cities=rnd.roster.cities[:1])
    template = render_all(rnd.catalog, roster, out / "t", optional=rnd.optional, province=rnd.province)[0]
    for read in (calamine_read, openpyxl_read):
        read(template)
    run_ingest([template], out / "i", rnd, 1, True)  # a blank return: rejected, but every module loads
    shutil.rmtree(out, ignore_errors=True)
