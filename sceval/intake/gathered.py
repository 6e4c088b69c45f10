"""What gather hands on: a file to process (``Gathered``), or a row for what cannot be (``rejected``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sctemplates.issues import Issue, issue

from sceval.results.model import REJECTED, FileOutcome


@dataclass(frozen=True)
class Gathered:
    source: str  # on disk
    display: str
    received_at: str
    # The letter a mailed file came in (sceval.mail): from, to, date (ISO UTC: the e-mail Date,
    # for the ordering rule), subject, message_id, attachment; None for a file from a folder/zip.
    message: dict | None = None
    # An archive member's own date as stored in the zip (local time, no zone: ISO without offset),
    # for the ordering rule (sceval.ledger.ordering); "" for a file that is not an archive member.
    member_date: str = ""
    # Issues about how the file was found (a symbolic link followed, an odd file name), added to
    # its outcome once processed.
    notes: tuple[Issue, ...] = ()


def display_name(path) -> str:
    """A printable path: e-mailed attachments may have GBK bytes in their names (lone surrogates
    after os.fsdecode), which results.json and messages must never carry."""
    from sceval.safety.filenames import safe_filename_display

    return safe_filename_display(path)


def file_received_at(path: Path) -> str:
    """The file's mtime as ISO UTC; "" when it cannot be a date (past year 9999, before year 1):
    the worker then notes ORDER_TIME_IGNORED instead of the batch crashing."""
    try:
        stamp = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return ""
    return stamp.replace(microsecond=0).isoformat()


def rejected(display: str, code: str, message: str, received_at: str = "") -> FileOutcome:
    """A row for a file found but not processed: its one Issue says why."""
    outcome = FileOutcome(path=display, received_at=received_at, status=REJECTED)
    outcome.issues.append(issue(code, message, file=display))
    return outcome
