"""Ingest a batch of returns: gather files, process each in a worker, decide what counts, write.

Inputs are files, folders (searched recursively) and .zip archives (members extracted, bounded in
size, into the run's work folder; non-workbooks skipped with ARCHIVE_MEMBER_SKIPPED). Each file is
read once, hashed, identified, parsed, checked and scored by ``one_file.process_file`` in a process
pool (``pool``) — only small outcomes come back, never workbooks. ``counting`` records each outcome
in the ledger once and decides which submission counts per city; outliers are found across counted
cities; results.json (``results``), the feedback and summary workbooks (``outputs``) are written
atomically.
"""
from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sctemplates.issues import Issue, issue
from sctemplates.model import Catalog
from sctemplates.roster import Roster

from sceval.evaluate.outliers import find_outliers
from sceval.ingest.counting import FirstCopies, OutcomeKeeper, choose_counted
from sceval.ingest.gather import Gathered, gather
from sceval.ingest.one_file import FileTask
from sceval.ingest.outputs import roster_from_outcomes, write_feedback_all, write_summary_beside
from sceval.ingest.pool import frozen_heap, run_tasks
from sceval.ingest.results import FileOutcome, build_results, now_iso, write_results

WORK_DIR = ".work"
RESULTS_FILE = "results.json"


@dataclass
class IngestOptions:
    """What one run is scored against and how it runs (the CLI's options, for library callers).

    ``timeout``: seconds per file (0: none); ``limits``: sceval.safety.preflight.Limits (size, zip
    ratio, rows) for each file's preflight. ``workbooks=False`` writes results.json only (no
    feedback or summary workbooks), for benchmarks and quick re-scoring. ``feed_issues``: what
    sceval.ingest.central.read_central found in the central feed file, kept in results.json.
    """

    catalog: Catalog
    central: dict | None = None
    optional: Catalog | None = None
    roster: Roster | None = None
    jobs: int | None = os.cpu_count()
    ledger_path: Path | None = None
    received_at: str | None = None
    timeout: int = 120
    generated_at: str | None = None
    workbooks: bool = True
    limits: object = None
    feed_issues: list[Issue] = field(default_factory=list)

    def worker_context(self) -> dict:
        """What every worker needs, sent to each once (sceval.ingest.pool.SHARED_FIELDS)."""
        return {"catalog": self.catalog, "optional": self.optional, "roster": self.roster,
                "central": self.central or {}, "timeout": self.timeout, "limits": self.limits}


@dataclass
class IngestRun:
    outcomes: list[FileOutcome] = field(default_factory=list)
    results: dict = field(default_factory=dict)
    results_path: Path | None = None
    summary_path: Path | None = None
    feedback_paths: list[Path] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # run-level (SCORE_PROVISIONAL, …)
    counted: dict[str, FileOutcome] = field(default_factory=dict)


def _tasks(gathered: list[Gathered], context: dict) -> Iterator[FileTask]:
    """One task per gathered file; the worker hashes each file as it reads it (see FirstCopies)."""
    for item in gathered:
        yield FileTask(item.source, item.display, "", os.path.getsize(item.source), item.received_at, **context,
                       message=item.message)


def ingest(inputs, out_dir, options: IngestOptions) -> IngestRun:
    """Ingest every input into ``out_dir``; bad files become Issues, never exceptions."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work_dir = out_dir / WORK_DIR
    run = IngestRun()
    try:
        with frozen_heap(), _open_ledger(options.ledger_path) as ledger:
            _process(run, inputs, work_dir, out_dir, options, ledger)
        _write_outputs(run, out_dir, options)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return run


def _process(run: IngestRun, inputs, work_dir: Path, out_dir: Path, options: IngestOptions, ledger) -> None:
    """Gather, process, record and decide: everything up to the results."""
    gathered, early = gather(inputs, work_dir, options.received_at, exclude=out_dir)
    keep = FirstCopies(OutcomeKeeper(ledger))
    run.outcomes = [keep(outcome) for outcome in early]
    run.outcomes += run_tasks(_tasks(gathered, options.worker_context()), options.jobs or 1, keep,
                              expected=len(gathered))
    decision = choose_counted(run.outcomes, ledger, options.roster)
    run.counted = decision.counted
    _add_outliers(run.counted)
    run.issues += list(options.feed_issues) + _run_issues(options.catalog, options.optional)
    roster = options.roster or roster_from_outcomes(run.outcomes)
    run.results = build_results(options.catalog, options.optional, roster, run.outcomes, run.counted,
                                decision.corrected, options.generated_at or now_iso(), decision.earlier,
                                run.issues)


def _write_outputs(run: IngestRun, out_dir: Path, options: IngestOptions) -> None:
    run.results_path = out_dir / RESULTS_FILE
    write_results(run.results, run.results_path)
    if options.workbooks:
        run.feedback_paths = write_feedback_all(run, out_dir, options.jobs or 1)
        run.summary_path = write_summary_beside(run.results, out_dir)


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


