"""A results folder rescored into another (sceval rescore) or in place (sceval adjust, a stale
folder brought up to date): the rescoring itself is review's (sceval.review.rescore); writing
every view of the new state as one set is this floor's (sceval.state.rebuild)."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from sceval.results.model import optional_of, scored_with
from sceval.review.rescore import (
    add_rank_stability, adjustments_for, catalog_changed_note, check_revision, read_results, rescore_results,
)


@dataclass
class RescoreRun:
    before: dict
    results: dict
    revision: str  # same | rules
    results_path: Path | None = None
    summary_path: Path | None = None
    changes_path: Path | None = None
    views: object = None  # sceval.state.rebuild.Views: every file written and removed


def rescore_folder(results_dir, out_dir, revised=None, draws: int = 1000, seed: int = 2016,
                   workbooks: bool = True, ledger=None, held: bool = False) -> RescoreRun:
    """Rescore ``results_dir``'s counted returns into ``out_dir`` (may be the same folder):
    results.json, the summary and the 变动对比 workbook, each written atomically, results.json
    last. ``revised``: a catalog file or a loaded Catalog (`sceval rescore` loads its --catalog
    as every command does); None keeps the one scored with. RescoreRefused when its input
    contract differs (nothing written)."""
    from sctemplates.catalog import load_catalog

    from sceval.results.model import now_iso

    results_dir, out_dir = Path(results_dir), Path(out_dir)
    before = read_results(results_dir)
    old = scored_with(before)
    catalog = load_catalog(revised) if isinstance(revised, (str, Path)) else (revised or old)
    revision = check_revision(catalog, old)
    optional = optional_of(before)
    adjustments = adjustments_for(results_dir, before, [catalog] + ([optional] if optional else []), ledger)
    after = rescore_results(before, catalog, optional, adjustments)
    after["generated_at"] = now_iso()
    after["run_issues"] = list(before.get("run_issues") or []) + catalog_changed_note(revision, catalog)
    add_rank_stability(after, catalog, draws, seed)
    run = RescoreRun(before, after, revision)
    _write_rescored(run, results_dir, out_dir, workbooks, ledger, held)
    return run


def _write_rescored(run: RescoreRun, results_dir: Path, out_dir: Path, workbooks: bool, ledger=None,
                    held: bool = False) -> None:
    """Every view of the rescored state, with the 变动对比 workbook, as one set (sceval.state);
    ``held``: the caller holds the folder's run lock already (sceval adjust)."""
    from sceval.ledger.ledger import default_ledger_path
    from sceval.ledger.run_lock import RunFolder
    from sceval.reports.summary.changes import changes_name, write_changes
    from sceval.state.rebuild import rebuild_views

    extra = {changes_name(run.results): lambda path: write_changes(run.before, run.results, path)} if workbooks else {}
    ledger = Path(ledger) if ledger else default_ledger_path(results_dir)
    with contextlib.nullcontext() if held else RunFolder(out_dir):
        views = rebuild_views(out_dir, run.results, ledger if results_dir.resolve() == out_dir.resolve() else None,
                              workbooks, extra=extra, inputs_from=results_dir)
    run.results_path, run.summary_path = views.results_path, views.summary_path
    run.changes_path = views.extra_paths[0] if views.extra_paths else None
    run.views = views
