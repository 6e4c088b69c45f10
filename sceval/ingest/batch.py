"""Ingest a batch of returns: gather files, process each in a worker, decide what counts, write.

Inputs are files, folders (searched recursively) and .zip archives (members extracted, bounded in
size, into ``out_dir/.work``; non-workbooks skipped with ARCHIVE_MEMBER_SKIPPED). Each file is
read once, hashed, identified, parsed, checked and scored by ``ingest_file.process_file`` in a
process pool (sceval.pool) — only small outcomes come back, never workbooks. The ledger (or, without one, the
newest accepted file per city) decides which submission counts; outliers are found across counted
cities; results.json, per-city feedback workbooks and the summary workbook are written atomically.
"""
from __future__ import annotations

import contextlib
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sctemplates.issues import Issue, issue
from sctemplates.model import Catalog
from sctemplates.roster import City, Roster

from sceval.ingest.gather import Gathered, gather
from sceval.ingest.one_file import FileTask
from sceval.evaluate.outliers import find_outliers
from sceval.ingest.pool import frozen_heap, run_tasks
from sceval.ingest.results import (
    ACCEPTED, COUNTED, DUPLICATE, INVALIDATED, REJECTED, SUPERSEDED, FileOutcome, build_results,
    now_iso, write_results,
)

WORK_DIR = ".work"
RESULTS_FILE = "results.json"
FEEDBACK_DIR = "反馈"


@dataclass
class IngestRun:
    outcomes: list[FileOutcome] = field(default_factory=list)
    results: dict = field(default_factory=dict)
    results_path: Path | None = None
    summary_path: Path | None = None
    feedback_paths: list[Path] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # run-level (SCORE_PROVISIONAL, …)
    counted: dict[str, FileOutcome] = field(default_factory=dict)


# --- processing -----------------------------------------------------------------------------

def _tasks(gathered: list[Gathered], context: dict) -> Iterator[FileTask]:
    """One task per gathered file; the worker hashes each file as it reads it (see FirstCopies)."""
    for item in gathered:
        yield FileTask(item.source, item.display, "", os.path.getsize(item.source), item.received_at, **context)


class FirstCopies:
    """Passes each outcome on, in the batch's order, as a DUPLICATE when an earlier file of the
    batch had the very same bytes: identical files count once (the copy is read, then dropped)."""

    def __init__(self, then):
        self.then, self.seen = then, {}

    def __call__(self, outcome: FileOutcome) -> FileOutcome:
        first = self.seen.setdefault(outcome.sha256, outcome) if outcome.sha256 else outcome
        if first is not outcome:
            outcome = FileOutcome(path=outcome.path, sha256=outcome.sha256, size=outcome.size,
                                  received_at=outcome.received_at, status=DUPLICATE)
            outcome.issues.append(issue("FILE_DUPLICATE", f"文件 {outcome.path} 与 {first.path} 内容完全相同，只记录一次",
                                        file=outcome.path))
        return self.then(outcome)


# --- what counts ------------------------------------------------------------------------------

@dataclass
class Decision:
    """Which outcome counts per city; cities counted from an earlier run come from the ledger."""

    counted: dict[str, FileOutcome] = field(default_factory=dict)
    corrected: set[str] = field(default_factory=set)
    earlier: dict[str, dict] = field(default_factory=dict)  # city -> its results.json entry


def choose_counted(outcomes: list[FileOutcome], ledger=None, roster: Roster | None = None) -> Decision:
    """The ledger (an open sceval.ledger.Ledger) decides when given; else the newest accepted file."""
    if ledger is not None:
        return _ledger_decision(ledger, outcomes, roster)
    return _newest_accepted(outcomes)


class OutcomeKeeper:
    """Takes outcomes as workers finish them: records each in the ledger at once, and keeps the full
    result only of each city's newest accepted file, so memory stays flat however many
    resubmissions a batch holds (the ledger keeps every file's results)."""

    def __init__(self, ledger=None):
        self.ledger = ledger
        self.newest: dict[str, FileOutcome] = {}

    def __call__(self, outcome: FileOutcome) -> FileOutcome:
        if self.ledger is not None and outcome.sha256 and outcome.status in (ACCEPTED, REJECTED):
            self.ledger.record(ledger_record(outcome))
        if outcome.status == ACCEPTED and outcome.city is not None:
            self._keep_newest(outcome)
        return outcome

    def _keep_newest(self, outcome: FileOutcome) -> None:
        current = self.newest.get(outcome.city.code)
        if current is None or (outcome.received_at, outcome.path) > (current.received_at, current.path):
            if current is not None:
                current.result = None
            self.newest[outcome.city.code] = outcome
        else:
            outcome.result = None


