"""The submission ledger: every file ever ingested, recorded once, and which one counts per city.

Cities correct their returns by e-mailing a new file; the province must never lose the older one,
nor count a broken newer one. The ledger is an embedded SQLite database (default
``<out>/ledger.sqlite``, WAL mode) keyed by the file's sha256: the same file twice is recorded
once, and re-running a batch changes nothing. Each record is one transaction, so a run killed
midway leaves whole records only; the next run records the rest.

Which submission counts for a city: the newest *accepted*, not invalidated one, "newest" by the
times that travel with each file (``times``; sceval.ledger.ordering), ties to the later recorded.
A rejected submission (no city identified or no results) never displaces an accepted older one.
A person can invalidate a submission (the previous valid one then counts), or choose the one that
counts (``use``); each ingest records the basis that placed each one (order_basis, order_time).
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from sctemplates.issues import Issue, count_by_severity

from sceval.errors import ScevalError
from sceval.ledger import ordering

LEDGER_FILE = "ledger.sqlite"
STATUSES = ("accepted", "rejected")
COLUMNS = ("sha256", "size", "path", "received_at", "city_code", "status", "errors", "warnings",
           "infos", "results", "issues", "invalidated", "invalidated_why", "invalidated_at",
           "recorded_at", "message") + ("times", "order_basis", "order_time", "used", "used_why", "used_at")
LIGHT_COLUMNS = tuple("NULL" if name in ("results", "issues") else name for name in COLUMNS)
# Added after the first release, to new and old ledgers alike (sceval.ledger.ordering):
ORDER_COLUMNS = {"times": "TEXT",  # JSON basis -> time that travels with the file; null in old records
                 "order_basis": "TEXT NOT NULL DEFAULT ''", "order_time": "TEXT NOT NULL DEFAULT ''",
                 "used": "INTEGER NOT NULL DEFAULT 0",  # a person chose it (sceval ledger use)
                 "used_why": "TEXT NOT NULL DEFAULT ''", "used_at": "TEXT NOT NULL DEFAULT ''"}
SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    path BLOB NOT NULL,            -- os.fsencode: file names need not be UTF-8
    received_at TEXT NOT NULL,     -- ISO 8601, UTC, microseconds: sorts as text
    city_code TEXT,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    errors INTEGER NOT NULL, warnings INTEGER NOT NULL, infos INTEGER NOT NULL,
    results TEXT,                  -- the city result dict as JSON, null when rejected
    issues TEXT NOT NULL,          -- JSON list of issue dicts
    invalidated INTEGER NOT NULL DEFAULT 0,
    invalidated_why TEXT NOT NULL DEFAULT '',
    invalidated_at TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    message TEXT                   -- JSON: the letter a mailed file came in (sceval.mail), else null
);
CREATE INDEX IF NOT EXISTS submissions_city ON submissions (city_code, received_at, seq);
"""


class NoSuchSubmission(LookupError, ScevalError):
    """No submission, or more than one, has the SHA-256 given (`sceval ledger invalidate/use`)."""

    exit_code = 1  # nothing changed; the official retypes the SHA-256


class CannotCount(ValueError, ScevalError):
    """`sceval ledger use` of a submission that cannot count (invalidated, with errors, no city)."""

    exit_code = 1


def default_ledger_path(out_dir) -> Path:
    return Path(out_dir) / LEDGER_FILE


def iso_time(value=None) -> str:
    """ISO 8601 in UTC from a datetime, an ISO string, a POSIX timestamp, or None (now)."""
    if value is None:
        moment = datetime.now(timezone.utc)
    elif isinstance(value, (int, float)):
        moment = datetime.fromtimestamp(value, timezone.utc)
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    else:
        moment = value
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


@dataclass
class Submission:
    sha256: str
    size: int
    path: str
    received_at: str
    city_code: str | None
    status: str  # accepted | rejected
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    results: dict | None = None
    issues: list[dict] = field(default_factory=list)
    invalidated: bool = False
    invalidated_why: str = ""
    invalidated_at: str = ""
    recorded_at: str = ""
    seq: int = 0  # insertion order; breaks ties between equal received_at
    message: dict | None = None  # the letter it came in: from, to, date, subject, message_id, attachment
    times: dict | None = None  # basis -> time (sceval.ledger.ordering); None in records made before it
    order_basis: str = ""  # the basis that decided its place, as of the last ingest
    order_time: str = ""
    used: bool = False  # a person chose it to count (sceval ledger use)
    used_why: str = ""
    used_at: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> "Submission":
        """From a plain dict (e.g. ingest's file outcome); missing counts come from the issues.

        ``status`` accepted|rejected is used as given; otherwise a submission is rejected when it
        names no city or carries no results (it could not be scored at all).
        """
        issues = [item.as_dict() if isinstance(item, Issue) else dict(item)
                  for item in data.get("issues") or []]
        counts = count_by_severity(_IssueView(item) for item in issues)
        city = data.get("city_code", data.get("city"))
        city = city.get("code") if isinstance(city, dict) else city
        results = data.get("results", data.get("result"))
        status = data.get("status")
        if status not in STATUSES:
            status = "accepted" if city and results is not None else "rejected"
        return cls(sha256=data["sha256"], size=int(data.get("size") or 0), path=os.fsdecode(data["path"]),
                   received_at=iso_time(data.get("received_at") or None), city_code=city or None,
                   status=status, errors=data.get("errors", counts["error"]),
                   warnings=data.get("warnings", counts["warning"]),
                   infos=data.get("infos", counts["info"]), results=results, issues=issues,
                   message=data.get("message"), times=data.get("times"))

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def counts_as_valid(self) -> bool:
        return self.status == "accepted" and not self.invalidated and bool(self.city_code)

    @property
    def order(self) -> tuple[str, int]:
        return self.received_at, self.seq

    @property
    def order_times(self) -> dict:
        """Its times for the ordering rule; a record made before them has its received_at only."""
        return self.times if self.times is not None else {"mtime": self.received_at}

    @property
    def file_name(self) -> str:
        from sceval.safety.filenames import safe_filename_display

        return os.path.basename(safe_filename_display(self.path))


