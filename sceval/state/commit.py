"""Replacing a set of outputs as one: check every target first, then rename, rolling back on failure.

An output open in Excel or WPS on Windows cannot be replaced (``os.replace`` is refused), and
neither can an immutable or read-only one. Finding that out halfway would leave half the views
new and half old, so every target is probed before anything is written, and a rename that still
fails midway puts every file already replaced back as it was.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from sceval.ledger.run_lock import RunStopped


class OutputsLocked(RunStopped):
    """Outputs that cannot be replaced (open in Excel/WPS, read-only, immutable): exit 2."""

    code = "OUT_LOCKED"

    def __init__(self, paths: list[Path]):
        self.paths = paths
        names = "、".join(str(p) for p in paths)
        super().__init__(f"以下输出文件无法替换（可能正在 Excel/WPS 中打开，或为只读文件）：{names}。"
                         "请先在 Excel/WPS 中关闭这些文件（或取消只读）后重新运行；本次未更改任何结果。")


def refused(path: Path) -> bool:
    """Whether the OS refuses to let ``path`` be replaced: opened for writing as Windows does for
    an open workbook, and as Linux does for an immutable file (even for root)."""
    if not path.exists():
        return False
    try:
        with open(path, "r+b"):
            return False
    except OSError:
        return True


def check_replaceable(paths) -> None:
    """OutputsLocked naming every file of ``paths`` that could not be replaced."""
    locked = [Path(p) for p in paths if refused(Path(p))]
    if locked:
        raise OutputsLocked(locked)


def commit(out_dir: Path, staged: dict[str, Path], removed: list[str], backup_dir: Path) -> None:
    """Move each staged file onto ``out_dir / relpath`` and delete ``removed`` relpaths, as one.

    Each old file is first linked (or copied) into ``backup_dir``, then replaced in one rename, so
    a kill at any moment leaves every view present, old or new (the manifest then says stale);
    on a failure every old file is put back and OutputsLocked is raised."""
    check_replaceable([out_dir / rel for rel in [*staged, *removed]])
    done: list[tuple[str, bool]] = []  # (relpath, whether an old file was kept aside)
    rel = ""
    try:
        for rel in [*removed, *staged]:
            done.append((rel, _keep_aside(out_dir / rel, backup_dir / rel)))
            if rel in staged:
                (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged[rel], out_dir / rel)
            else:
                os.unlink(out_dir / rel)
    except OSError as exc:
        _roll_back(out_dir, staged, done, backup_dir)
        raise OutputsLocked([out_dir / rel if rel else Path(exc.filename or out_dir)]) from exc
    shutil.rmtree(backup_dir, ignore_errors=True)


def _keep_aside(target: Path, backup: Path) -> bool:
    if not target.exists():
        return False
    backup.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(target, backup)
    except PermissionError:
        raise
    except OSError:  # a file system without hard links
        shutil.copy2(target, backup)
    return True


def _roll_back(out_dir: Path, staged: dict[str, Path], done: list[tuple[str, bool]], backup_dir: Path) -> None:
    """Every old file back in its place, in reverse; a new file that had no old one (a city's
    first feedback workbook) is taken away again, so the folder shows the earlier state only."""
    for rel, kept in reversed(done):
        if kept:
            os.replace(backup_dir / rel, out_dir / rel)
        elif rel in staged and not staged[rel].exists():  # placed: its staged file was moved
            (out_dir / rel).unlink(missing_ok=True)
