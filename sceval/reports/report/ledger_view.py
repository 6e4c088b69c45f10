"""What the round's ledger (ledger.sqlite beside results.json) saw over every ingest run.

results.json lists the files of its own run; the ledger keeps every submission of the round.
The ledger is read through sceval.ledger.ledger on a private copy: opening a ledger may bring
its schema up to date, and the report never alters an input.
"""
from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sceval.ledger.ordering import BLANK

LEDGER_FILE = "ledger.sqlite"


@dataclass(frozen=True)
class LedgerView:
    submissions: int
    statuses: Counter  # counted | blank | superseded | rejected | invalidated -> submissions
    first: str  # received_at of the earliest and latest submission (ISO, UTC)
    last: str


def read_ledger(results_path: Path) -> LedgerView | None:
    """The ledger beside ``results_path``, or None when there is none or it cannot be read."""
    source = Path(results_path).with_name(LEDGER_FILE)
    if not source.is_file():
        return None
    with tempfile.TemporaryDirectory(prefix="sceval-report-ledger-") as folder:
        copy = Path(folder) / LEDGER_FILE
        for suffix in ("", "-wal", "-shm"):  # a WAL ledger's latest pages may still be in -wal
            if Path(f"{source}{suffix}").is_file():
                shutil.copyfile(f"{source}{suffix}", f"{copy}{suffix}")
        try:
            return _view(copy)
        except (sqlite3.Error, OSError):
            return None  # a damaged ledger: the report falls back to results.json alone


def _view(path: Path) -> LedgerView | None:
    from sceval.ledger.ledger import Ledger

    with Ledger(path) as ledger:
        subs = ledger.submissions(light=True)
        counting = set(ledger.counting_sha256().values())
    if not subs:
        return None
    statuses = Counter(_status(s, counting) for s in subs)
    return LedgerView(len(subs), statuses, subs[0].received_at, subs[-1].received_at)


def _status(sub, counting: set[str]) -> str:
    if sub.invalidated:
        return "invalidated"
    if sub.status == "rejected":
        return "rejected"
    if sub.sha256 not in counting:
        return "superseded"
    # the city's return is a blank template (the mark that orders it, sceval.ledger.ordering): not scored
    return "blank" if sub.order_times.get(BLANK) else "counted"