def _accepted_by_city(outcomes: list[FileOutcome]) -> dict[str, list[FileOutcome]]:
    by_city: dict[str, list[FileOutcome]] = {}
    for outcome in sorted(outcomes, key=lambda o: (o.received_at, o.path)):
        if outcome.status == ACCEPTED and outcome.city is not None:
            by_city.setdefault(outcome.city.code, []).append(outcome)
    return by_city


def _newest_accepted(outcomes: list[FileOutcome]) -> Decision:
    decision = Decision()
    for code, files in _accepted_by_city(outcomes).items():
        chosen = files[-1]
        decision.counted[code] = chosen
        chosen.status = COUNTED
        for older in files[:-1]:
            older.status = SUPERSEDED
            older.issues.append(issue("SUBMISSION_SUPERSEDED", f"文件 {older.path} 已被更新的报送 {chosen.path} 取代，不再计入",
                                      file=older.path))
            decision.corrected.add(code)
        _note_newer_rejected(outcomes, chosen)
    return decision


def _note_newer_rejected(outcomes: list[FileOutcome], chosen: FileOutcome) -> None:
    for other in outcomes:
        if other.status == REJECTED and other.city == chosen.city and other.received_at > chosen.received_at:
            chosen.issues.append(issue("SUBMISSION_NEWER_INVALID", f"该城市更新的报送 {other.path} 有错误无法采用，"
                                                                   f"仍以较早的报送 {chosen.path} 为准", file=chosen.path))


def _ledger_decision(ledger, outcomes: list[FileOutcome], roster: Roster | None) -> Decision:
    from sceval.ingest.ledger import ledger_issues

    for outcome in outcomes:
        if outcome.sha256 and outcome.status in (ACCEPTED, REJECTED):
            ledger.record(ledger_record(outcome))
    counting, invalidated = ledger.counting(), ledger.invalidated()
    notes = ledger_issues(ledger)
    decision = Decision()
    for outcome in outcomes:
        outcome.issues += [i for i in notes.get(outcome.sha256, []) if i not in outcome.issues]
        _apply_ledger_status(outcome, counting, invalidated, decision)
    for code, sub in counting.items():
        if code not in decision.counted and sub.results:
            decision.earlier[code] = sub.results
        if len(ledger.history(code)) > 1 and any(s.counts_as_valid and s.order < sub.order
                                                 for s in ledger.history(code)):
            decision.corrected.add(code)
    return decision


def _apply_ledger_status(outcome: FileOutcome, counting: dict, invalidated: set, decision: Decision) -> None:
    if outcome.status != ACCEPTED or outcome.city is None:
        return
    current = counting.get(outcome.city.code)
    if outcome.sha256 in invalidated:
        outcome.status = INVALIDATED
    elif current is not None and current.sha256 == outcome.sha256:
        outcome.status = COUNTED
        if outcome.result is not None:  # else its stored results are used, as for an earlier run
            decision.counted[outcome.city.code] = outcome
    else:
        outcome.status = SUPERSEDED


def ledger_record(outcome: FileOutcome) -> dict:
    """What the ledger keeps of one file (idempotent by sha256): its results.json city entry."""
    from sceval.ingest.results import city_entry

    entry = city_entry(outcome.city, outcome, False) if outcome.city and outcome.result else None
    return {"sha256": outcome.sha256, "size": outcome.size, "path": outcome.path,
            "received_at": outcome.received_at, "city": outcome.city.code if outcome.city else None,
            "status": ACCEPTED if outcome.status == ACCEPTED else REJECTED,
            "issues": [i.as_dict() for i in outcome.issues], "results": entry}


# --- the run ---------------------------------------------------------------------------------

