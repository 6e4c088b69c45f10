"""Mass-produce filled returns: 340 with openpyxl (once, cached), then ×10 by rewriting one member.

Filling goes through sceval.demo_fill exactly as `sceval demo` does (openpyxl, ~0.3–0.5 s a file),
in a 2-process pool. The 3,400 are copies whose docProps/core.xml carries a different modified
time — what Excel does when a city saves again — so every file has its own sha256, and whose
mtimes (received-at) make each later submission supersede the earlier one.
"""
from __future__ import annotations

import os
import re
import shutil
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

BASE_TIME = 1482192000  # 2016-12-20 00:00 UTC
MISTAKE_KINDS = ("missing", "percent_for_count", "out_of_range", "formula_remark", "messy_text")
MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)([^<]*)(</dcterms:modified>)")
STAMP = ".complete"  # beside the folder, never in it: ingest gives every file it finds a row


def stamp(out: Path) -> Path:
    return out.with_name(out.name + STAMP)
_CATALOGS: dict = {}  # set in the parent before forking, read by fill workers


def returns_dir(work: Path, version: str, count: int, copies: int = 1) -> Path:
    return work / f"returns-{version}-{count}x{copies}"


def fill_returns(rnd, templates: list[Path], out: Path, jobs: int = 2) -> list[Path]:
    """One filled return per template (cached in ``out`` once complete)."""
    if stamp(out).exists():
        return sorted(out.glob("*.xlsx"))
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    _CATALOGS.update(base=rnd.catalog, optional=rnd.optional)
    work = [(index, city, template, out) for index, (city, template) in enumerate(zip(rnd.roster.cities, templates))]
    import multiprocessing

    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        paths = list(pool.map(_fill_one, work, chunksize=4))
    stamp(out).write_text("ok")
    return paths


def _fill_one(work) -> Path:
    from sceval.demo.fill import plant_mistake, realistic_fill, write_fill

    index, city, template, out = work
    catalogs = [_CATALOGS["base"], _CATALOGS["optional"]] if city.takes_optional else [_CATALOGS["base"]]
    fill = realistic_fill(catalogs, seed=int(city.code), city_name=city.name)
    if index % 10 == 3:  # one city in ten makes a typical mistake, as in real rounds
        plant_mistake(fill, _CATALOGS["base"], MISTAKE_KINDS[(index // 10) % len(MISTAKE_KINDS)], offset=index)
    path = write_fill(template, out / template.name.replace(".xlsx", "（已填）.xlsx"), fill)
    _stamp(path, BASE_TIME + index * 60)
    return path


def _stamp(path: Path, when: int) -> None:
    os.utime(path, (when, when))  # received-at: when the e-mail arrived


def multiply(originals: list[Path], out: Path, copies: int, jobs: int = 2) -> list[Path]:
    """``copies`` distinct submissions of every original (the first is a byte copy)."""
    if stamp(out).exists():
        return sorted(out.glob("*.xlsx"))
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    work = [(index, path, copy, out) for index, path in enumerate(originals) for copy in range(copies)]
    with ProcessPoolExecutor(jobs) as pool:
        paths = list(pool.map(_resubmit, work, chunksize=32))
    stamp(out).write_text("ok")
    return paths


def _resubmit(work) -> Path:
    index, source, copy, out = work
    target = out / source.name.replace("（已填）", f"（第{copy + 1}次）")
    if copy == 0:
        shutil.copyfile(source, target)
    else:
        _rewrite_modified(source, target, copy)
    _stamp(target, BASE_TIME + copy * 86400 + index * 60)  # later copies supersede earlier ones
    return target


def _rewrite_modified(source: Path, target: Path, copy: int) -> None:
    """Copy the package, changing only docProps/core.xml's modified time (falls back to a comment)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        changed = False
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "docProps/core.xml" and MODIFIED.search(data):
                stamp = f"2016-12-{20 + copy % 10:02d}T{copy:02d}:00:00Z".encode()
                data, changed = MODIFIED.sub(lambda m: m.group(1) + stamp + m.group(3), data, count=1), True
            new.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        if not changed:
            new.comment = f"resubmission {copy}".encode()
