"""Ingest a batch of returns: gather files, process each in a worker, decide what counts, write.

Inputs are files, folders (searched recursively) and .zip archives (members extracted, bounded in
size, into the run's work folder; non-workbooks skipped with ARCHIVE_MEMBER_SKIPPED). Each file is
read once, hashed, identified, parsed, checked and scored by ``one_file.process_file`` in a process
pool (``pool``) — only small outcomes come back, never workbooks. ``counting`` records each outcome
in the ledger once and decides which submission counts per city; outliers are found across counted
cities; results.json (``results``), the feedback and summary workbooks (``outputs``) are written
atomically, results.json last. One run at a time holds an output folder (``run_lock``), with its own
work folder; the ledger is opened through ``ledger_guard`` (locked, read-only, damaged).
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sctemplates.issues import Issue, issue
from sctemplates.model import Catalog
from sctemplates.roster import Roster

from sceval.evaluate.outliers import find_outliers
from sceval.intake.central import unplaced_feed_issues
from sceval.ledger.counting import FirstCopies, OutcomeKeeper, choose_counted
from sceval.intake.gather import Gathered, gather
from sceval.ingest.one_file import FileTask
from sceval.state.outputs import (
    ensure_space, no_space, roster_from_outcomes, space_needed, store_inputs,
)
from sceval.ingest.pool import frozen_heap, run_tasks
from sceval.results.model import FileOutcome, build_results, now_iso
from sceval.ledger.run_lock import WORK_DIR, RunFolder  # noqa: F401 - WORK_DIR for callers

RESULTS_FILE = "results.json"


@dataclass
class IngestOptions:
    """What one run is scored against and how it runs (the CLI's options, for library callers).

    ``timeout``: seconds per file (0: none); ``limits``: sceval.safety.preflight.Limits (size, zip
    ratio, rows) for each file's preflight. ``workbooks=False`` writes results.json only (no
    feedback or summary workbooks), for benchmarks and quick re-scoring. ``feed_issues``: what
    sceval.intake.central.read_central found in the central feed file, kept in results.json.
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
    # city code -> Issues about its cells of the central feed (sceval.intake.central.CentralFeed):
    # on that city's row; an error there keeps the item's points pending.
    central_issues: dict[str, list[Issue]] = field(default_factory=dict)
    # Rank intervals (sceval.evaluate.sensitivity): Monte Carlo draws over the provisional
    # weights (0: ranks only) and the seed that makes a run reproducible.
    draws: int = 1000
    seed: int = 2016
    # The previous round (sceval.previous.load.PreviousRound): cities[].previous, change and the
    # year-on-year warnings (issue 23); None for a first round.
    previous: object = None
    round_name: str = ""  # this round's name, kept in results.json (shown by the next round)
    deadline: str = ""  # the province configuration's (--province); "" = each template's passport

    def worker_context(self) -> dict:
        """What every worker needs, sent to each once (sceval.ingest.pool.SHARED_FIELDS)."""
        return {"catalog": self.catalog, "optional": self.optional, "roster": self.roster,
                "central": self.central or {}, "timeout": self.timeout, "limits": self.limits,
                "central_issues": self.central_issues, "deadline": self.deadline}


@dataclass
class IngestRun:
    outcomes: list[FileOutcome] = field(default_factory=list)
    results: dict = field(default_factory=dict)
    results_path: Path | None = None
    summary_path: Path | None = None
    feedback_paths: list[Path] = field(default_factory=list)
    removed_paths: list[Path] = field(default_factory=list)  # views of an earlier state removed
    issues: list[Issue] = field(default_factory=list)  # run-level (SCORE_PROVISIONAL, …)
    counted: dict[str, FileOutcome] = field(default_factory=dict)


def _tasks(gathered: list[Gathered], context: dict) -> Iterator[FileTask]:
    """One task per gathered file; the worker hashes each file as it reads it (see FirstCopies)."""
    for item in gathered:
        yield FileTask(item.source, item.display, "", _size(item.source), item.received_at, **context,
                       message=item.message, member_date=item.member_date)


