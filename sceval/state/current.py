"""Before a command uses a folder's views (mail feedback, report): make sure they show its state.

A folder whose views are stale for a reason the state itself can repair (an adjustment recorded
by a run killed before its views were written, a view edited or deleted by hand, a results.json
edited by hand) is rebuilt in place first; one whose ledger's submissions changed since
(``ledger invalidate``/``use`` without ``--rerun``) needs the returns read again, so the command
refuses with what to do. A folder from before views had a manifest is used as it is.
"""
from __future__ import annotations

from pathlib import Path

from sceval.ledger.run_lock import RunStopped
from sceval.state.manifest import read_manifest, stale_reasons


class StaleOutputs(RunStopped):
    code = "OUT_STALE"


def ensure_current(out_dir, ledger=None) -> list[str]:
    """The reasons the views were rebuilt ([] when they were current); StaleOutputs (exit 2)
    when only a new ingest can bring them up to date."""
    from sceval.ledger.ledger import default_ledger_path

    out_dir = Path(out_dir)
    ledger = Path(ledger) if ledger else default_ledger_path(out_dir)
    if read_manifest(out_dir) is None:
        return []
    reasons = stale_reasons(out_dir, ledger)
    if any("报送记录" in reason for reason in reasons):
        raise StaleOutputs(f"{out_dir} 中的输出文件已过期：{'；'.join(reasons)}。本次未使用这些文件。")
    if reasons:
        _rebuild(out_dir, ledger)
    return reasons


def _rebuild(out_dir: Path, ledger: Path) -> None:
    from sceval.review.rescore import read_results
    from sceval.state.rescoring import rescore_folder
    from sceval.ledger.run_lock import RunFolder

    with RunFolder(out_dir):
        block = read_results(out_dir).get("sensitivity") or {}
        rescore_folder(out_dir, out_dir, draws=block.get("draws", 1000), seed=block.get("seed", 2016),
                       ledger=ledger if ledger.is_file() else None, held=True)
