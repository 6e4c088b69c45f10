"""One run at a time per output folder, and each run's own work folder.

Two ``sceval ingest`` runs writing one ``--out`` would share its ledger, its work folder and its
outputs: the second run to finish deleted the first one's extracted archive members, so cities
went ``missing``. A run therefore holds an advisory lock (``fcntl.flock``, released by the kernel
when the process dies, even by SIGKILL) on ``<out>/.sceval.lock`` for its whole life, and extracts
into ``<out>/.work/<run id>``. What a killed run left behind (its work folder, atomic writers'
``.tmp-*`` files) is removed by the next run — only while it holds the lock, so a live run's files
are never touched. Every run also writes ``<out>/.sceval-output``, the mark by which gather
recognises a sceval output folder found among the inputs.
"""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sctemplates.atomic import TEMP_PREFIX

from sceval.errors import ScevalError

try:
    import fcntl
except ImportError:  # Windows: msvcrt's byte-range lock, also released when the process dies
    fcntl = None
    import msvcrt

LOCK_FILE = ".sceval.lock"
OUTPUT_MARK = ".sceval-output"
WORK_DIR = ".work"
# Temporary files of sctemplates.atomic: today's prefix, and mkstemp's 8 random characters after
# the bare ".tmp-" that earlier versions wrote.
STALE_TEMP = re.compile(rf"^(?:{re.escape(TEMP_PREFIX)}.+|\.tmp-[a-z0-9_]{{8}}\.(?:xlsx|json|csv|txt|docx|html)"
                        r"|\.sceval-write-test)$")  # the last: the CLI's probe that --out is writable
TEMP_FOLDERS = ("", "反馈")  # where outputs are written, relative to --out


class RunStopped(RuntimeError, ScevalError):
    """The run cannot go on (exit 2): its output folder, ledger or disk; the message says why
    and what to do, in Chinese. Nothing of the previous results is changed."""

    code = "RUN_STOPPED"


# A full disk (or a file size limit): the run stops whichever floor finds it (intake unpacking, state writing views).
NO_SPACE_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


class NoSpace(RunStopped):
    """The output disk is full (or a file size limit was hit)."""

    code = "OUT_NO_SPACE"


class RunBusy(RunStopped):
    """Another run holds the output folder."""

    code = "RUN_OUT_BUSY"

    def __init__(self, out_dir: Path, holder: str):
        self.out_dir, self.holder = out_dir, holder
        super().__init__(f"另一个回收任务正在使用该输出目录（{out_dir}{holder}），请等待其完成后再运行。")


@dataclass
class RunFolder:
    """The lock on ``out_dir`` and this run's work folder; a context manager."""

    out_dir: Path
    run_id: str = ""
    work_dir: Path | None = None
    removed: int = 0  # stale folders and temp files removed on entry (a killed run's leftovers)
    _lock = None

    def __enter__(self) -> "RunFolder":
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._lock = _acquire(self.out_dir)
        try:
            self.run_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
            _write_holder(self._lock, self.run_id)
            _mark_output(self.out_dir)
            self.removed = remove_stale(self.out_dir)
            self.work_dir = self.out_dir / WORK_DIR / self.run_id
            self.work_dir.mkdir(parents=True)
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.work_dir is not None:
                shutil.rmtree(self.work_dir, ignore_errors=True)
                _remove_if_empty(self.out_dir / WORK_DIR)
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the descriptor releases the flock
            self._lock = None


def _acquire(out_dir: Path):
    stream = open(out_dir / LOCK_FILE, "a+", encoding="utf-8")
    try:
        _lock(stream)
    except (BlockingIOError, PermissionError):
        holder = _holder(stream)
        stream.close()
        raise RunBusy(out_dir, f"，任务 {holder}" if holder else "") from None
    except BaseException:
        stream.close()
        raise
    return stream


def _lock(stream) -> None:
    """Take the lock without waiting; BlockingIOError (PermissionError on Windows) when held."""
    if fcntl is not None:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:
        stream.seek(0)
        msvcrt.locking(stream.fileno(), msvcrt.LK_NBLCK, 1)


def _holder(stream) -> str:
    """The run id the holder wrote into the lock file (shown so people can find the process)."""
    try:
        stream.seek(0)
        return stream.read(200).strip()
    except OSError:  # Windows: the locked byte cannot be read by another process
        return ""


def _write_holder(stream, run_id: str) -> None:
    stream.seek(0)
    stream.truncate()
    stream.write(run_id)
    stream.flush()


def _mark_output(out_dir: Path) -> None:
    mark = out_dir / OUTPUT_MARK
    if not mark.exists():
        mark.write_text(json.dumps({"tool": "sceval", "kind": "ingest-output"}) + "\n", encoding="utf-8")


def remove_stale(out_dir: Path) -> int:
    """Remove killed runs' work folders and temporary files; call only while holding the lock."""
    removed = 0
    work = out_dir / WORK_DIR
    if work.is_dir():
        for leftover in work.iterdir():
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            removed += 1
    for folder in TEMP_FOLDERS:
        removed += _remove_temp_files(out_dir / folder)
    return removed


def _remove_temp_files(folder: Path) -> int:
    if not folder.is_dir():
        return 0
    stale = [path for path in folder.iterdir() if STALE_TEMP.match(path.name) and path.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # another leftover, or not there: the next run cleans it
