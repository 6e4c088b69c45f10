"""Atomic output: write to a temporary file beside the target, then rename over it.

A crash or a kill mid-write leaves either the old file or no file, never half a workbook.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

# Recognised by the next run, which removes what a killed run left (sceval.ledger.run_lock).
TEMP_PREFIX = ".tmp-sceval-"


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it onto ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text_atomic(target: str | Path, text: str) -> None:
    """``text`` byte for byte: newline="" so Windows does not turn a CSV's "\r\n" into "\r\r\n"."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