@dataclass(frozen=True)
class _IssueView:
    """Just enough of an Issue for count_by_severity over issue dicts."""

    data: dict

    @property
    def severity(self) -> str:
        return self.data.get("severity", "info")


# --- JSON that keeps Decimal exact --------------------------------------------------------

def _to_json(value) -> str:
    # ASCII escapes keep lone surrogates (non-UTF-8 file names) exact; SQLite cannot store them raw
    return json.dumps(_plain(value), ensure_ascii=True, sort_keys=True)


def _plain(value):
    """Decimals become JSON numbers when a float carries them exactly, else strings."""
    if isinstance(value, Decimal):
        return float(value) if Decimal(repr(float(value))) == value else str(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _from_json(text):
    return None if text is None else json.loads(text, parse_float=Decimal)


# --- the ledger -----------------------------------------------------------------------------

class Ledger:
    """One SQLite file; safe to reopen after a crash; usable as a context manager."""

    def __init__(self, path, busy_seconds: float = 10) -> None:
        """``busy_seconds``: how long to wait for another program's lock before "database is
        locked" (sceval.ledger.guard turns that into a message)."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), isolation_level=None, timeout=busy_seconds)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a killed process
            with self._transaction():
                self._create_schema()
        except BaseException:
            self._db.close()  # a damaged or locked file: nothing of it stays open
            raise

    def _create_schema(self) -> None:
        # executescript() would commit on its own; statement by statement stays in our transaction
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self._db.execute(statement)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """A ledger written before a column existed gains it (null for the old records)."""
        present = {row[1] for row in self._db.execute("PRAGMA table_info(submissions)")}
        if "message" not in present:
            self._db.execute("ALTER TABLE submissions ADD COLUMN message TEXT")
        for name, declaration in ORDER_COLUMNS.items():
            if name not in present:
                self._db.execute(f"ALTER TABLE submissions ADD COLUMN {name} {declaration}")

    @contextlib.contextmanager
    def _transaction(self):
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- writing --

    def record(self, sub: "Submission | dict") -> bool:
        """Record one submission; False when its sha256 was already recorded (nothing changes).

        A submission without a sha256 (a file that could not even be read) is not recorded.
        """
        sub = sub if isinstance(sub, Submission) else Submission.from_dict(sub)
        if not sub.sha256:
            return False
        if sub.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {sub.status!r}")
        with self._transaction():
            row = self._row(sub)
            cursor = self._db.execute(
                f"INSERT OR IGNORE INTO submissions ({', '.join(COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(COLUMNS))})", row)
            return cursor.rowcount == 1

    @staticmethod
    def _row(sub: Submission) -> tuple:
        return (sub.sha256, sub.size, os.fsencode(sub.path), iso_time(sub.received_at),
                sub.city_code, sub.status, sub.errors, sub.warnings, sub.infos,
                None if sub.results is None else _to_json(sub.results), _to_json(sub.issues),
                int(sub.invalidated), sub.invalidated_why, sub.invalidated_at,
                sub.recorded_at or iso_time(), None if sub.message is None else _to_json(sub.message),
                None if sub.times is None else _to_json(sub.times), sub.order_basis, sub.order_time,
                int(sub.used), sub.used_why, sub.used_at)

    def invalidate(self, key: str, why: str) -> Submission:
        """Exclude one submission (by sha256 or a unique prefix); already invalidated: unchanged."""
        target = self.find(key)
        if not target.invalidated:
            with self._transaction():
                self._db.execute(
                    "UPDATE submissions SET invalidated = 1, invalidated_why = ?, invalidated_at = ? "
                    "WHERE sha256 = ?", (why, iso_time(), target.sha256))
        return self.find(target.sha256)

    def use(self, key: str, why: str) -> Submission:
        """Make one valid submission count for its city whatever the ordering rule says (the mirror
        of invalidate); the latest such choice per city wins. One invalidated by mistake is
        restored by it (the earlier reason stays in its note). CannotCount for one that cannot count."""
        target = self.find(key)
        if not (target.status == "accepted" and target.city_code):
            raise CannotCount(f"报送“{target.file_name}”（SHA-256 {target.sha256[:12]}）有错误、无法采用（或未识别城市），"
                              "不能指定为计入的报送。")
        if target.invalidated:
            why = f"撤销作废（原作废原因：{target.invalidated_why or '未说明'}）：{why}"
        with self._transaction():
            self._db.execute("UPDATE submissions SET used = 1, used_why = ?, used_at = ?, invalidated = 0 "
                             "WHERE sha256 = ?", (why, iso_time(), target.sha256))
        return self.find(target.sha256)

    def note_order(self) -> None:
        """Record for every submission the basis that decided its place (order_basis, order_time)."""
        placed = order_places(self)
        with self._transaction():
            for sub in self.submissions(light=True):
                basis, time = placed.get(sub.sha256) or ordering.own_basis(sub.order_times)
                if (basis, time) != (sub.order_basis, sub.order_time):
                    self._db.execute("UPDATE submissions SET order_basis = ?, order_time = ? WHERE sha256 = ?",
                                     (basis, time, sub.sha256))

    # -- reading --

    def submissions(self, light: bool = False) -> list[Submission]:
        """Every recorded submission, oldest first (received_at, then insertion order)."""
        return self._select("ORDER BY received_at, seq", light=light)

    def find(self, key: str) -> Submission:
        """The submission whose sha256 is ``key`` or starts with it; NoSuchSubmission otherwise."""
        key = key.strip().lower()
        found = self._select("WHERE substr(sha256, 1, ?) = ? ORDER BY seq", (len(key), key)) if key else []
        if len(found) != 1:
            raise NoSuchSubmission(f"台账中{'没有' if not found else '有多个'} SHA-256 以“{key}”开头的报送"
                              f"{'' if not found else '，请多写几位'}。")
        return found[0]

    def get(self, sha256: str) -> Submission | None:
        found = self._select("WHERE sha256 = ?", (sha256,))
        return found[0] if found else None

    def history(self, city_code: str) -> list[Submission]:
        return self._select("WHERE city_code = ? ORDER BY received_at, seq", (city_code,))

    def counting(self) -> dict[str, Submission]:
        """Per city: the accepted, not invalidated submission a person chose (``use``), else the
        newest by sceval.ledger.ordering (ties: the later recorded)."""
        return {city: self.get(subs[choice.index].sha256) for city, (subs, choice) in self.choices().items()}

    def choices(self) -> dict[str, tuple[list[Submission], "ordering.Choice"]]:
        """Per city: its valid submissions in recording order, and which counts and why."""
        by_city: dict[str, list[Submission]] = defaultdict(list)
        for sub in self._select("ORDER BY seq", light=True):
            if sub.counts_as_valid:
                by_city[sub.city_code].append(sub)
        return {city: (subs, ordering.choose([s.order_times for s in subs],
                                             [s.used_at if s.used else "" for s in subs]))
                for city, subs in by_city.items()}

    def counting_sha256(self) -> dict[str, str]:
        return {city: sub.sha256 for city, sub in self.counting().items()}

    def invalidated(self) -> set[str]:
        """sha256 of every invalidated submission."""
        return {sub.sha256 for sub in self._select("WHERE invalidated = 1")}

    def superseded(self) -> list[Submission]:
        """Accepted, not invalidated submissions that no longer count (a newer valid one does)."""
        counting = {sub.sha256 for sub in self.counting().values()}
        return [sub for sub in self.submissions() if sub.counts_as_valid and sub.sha256 not in counting]

    def _select(self, where: str, params: tuple = (), light: bool = False) -> list[Submission]:
        """``light``: without results and issues (None, []) — deciding what counts needs neither,
        and decoding them is nearly all the cost of reading a large ledger."""
        columns = LIGHT_COLUMNS if light else COLUMNS
        rows = self._db.execute(f"SELECT seq, {', '.join(columns)} FROM submissions {where}", params)
        return [_submission(row) for row in rows]


def _submission(row: tuple) -> Submission:
    values = dict(zip(("seq",) + COLUMNS, row))
    values["path"] = os.fsdecode(bytes(values["path"]))
    values["results"] = _from_json(values["results"])
    values["issues"] = _from_json(values["issues"]) or []
    values["invalidated"] = bool(values["invalidated"])
    values["message"] = _from_json(values["message"])
    values["times"] = _from_json(values["times"])
    values["used"] = bool(values["used"])
    return Submission(**values)


# --- statuses for people: sceval.ledger.notes (re-exported here for callers) ---------------

from sceval.ledger.notes import duplicate_issue, ledger_issues, order_places  # noqa: F401
