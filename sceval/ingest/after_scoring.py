"""What ingest does once every city is scored: the review adjustments in force, the checks
across the batch and the ranks with their intervals (sceval.review.rescore does the scoring)."""
from __future__ import annotations

from pathlib import Path


def after_scoring(run, options, previous: Path | None = None) -> None:
    """What ingest does once every city is scored: apply the review adjustments in force (only
    the cities that have some are scored again) and rank the cities with their intervals.
    ``previous``: the last results.json, whose adjustments are recorded again when the ledger
    had to be rebuilt (LEDGER_REBUILT)."""
    from sceval.review.adjustments import read_in_force, restore_from
    from sceval.review.batch_checks import refresh_batch_checks
    from sceval.review.rescore import add_rank_stability, rescore_results, scored_entries

    if previous is not None and options.ledger_path and any(i.code == "LEDGER_REBUILT" for i in run.issues):
        restore_from(previous, options.ledger_path)
    catalogs = [options.catalog] + ([options.optional] if options.optional else [])
    adjustments = read_in_force(options.ledger_path, catalogs)
    # A city counted in an earlier run comes back from the ledger as it was scored then, before
    # this run's batch rules (the secretariat's points pending without a feed): score it again.
    earlier = {e["code"] for e in scored_entries(run.results)
               if getattr(run.counted.get(e["code"]), "sha256", None) != e.get("sha256")}
    if adjustments or earlier:
        run.results = rescore_results(run.results, options.catalog, options.optional, adjustments,
                                      only_adjusted=True, also=earlier)
        _notes_for_feedback(run)
    else:  # as every rescore does: outliers and copies from the values results.json keeps
        measured = {o.sha256: o.result.measured for o in run.counted.values() if o.result}
        refresh_batch_checks(run.results, options.catalog, options.optional, measured)
    add_rank_stability(run.results, options.catalog, options.draws, options.seed)


def _notes_for_feedback(run) -> None:
    """The ADJUST_APPLIED notes also on the counted file's issues, so its feedback lists them."""
    from sctemplates.issues import Issue

    for entry in run.results.get("cities") or []:
        outcome = run.counted.get(entry.get("code"))
        if outcome is None or outcome.sha256 != entry.get("sha256"):
            continue
        for found in entry.get("issues") or []:
            if found.get("code") in ("ADJUST_APPLIED", "ADJUST_STALE"):
                outcome.issues.append(Issue(file=outcome.path, **found))