def _size(path: str) -> int:
    """0 for a file gone since it was gathered: the worker's preflight then says FILE_NOT_FOUND."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def ingest(inputs, out_dir, options: IngestOptions) -> IngestRun:
    """Ingest every input into ``out_dir``; bad files become Issues, never exceptions.

    One run at a time per ``out_dir`` (sceval.ledger.run_lock); a run that cannot go on — the
    folder busy, the ledger locked or read-only, the disk full — raises RunStopped (its Chinese
    message says what to do) and leaves the previous results as they were.
    """
    out_dir = Path(out_dir)
    run = IngestRun()
    with RunFolder(out_dir) as folder:
        from sceval.state.rebuild import check_views_replaceable

        check_views_replaceable(out_dir)  # a view open in Excel/WPS: stop before the ledger changes
        run.issues += _stale_note(folder.removed)
        with frozen_heap(), _open_ledger(options.ledger_path, out_dir, run.issues) as ledger:
            with _ledger_errors(options.ledger_path):
                _process(run, inputs, folder.work_dir, out_dir, options, ledger)
        _write_outputs(run, out_dir, options)
    return run


def _stale_note(removed: int) -> list[Issue]:
    if not removed:
        return []
    return [issue("RUN_STALE_REMOVED", f"已清理此前中断（被终止）的回收任务留在输出目录中的 {removed} 个临时文件或文件夹")]


def _with_notes(gathered: list[Gathered], then):
    """Passes each outcome on with the notes gather made about its file (a link followed, …)."""
    notes = {item.source: item.notes for item in gathered if item.notes}

    def keep(outcome: FileOutcome) -> FileOutcome:
        outcome.issues += [note for note in notes.get(outcome.source, ()) if note not in outcome.issues]
        return then(outcome)

    return keep


def _process(run: IngestRun, inputs, work_dir: Path, out_dir: Path, options: IngestOptions, ledger) -> None:
    """Gather, process, record and decide: everything up to the results."""
    gathered, early = gather(inputs, work_dir, options.received_at, exclude=out_dir, limits=options.limits,
                             run_notes=run.issues)
    keep = _with_notes(gathered, FirstCopies(OutcomeKeeper(ledger)))
    run.outcomes = [keep(outcome) for outcome in early]
    run.outcomes += run_tasks(_tasks(gathered, options.worker_context()), options.jobs or 1, keep,
                              expected=len(gathered))
    decision = choose_counted(run.outcomes, ledger, options.roster)
    run.counted = decision.counted
    _add_outliers(run.counted, options)
    _add_fraction_hints(run.counted, options)
    _central_pending(run.counted, options)
    run.issues += list(options.feed_issues) + _run_issues(options.catalog, options.optional)
    run.issues += unplaced_feed_issues(options.central_issues, run.counted)
    run.issues += _forgotten_optional(run.outcomes, options.optional) + _forgotten_central(options)
    from sceval.cases.returns import check_returned_cases  # 附件3 cases among the returns: cases.json

    check_returned_cases(inputs, out_dir, options.roster, run.issues, options.limits, options.timeout)
    roster = options.roster or roster_from_outcomes(run.outcomes)
    run.results = build_results(options.catalog, options.optional, roster, run.outcomes, run.counted,
                                decision.corrected, options.generated_at or now_iso(), decision.earlier,
                                run.issues)
    if options.round_name:
        run.results["round_name"] = options.round_name
    if options.previous is not None:  # before the batch checks, which rescoring puts last: verify agrees
        from sceval.previous.compare import compare_with_previous

        compare_with_previous(run, options.previous, options.catalog)
    from sceval.ingest.after_scoring import after_scoring  # adjustments, batch checks, ranks

    after_scoring(run, options, out_dir / RESULTS_FILE)


def _write_outputs(run: IngestRun, out_dir: Path, options: IngestOptions) -> None:
    """Every view of the new state, replaced as one set (sceval.state.rebuild): a full disk stops
    with NoSpace, a locked view with OutputsLocked, and the previous set stays whole."""
    from sceval.state.rebuild import rebuild_views

    ensure_space(out_dir, space_needed(run, options.workbooks))
    try:
        if options.workbooks:  # the returns the feedback workbooks are rebuilt from
            store_inputs(run, out_dir)
        views = rebuild_views(out_dir, run.results, options.ledger_path, options.workbooks, options.jobs or 1)
    except Exception as exc:  # noqa: BLE001 - only a full disk is turned into NoSpace; the rest re-raised
        full = no_space(exc, out_dir)
        if full is None:
            raise
        raise full from exc
    run.issues += views.issues
    run.results_path, run.summary_path, run.feedback_paths = views.results_path, views.summary_path, views.feedback_paths
    run.removed_paths = views.removed


def _open_ledger(ledger_path, out_dir: Path, notes: list[Issue]):
    """The run's ledger (rebuilt from the last results.json if damaged), or a null context."""
    if ledger_path is None:
        return contextlib.nullcontext(None)
    from sceval.ledger.guard import open_ledger

    return open_ledger(Path(ledger_path), out_dir / RESULTS_FILE, notes)


