"""What a run writes besides results.json: one feedback workbook per city with issues, and the
summary workbook, with the names officials see.
"""
from __future__ import annotations

import contextlib
import gc
import os
import shutil
import sys
from collections import Counter
from pathlib import Path

from sctemplates.file_names import safe_file_name
from sctemplates.issues import Issue, issue
from sctemplates.roster import City, Roster

from sceval.results.model import FileOutcome, now_iso
from sceval.ledger.run_lock import NO_SPACE_ERRNOS, NoSpace  # noqa: F401  (NoSpace: named here by callers)

FEEDBACK_DIR = "反馈"


def roster_from_outcomes(outcomes: list[FileOutcome]) -> Roster:
    """Without a roster: the cities that were identified, under the most common province."""
    cities = {o.city.code: o.city for o in outcomes if o.city is not None}
    provinces = Counter(o.province for o in outcomes if o.city is not None and o.province[0])
    code, name = provinces.most_common(1)[0][0] if provinces else ("", "")
    return Roster(code, name, tuple(sorted(cities.values(), key=lambda c: c.code)))


def feedback_name(city: City) -> str:
    return safe_file_name(f"{city.code}_{city.name}_问题反馈.xlsx")


INPUTS_DIR = ".sceval-inputs"  # a copy of each return a feedback workbook may be made from


# A return that `sceval ledger use/invalidate` may make count later (sceval.state.recount).
MAY_COUNT = ("counted", "blank", "superseded")


def store_inputs(run, out_dir: Path) -> None:
    """Keep a copy of every return results.json names (counted or newest rejected), and of every
    valid return a city may be switched to by the ledger, by sha256, so the feedback workbooks
    can be rebuilt after an adjustment or a ledger change without the original inputs."""
    wanted = {c.get("sha256") for c in run.results.get("cities") or [] if c.get("sha256")}
    for outcome in run.outcomes:
        keep = outcome.sha256 in wanted or (outcome.sha256 and outcome.status in MAY_COUNT)
        if keep and outcome.source and Path(outcome.source).is_file():
            target = out_dir / INPUTS_DIR / (outcome.sha256 + Path(outcome.source).suffix.lower())
            if not target.exists():
                target.parent.mkdir(exist_ok=True)
                shutil.copyfile(outcome.source, target)


def stored_input(out_dir: Path, sha256: str) -> Path | None:
    return next(iter(sorted((out_dir / INPUTS_DIR).glob(f"{sha256}.*"))), None) if sha256 else None


def feedback_jobs(results: dict, inputs_dir: Path, staging: Path) -> list[tuple]:
    """(source, issues, staged target, name shown, Official) of each city with issues whose
    return is stored: its counted file, or its newest rejected one."""
    from sceval.reports.status_words import gets_feedback

    official = _official_of(results)
    jobs = []
    for entry in results.get("cities") or []:
        source = stored_input(inputs_dir, entry.get("sha256") or "")
        if entry.get("issues") and source is not None and gets_feedback(entry.get("status") or "missing"):
            target = staging / FEEDBACK_DIR / feedback_name(City(entry["code"], entry["name"], entry.get("kind", "")))
            jobs.append((str(source), entry["issues"], target, entry.get("file") or "", official(entry)))
    return jobs


def write_feedback_jobs(jobs: list[tuple], run_issues: list, workers: int = 1) -> list[Path]:
    """Write each feedback workbook; openpyxl is slow, so workers share the load."""
    done = map_in_workers(_feedback_job, jobs, workers)
    run_issues += [found for _path, found in done if found is not None]
    return [path for path, _found in done if path is not None]


def _feedback_job(job) -> tuple[Path | None, Issue | None]:
    from sceval.reports.feedback import write_feedback

    source, issues, target, shown, official = job
    with _quiet_finalizers():
        try:
            return Path(write_feedback(source, issues, target, shown, official)), None
        except Exception as exc:  # noqa: BLE001 - one feedback failing must not lose the others
            failure, exc_text = exc, str(exc)
        full = no_space(failure, target.parent)
        del failure  # its traceback holds openpyxl's half-closed writers: finalized here, quietly
        gc.collect()
    if full is None:
        return None, issue("FILE_UNREADABLE", f"无法为 {shown} 生成问题反馈表（{exc_text}）", file=shown)
    raise full  # a full disk stops the run (NoSpace)


@contextlib.contextmanager
def _quiet_finalizers():
    """openpyxl's stream writers, closed on a failed write (a full disk), each print "Exception
    ignored in <generator …>" with a traceback; people must see the one NoSpace message instead."""
    hook, sys.unraisablehook = sys.unraisablehook, lambda _unraisable: None
    try:
        yield
    finally:
        sys.unraisablehook = hook