def ingest(inputs, out_dir, catalog: Catalog, central=None, optional: Catalog | None = None,
           roster: Roster | None = None, jobs: int | None = os.cpu_count(), ledger_path=None,
           received_at: str | None = None, timeout: int = 120, generated_at: str | None = None,
           workbooks: bool = True, limits=None, feed_issues: list[Issue] = ()) -> IngestRun:
    """Ingest every input into ``out_dir``; bad files become Issues, never exceptions.

    ``timeout``: seconds per file (0: none); ``limits``: sceval.safety.Limits (size, zip ratio, rows)
    for the preflight of each file. ``workbooks=False`` writes results.json only (no
    feedback or summary workbooks), for benchmarks and quick re-scoring. ``feed_issues``: what
    sceval.central.read_central found in the central feed file, kept in results.json.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work_dir = out_dir / WORK_DIR
    run = IngestRun()
    try:
        with frozen_heap():
            gathered, run.outcomes = gather(inputs, work_dir, received_at, exclude=out_dir)
            context = {"catalog": catalog, "optional": optional, "roster": roster,
                       "central": central or {}, "timeout": timeout, "limits": limits}
            with _open_ledger(ledger_path) as ledger:
                run.outcomes += run_tasks(_tasks(gathered, context), jobs or 1,
                                          FirstCopies(OutcomeKeeper(ledger)), expected=len(gathered))
                decision = choose_counted(run.outcomes, ledger, roster)
            run.counted = decision.counted
            _add_outliers(run.counted)
            run.issues += list(feed_issues) + _run_issues(catalog, optional)
            roster = roster or roster_from_outcomes(run.outcomes)
            run.results = build_results(catalog, optional, roster, run.outcomes, run.counted, decision.corrected,
                                        generated_at or now_iso(), decision.earlier, run.issues)
            run.results_path = out_dir / RESULTS_FILE
            write_results(run.results, run.results_path)
            if workbooks:
                run.feedback_paths = _write_feedback(run, out_dir, jobs or 1)
                run.summary_path = _write_summary(run.results, out_dir)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return run


def _open_ledger(ledger_path):
    """The run's ledger as a context manager, or a null context without one."""
    if ledger_path is None:
        return contextlib.nullcontext(None)
    from sceval.ingest.ledger import Ledger

    return Ledger(ledger_path)


def _add_outliers(counted: dict[str, FileOutcome]) -> None:
    measured = {code: o.result.measured for code, o in counted.items() if o.result}
    def where(city: str, sub: str) -> dict:
        sheet, cell = counted[city].result.cells.get(sub, ("", ""))
        return {"file": counted[city].path, "sheet": sheet, "cell": cell, "indicator": sub}

    for code, found in find_outliers(measured, where).items():
        counted[code].issues.extend(found)


def _run_issues(catalog: Catalog, optional: Catalog | None) -> list[Issue]:
    codes = catalog.provisional_codes() + (optional.provisional_codes() if optional else [])
    if not codes:
        return []
    return [issue("SCORE_PROVISIONAL", f"本次计分有 {len(codes)} 个分项使用了暂定（非官方）的权重或计分方法"
                                       f"（如 {'、'.join(codes[:5])}），得分仅供参考")]


def roster_from_outcomes(outcomes: list[FileOutcome]) -> Roster:
    """Without a roster: the cities that were identified, under the most common province."""
    cities = {o.city.code: o.city for o in outcomes if o.city is not None}
    provinces = Counter(o.province for o in outcomes if o.city is not None and o.province[0])
    code, name = provinces.most_common(1)[0][0] if provinces else ("", "")
    return Roster(code, name, tuple(sorted(cities.values(), key=lambda c: c.code)))


def feedback_name(city: City) -> str:
    return f"{city.code}_{city.name}_问题反馈.xlsx"


def _write_feedback(run: IngestRun, out_dir: Path, jobs: int = 1) -> list[Path]:
    """One feedback workbook per city with issues; openpyxl is slow, so workers share the load."""
    jobs_list = [(o.source, o.issues, out_dir / FEEDBACK_DIR / feedback_name(o.city), o.path)
                 for o in _feedback_outcomes(run)]
    if jobs > 1 and len(jobs_list) > 2:
        import multiprocessing

        context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        with context.Pool(jobs) as pool:
            done = pool.map(_feedback_job, jobs_list, chunksize=4)
    else:
        done = [_feedback_job(job) for job in jobs_list]
    run.issues += [found for _path, found in done if found is not None]
    return [path for path, _found in done if path is not None]


def _feedback_job(job) -> tuple[Path | None, Issue | None]:
    from sceval.reports.feedback import write_feedback

    source, issues, target, shown = job
    try:
        return Path(write_feedback(source, issues, target)), None
    except Exception as exc:  # noqa: BLE001 - one feedback failing must not lose the others
        return None, issue("FILE_UNREADABLE", f"无法为 {shown} 生成问题反馈表（{exc}）", file=shown)


def _feedback_outcomes(run: IngestRun) -> list[FileOutcome]:
    """The counted file of each city with issues; else the newest identified rejected file."""
    chosen = {code: o for code, o in run.counted.items() if o.issues}
    for outcome in sorted(run.outcomes, key=lambda o: o.received_at):
        if outcome.status == REJECTED and outcome.city and outcome.city.code not in run.counted and outcome.source:
            chosen[outcome.city.code] = outcome
    return list(chosen.values())


def summary_name(results: dict) -> str:
    day = (results.get("generated_at") or now_iso())[:10].replace("-", "")
    return f"汇总_{results['province']['name'] or '未知省份'}_{day}.xlsx"


def _write_summary(results: dict, out_dir: Path) -> Path:
    from sceval.reports.summary.workbook import write_summary

    target = out_dir / summary_name(results)
    write_summary(results, target)
    return target
