"""sceval adjust on a results folder: under the folder's run lock, every view checked replaceable,
the adjustments recorded in the ledger (sceval.review.adjustments), then the folder rescored in
place and every view rewritten as one set (sceval.state.rescoring)."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from sceval.review.adjustments import Adjustment, AdjustmentBook, AdjustmentProblem, Request, resolve_request


@dataclass
class Recorded:
    adjustments: list[Adjustment]
    totals: list[tuple[str, object, object]]  # (city name, old total, new total)
    run: object = None  # sceval.state.rescoring.RescoreRun


def _rescore_in_place(results_dir: Path, before: dict, ledger: Path):
    """The folder scored again with every adjustment in force, ranked as its last run was; the
    caller holds the folder's run lock (sceval.state.rebuild writes every view as one set)."""
    from sceval.state.rescoring import rescore_folder

    block = before.get("sensitivity") or {}
    return rescore_folder(results_dir, results_dir, draws=block.get("draws", 1000), seed=block.get("seed", 2016),
                          ledger=ledger, held=True)


@contextlib.contextmanager
def _changing(results_dir: Path, ledger: Path):
    """The run lock first, then every view checked replaceable, then a ledger change that an
    earlier adjust killed before its views were written is carried into them: only then may
    this adjust write to the ledger (two adjusts at once: the second stops, nothing recorded)."""
    from sceval.ledger.run_lock import RunFolder
    from sceval.state.manifest import stale_reasons
    from sceval.state.rebuild import check_views_replaceable

    with RunFolder(results_dir):
        check_views_replaceable(results_dir)
        if ledger.is_file() and any("审核调整" in reason for reason in stale_reasons(results_dir, ledger)):
            from sceval.review.rescore import read_results

            _rescore_in_place(results_dir, read_results(results_dir), ledger)
        yield


def _ledger(results_dir: Path, ledger) -> Path:
    from sceval.ledger.ledger import default_ledger_path

    return Path(ledger) if ledger else default_ledger_path(results_dir)


def _totals(run, codes: list[str]) -> list[tuple[str, object, object]]:
    old = {c["code"]: c for c in run.before.get("cities") or []}
    new = {c["code"]: c for c in run.results.get("cities") or []}
    return [(new[code].get("name", code), old[code].get("total"), new[code].get("total"))
            for code in dict.fromkeys(codes)]


def record_adjustments(results_dir, requests: list[Request], ledger=None) -> Recorded:
    """Check every request first (none is recorded when one is wrong), record them in the
    folder's ledger (or ``ledger``), then rescore the folder in place."""
    from sceval.results.model import optional_of, scored_with
    from sceval.review.rescore import read_results

    results_dir = Path(results_dir)
    results = read_results(results_dir)
    optional = optional_of(results)
    catalogs = [scored_with(results)] + ([optional] if optional else [])
    resolved = [(resolve_request(results, catalogs, r), r) for r in requests]
    with _changing(results_dir, _ledger(results_dir, ledger)):
        with AdjustmentBook(_ledger(results_dir, ledger)) as book:
            made = [book.record(city, name, value, r.why.strip(), r.by, sha) for (city, name, value, sha), r in resolved]
        run = _rescore_in_place(results_dir, results, _ledger(results_dir, ledger))
    return Recorded(made, _totals(run, [a.city for a in made]), run)


def undo_adjustment(results_dir, number: int, why: str = "", by: str = "", ledger=None) -> Recorded:
    from sceval.review.rescore import read_results

    results_dir = Path(results_dir)
    results = read_results(results_dir)
    ledger = _ledger(results_dir, ledger)
    if not ledger.is_file():
        raise AdjustmentProblem(f"{results_dir} 中没有报送台账（ledger.sqlite），没有可撤销的调整")
    with _changing(results_dir, ledger):
        with AdjustmentBook(ledger) as book:
            made = book.undo(number, why, by)
        run = _rescore_in_place(results_dir, results, ledger)
    return Recorded([made], _totals(run, [made.city]), run)