def _official_of(results: dict):
    """city entry -> sceval.reports.feedback.Official for a counted return (None for a rejected
    one): its official scores, the values ingest read, and the secretariat's values."""
    from sceval.results.model import catalog_of
    from sceval.reports.feedback import CENTRAL_UNREADABLE, Official
    from sceval.reports.status_words import scored_statuses

    catalog = catalog_of(results)
    central = [(i.name, i.label, (sub or second).code) for second, sub, i in catalog.inputs()
               if not i.city_fills] if catalog else []

    def official(entry: dict):
        if entry.get("status") not in scored_statuses():
            return None
        inputs = entry.get("inputs") or {}
        # A feed cell the secretariat filled but nobody could read (八十分) was received: say so.
        unreadable = {i.get("indicator") for i in entry.get("issues") or [] if i.get("code") == "CENTRAL_BAD"}
        return Official(entry.get("total"), _optional_shown(entry), inputs,
                        tuple((name, label, CENTRAL_UNREADABLE if code in unreadable else inputs.get(name))
                              for name, label, code in central),
                        tuple(entry.get("adjustments") or ()), entry.get("previous"), entry.get("change"),
                        entry.get("scores"))

    return official


def _optional_shown(entry: dict):
    """The optional score, or what is pending when the optional indicators were refused."""
    pending = entry.get("optional_pending")
    if pending is None:
        return entry.get("optional_total")
    return f"待补 {pending:.2f} 分（自选指标与本省现行定义不一致，未计分；请使用新下发的模板重新填报）"


def summary_name(results: dict) -> str:
    day = (results.get("generated_at") or now_iso())[:10].replace("-", "")
    return safe_file_name(f"汇总_{results['province']['name'] or '未知省份'}_{day}.xlsx")


# --- room on the disk -------------------------------------------------------------------------
# Generous per-item sizes (measured: a results.json city line ~6 kB, a file line ~1 kB, the
# catalog ~200 kB; a feedback workbook ~ its return + 60 kB; the summary ~ 15 kB per city).
SPACE_MARGIN = 2


def space_needed(run, workbooks: bool) -> int:
    """An upper estimate of what writing the outputs of ``run`` takes on disk, in bytes."""
    cities = len(run.results.get("cities") or [])
    files = len(run.results.get("files") or [])
    needed = 256 * 1024 + 8 * 1024 * cities + 2 * 1024 * files
    if workbooks:
        needed += 64 * 1024 + 16 * 1024 * cities
        needed += sum(o.size + 64 * 1024 for o in run.counted.values())
        needed += sum(o.size for o in run.outcomes if o.status == "superseded")  # stored copies
    return needed * SPACE_MARGIN


def ensure_space(out_dir: Path, needed: int) -> None:
    """NoSpace unless the disk holding ``out_dir`` has ``needed`` bytes free."""
    free = shutil.disk_usage(out_dir).free
    if free < needed:
        raise NoSpace(f"输出目录 {out_dir} 所在磁盘剩余空间 {_mb(free)}，写入本次结果约需 {_mb(needed)}，"
                      "空间不足，未写入任何结果（上次的结果保持不变）。请清理磁盘或改用其他输出目录后重新运行")


def no_space(exc: BaseException, out_dir: Path) -> NoSpace | None:
    """The NoSpace for an error while writing outputs; None when it is not about space. The
    OSError may come wrapped (xlsxwriter raises FileCreateError(OSError))."""
    found = _os_error_in(exc)
    if found is None or found.errno not in NO_SPACE_ERRNOS:
        return None
    return NoSpace(f"写入输出目录 {out_dir} 时磁盘空间不足或超过文件大小限制（{found.strerror}）。"
                   "未完成的文件已删除，上次的 results.json 保持不变。请清理磁盘或改用其他输出目录后重新运行")


def _os_error_in(exc: BaseException | None, depth: int = 0) -> OSError | None:
    if exc is None or depth > 4:
        return None
    if isinstance(exc, OSError):
        return exc
    wrapped = next((arg for arg in exc.args if isinstance(arg, OSError)), None)
    return wrapped or _os_error_in(exc.__cause__ or exc.__context__, depth + 1)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def map_in_workers(function, items: list, jobs: int) -> list:
    """``function`` over ``items`` in ``jobs`` processes (in-process for one job or a few items),
    for the slow writers of a run (openpyxl feedback copies)."""
    if jobs <= 1 or len(items) <= 2:
        return [function(item) for item in items]
    import multiprocessing

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(jobs) as pool:
        return pool.map(function, items, chunksize=4)
