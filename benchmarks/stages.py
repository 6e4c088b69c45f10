"""The bench's stages; each returns plain figures (seconds, ms per workbook, counts) for the report."""
from __future__ import annotations

import shutil
from pathlib import Path

from timing import Step, interleaved, timed

JOBS = (1, 2)
OPENPYXL_SAMPLE = 68  # openpyxl is slow; a fifth of the national round is plenty for its rate


def render_stage(rnd, work: Path, repeat: int) -> dict:
    """render_all with jobs=1 and jobs=2, each into an empty folder, side by side with the floors:
    a bare xlsxwriter workbook with the same cells, one file per city, single process, plainly and
    with render's formula cache ("floor_kept_formulas")."""
    from floors import template_cells, write_floor

    from sctemplates.render import render_all
    from sctemplates.render.worksheet import TemplateWorksheet

    count = len(rnd.roster.cities)
    first = work / "render-first"
    shutil.rmtree(first, ignore_errors=True)
    templates = render_all(rnd.catalog, rnd.roster, first, optional=rnd.optional, province=rnd.province)
    cells = template_cells(templates[0])  # every synthetic city is a 地级市: one cell layout

    def render(jobs: int) -> Step:
        out = work / f"render-j{jobs}"
        return Step(f"jobs{jobs}", count, lambda: render_all(rnd.catalog, rnd.roster, out, optional=rnd.optional,
                                                               province=rnd.province, jobs=jobs),
                    lambda: shutil.rmtree(out, ignore_errors=True))  # render_all refuses to overwrite

    def floor(name: str, worksheet_class) -> Step:
        out = work / "floor"

        def empty():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
        return Step(name, count, lambda: [write_floor(cells, out / f"{index:04d}.xlsx", worksheet_class)
                                          for index in range(count)], empty)

    timings, _ = interleaved(repeat, [render(1), render(2), floor("floor", None),
                                      floor("floor_kept_formulas", TemplateWorksheet)])
    figures = {name: took.as_dict() for name, took in timings.items()}
    figures["bytes_per_file"] = sum(p.stat().st_size for p in templates) // len(templates)
    figures["floor_cells"] = sum(len(v) for v in cells.values())
    figures["floor_sheets"] = list(cells)
    figures["templates"] = templates
    return figures


def ingest_stage(rnd, templates: list[Path], version: str, work: Path, repeat: int) -> dict:
    """Fill (cached); then, side by side, ingest core-only with jobs=1 and 2 and the read floors;
    then ingest with the workbooks written, jobs=1 and 2."""
    from floors import calamine_read, openpyxl_read
    from ingest_run import describe, run_ingest
    from returns import fill_returns, returns_dir

    count = len(templates)
    fill_dir = returns_dir(work, version, count)
    took_fill, returns = timed(count, fill_returns, rnd, templates, fill_dir)
    figures = {"fill": {**took_fill.as_dict(), "cached": took_fill.seconds < 5}, "returns": returns}
    sample = returns[:OPENPYXL_SAMPLE]

    def ingest(jobs: int, workbooks: bool) -> Step:
        name = f"{'full' if workbooks else 'core'}_jobs{jobs}"
        return Step(name, count, lambda: run_ingest(fill_dir, work / "ingest-out", rnd, jobs, workbooks))

    core, runs = interleaved(repeat, [ingest(1, False), ingest(2, False),
                                      Step("calamine", count, lambda: [calamine_read(p) for p in returns]),
                                      Step("openpyxl", len(sample), lambda: [openpyxl_read(p) for p in sample])])
    full, full_runs = interleaved(repeat, [ingest(1, True), ingest(2, True)])
    for name, took in (*core.items(), *full.items()):
        if name in ("calamine", "openpyxl"):
            continue
        figures[name] = {**took.as_dict(), "run": describe({**runs, **full_runs}[name])}
    figures["floors"] = {"calamine": core["calamine"].as_dict(), "openpyxl": core["openpyxl"].as_dict()}
    shutil.rmtree(work / "render-first", ignore_errors=True)
    return figures


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