@contextlib.contextmanager
def _ledger_errors(ledger_path):
    """A ledger error mid-run (locked for long by another program, disk full) as LedgerProblem."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        from sceval.ledger.guard import LedgerProblem, ledger_problem

        raise ledger_problem(exc, Path(ledger_path)) or LedgerProblem(
            "LEDGER_REBUILT", f"报送台账 {ledger_path} 在回收过程中出错（{exc}），本次结果未写入；"
                              "请重新运行（损坏的台账会被移开并重建）") from exc


def _add_outliers(counted: dict[str, FileOutcome], options: IngestOptions) -> None:
    measured = {code: o.result.measured for code, o in counted.items() if o.result}
    names = {sub.code: sub.name for c in (options.catalog, options.optional) if c for sub in c.sub_items()}
    def where(city: str, sub: str) -> dict:
        sheet, cell = counted[city].result.cells.get(sub, ("", ""))
        return {"file": counted[city].path, "sheet": sheet, "cell": cell, "indicator": sub}

    for code, found in find_outliers(measured, where, names).items():
        counted[code].issues.extend(found)


def _add_fraction_hints(counted: dict[str, FileOutcome], options: IngestOptions) -> None:
    """VAL_PERCENT_AS_FRACTION for a %-unit value without a target that reads ×100 like the batch's."""
    from sceval.evaluate.intent import batch_fraction_warnings

    catalogs = [options.catalog] + ([options.optional] if options.optional else [])
    returns = {code: o.result.inputs for code, o in counted.items() if o.result}

    def where(city: str, sub, item) -> dict:
        sheet, cell = counted[city].result.cells.get(sub.code, ("", "")) if item is sub.inputs[0] else ("", "")
        return {"file": counted[city].path, "sheet": sheet, "cell": cell}

    for code, found in batch_fraction_warnings(catalogs, returns, where).items():
        counted[code].issues.extend(found)


def _forgotten_optional(outcomes: list[FileOutcome], optional: Catalog | None) -> list[Issue]:
    """One run-level error when returns carry optional indicators the run was not given."""
    pending = sum(1 for o in outcomes if any(i.code == "OPTIONAL_PENDING" for i in o.issues))
    if optional is not None or not pending:
        return []
    return [issue("RUN_OPTIONAL_MISSING", f"{pending} 份报送的模板含本省自选指标，但本次回收未提供自选指标定义文件，"
                                          "自选指标未计分；请用 --optional 指定生成模板时使用的自选指标定义文件后重新回收")]


def _central_pending(counted: dict[str, FileOutcome], options: IngestOptions) -> None:
    """Without a central feed the secretariat's points are pending (待补分值), not the city's loss."""
    if options.central is not None:
        return
    from sceval.evaluate.scoring import central_points

    pending = central_points(options.catalog)
    for outcome in counted.values():
        if outcome.result:
            outcome.result.points_at_stake += pending
        # said once for the run (RUN_CENTRAL_MISSING), not as a warning on every city's row
        outcome.issues = [i for i in outcome.issues if i.code != "CENTRAL_MISSING"]


def _forgotten_central(options: IngestOptions) -> list[Issue]:
    central = [item.label for _, _, item in options.catalog.inputs() if not item.city_fills]
    if options.central is not None or not central:
        return []
    return [issue("RUN_CENTRAL_MISSING", f"指标目录有 {len(central)} 项由秘书处统一提供的数据（如 {central[0]}），"
                                         "但本次回收未提供秘书处统一数据文件（--central），相应分值列为待补分值；"
                                         "收到后请用 --central 重新回收")]


def _run_issues(catalog: Catalog, optional: Catalog | None) -> list[Issue]:
    codes = catalog.provisional_codes() + (optional.provisional_codes() if optional else [])
    if not codes:
        return []
    return [issue("SCORE_PROVISIONAL", f"本次计分有 {len(codes)} 个分项使用了暂定（非官方）的权重或计分方法"
                                       f"（如 {'、'.join(codes[:5])}），得分仅供参考")]


