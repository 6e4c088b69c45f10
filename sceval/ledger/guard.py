"""Opening the ledger safely: a clear message within seconds instead of a traceback after 30.

A ledger held by another program (a database browser, a copy still syncing) is waited for at
most BUSY_SECONDS; one on a read-only file system, or on a full disk, stops the run (exit 2)
saying what to do. A damaged ledger (garbage, half-truncated, "malformed") is never silently
replaced: it is moved aside as ``ledger.sqlite.damaged-<time>`` (with its -wal/-shm files) and a
new one is rebuilt from the stored records there are — the previous run's results.json, whose
files and cities say which submission counted for each city, with its scores — and a run-level
LEDGER_REBUILT issue says what could be recovered and what could not.
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

from sctemplates.issues import Issue, issue

from sceval.ledger.ledger import Ledger, Submission
from sceval.ledger.run_lock import RunStopped

BUSY_SECONDS = 10
# sqlite3 primary result codes (sqlite_errorcode & 0xff)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 5, 6, 8, 10, 11
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 13, 14, 26
ACCEPTED_IN_RESULTS = ("counted", "blank", "superseded", "invalidated")
STANDS_FOR_CITY = ("counted", "blank")  # files[] statuses of the return a city's entry is made from


class LedgerProblem(RunStopped):
    """The run cannot use its ledger; the message (Chinese) says why and what to do."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


def open_ledger(path: Path, results_path: Path | None = None, notes: list[Issue] | None = None) -> Ledger:
    """The ledger at ``path``, opened or rebuilt; LedgerProblem when it cannot be used."""
    path = Path(path)
    try:
        return _checked(path)
    except (sqlite3.DatabaseError, OSError) as exc:
        problem = ledger_problem(exc, path)
        if problem is not None:
            raise problem from exc
    moved = _move_aside(path)
    ledger = _checked(path)
    found = rebuild(ledger, results_path)
    if notes is not None:
        notes.append(_rebuilt_note(path, moved, results_path, found))
    return ledger


def _checked(path: Path) -> Ledger:
    ledger = Ledger(path, busy_seconds=BUSY_SECONDS)
    try:
        verdict = ledger._db.execute("PRAGMA quick_check(1)").fetchone()[0]
        ledger._db.execute("SELECT count(*) FROM submissions").fetchone()
    except BaseException:
        ledger.close()
        raise
    if verdict != "ok":
        ledger.close()
        raise sqlite3.DatabaseError(f"database disk image is malformed ({verdict})")
    return ledger


def ledger_problem(exc: BaseException, path: Path) -> LedgerProblem | None:
    """The problem to report for an error from the ledger; None when the ledger is damaged."""
    shown = str(path)
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    text = str(exc).lower()
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        return _os_problem(exc, shown)
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text:
        return LedgerProblem("LEDGER_BUSY", f"报送台账 {shown} 被另一个程序占用，等待 {BUSY_SECONDS} 秒后仍未释放。"
                                            "请关闭正在使用它的程序（如数据库查看工具、同步盘）后重新运行")
    if code == SQLITE_FULL or "disk is full" in text:
        return LedgerProblem("OUT_NO_SPACE", f"报送台账 {shown} 所在磁盘空间已满，无法写入。请清理磁盘空间后重新运行；"
                                             "已有的结果未被改动")
    if code in (SQLITE_READONLY, SQLITE_CANTOPEN) or "readonly" in text or "unable to open" in text:
        return LedgerProblem("LEDGER_READONLY", f"报送台账 {shown} 无法写入（所在位置只读或不可访问：{exc}）。"
                                                "请用 --ledger 指定一个可写位置的台账文件后重新运行")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or isinstance(exc, sqlite3.DatabaseError):
        return None  # damaged: moved aside and rebuilt
    return LedgerProblem("LEDGER_READONLY", f"报送台账 {shown} 无法使用（{exc}）")


def _os_problem(exc: OSError, shown: str) -> LedgerProblem:
    import errno

    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return LedgerProblem("OUT_NO_SPACE", f"报送台账 {shown} 所在磁盘空间已满（{exc.strerror}）。请清理后重新运行")
    return LedgerProblem("LEDGER_READONLY", f"报送台账 {shown} 无法创建或写入（{exc.strerror or exc}）。"
                                            "请用 --ledger 指定一个可写位置的台账文件后重新运行")


def _move_aside(path: Path) -> Path:
    """The damaged ledger (and its WAL files) renamed beside itself; never deleted."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    moved = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while moved.exists():
        moved, number = path.with_name(f"{path.name}.damaged-{stamp}-{number}"), number + 1
    os.replace(path, moved)
    for extra in ("-wal", "-shm"):
        companion = path.with_name(path.name + extra)
        if companion.exists():
            os.replace(companion, moved.with_name(moved.name + extra))
    return moved


def rebuild(ledger: Ledger, results_path: Path | None) -> dict:
    """Record what the previous results.json says; {"files", "cities", "generated_at"} recovered."""
    found = {"files": 0, "cities": 0, "generated_at": ""}
    results = _previous_results(results_path)
    if results is None:
        return found
    found["generated_at"] = str(results.get("generated_at") or "")
    counted = {c.get("sha256"): c for c in results.get("cities") or [] if isinstance(c, dict) and c.get("sha256")}
    for entry in results.get("files") or []:
        sub = _submission(entry, counted)
        if sub is not None and ledger.record(sub):
            found["files"] += 1
            found["cities"] += sub.results is not None
    return found


def _previous_results(results_path: Path | None) -> dict | None:
    if results_path is None or not Path(results_path).is_file():
        return None
    try:
        data = json.loads(Path(results_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _submission(entry, counted: dict) -> Submission | None:
    """A results.json file entry as the ledger records it; None for what the ledger never kept."""
    if not isinstance(entry, dict) or not entry.get("sha256") or entry.get("status") == "duplicate":
        return None
    accepted = entry.get("status") in ACCEPTED_IN_RESULTS and bool(entry.get("city"))
    city_entry = counted.get(entry["sha256"]) if entry.get("status") in STANDS_FOR_CITY else None
    try:
        sub = Submission.from_dict({"sha256": entry["sha256"], "size": entry.get("size") or 0,
                                    "path": str(entry.get("path") or ""), "received_at": entry.get("received_at"),
                                    "city": entry.get("city"), "issues": entry.get("issues") or [],
                                    "status": "accepted" if accepted else "rejected", "results": city_entry,
                                    "message": entry.get("message")})
    except (KeyError, TypeError, ValueError):
        return None
    sub.invalidated = entry.get("status") == "invalidated"
    return sub


def _rebuilt_note(path: Path, moved: Path, results_path: Path | None, found: dict) -> Issue:
    head = f"报送台账 {path} 已损坏，已原样移至 {moved.name}（未删除），并新建了台账。"
    if not found["files"]:
        tail = ("未找到可用的上次结果（results.json），以往各次的报送记录无法恢复：本次只记录本次回收的文件，"
                "以往报送如仍需计入，请连同本次文件一起重新回收")
    else:
        tail = (f"已根据上次结果 {results_path}（生成于 {found['generated_at'] or '未知时间'}）恢复 {found['files']} 份报送"
                f"记录，其中 {found['cities']} 个城市的计入报送连同得分；未出现在上次结果中的更早报送记录、被替代报送的得分"
                "无法恢复")
    return issue("LEDGER_REBUILT", head + tail, file=str(path))
