"""Gather the files of a batch: files, folders (recursive), .zip archives and saved mail.

Every file found gets a row: a workbook is processed, anything else is a rejected row saying what
it is (by its first bytes, whatever its name: sceval.intake.file_kinds) and what to send instead;
a workbook under an odd name (no extension, a trailing space) is read with a warning. Symbolic
links are followed only to regular files, and each followed link is said (info); a dangling link,
a link to a folder or a device, a FIFO get their own rows. Skipped without a row: Office and
LibreOffice lock files, OS metadata (.DS_Store, Thumbs.db, __MACOSX) and hidden folders.

Never read: sceval's own outputs. The run's ``--out`` (``exclude``) and any folder marked by a run
(``.sceval-output``, or holding a sceval-shaped results.json) are passed over with a run-level
note; ``--out`` inside an input folder is warned about. Archive members: sceval.intake.archives.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from sctemplates.issues import Issue, issue

from sceval.intake.archives import MAX_MEMBER_BYTES, WORKBOOK_SUFFIXES, Budget, gather_archive  # noqa: F401
from sceval.intake.file_kinds import BUNDLE_SUFFIXES, WORD_SUFFIXES, Kind, is_results_json, sniff
from sceval.intake.gathered import Gathered, display_name, file_received_at, rejected
from sceval.results.model import FileOutcome
from sceval.ledger.run_lock import OUTPUT_MARK
from sceval.safety.filenames import zip_member_name

LOCK_PREFIXES = ("~$", ".~lock")  # Office / LibreOffice lock files beside an open workbook
OS_METADATA = {".ds_store", "thumbs.db", "desktop.ini", "__macosx", ".localized"}

# Names kept for callers of earlier versions (sceval.mail, sceval.cases, tests).
member_name = zip_member_name
_rejected = rejected


@dataclass
class Walk:
    """One gathering: where archive members go, what was found, and notes about the run."""

    work_dir: Path
    received_at: str | None
    exclude: Path | None
    budget: Budget
    found: list[Gathered] = field(default_factory=list)
    skipped: list[FileOutcome] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)


def gather(inputs, work_dir: Path, received_at: str | None = None, exclude: Path | None = None,
           limits=None, run_notes: list[Issue] | None = None) -> tuple[list[Gathered], list[FileOutcome]]:
    """Files to process, and rows for what could not even be opened or was skipped.

    ``exclude``: the run's output folder, never searched (its feedback copies carry the cities'
    passports). ``limits``: sceval.safety.preflight.Limits (archive and run inflation bounds).
    ``run_notes``, when given, receives the run-level Issues (outputs passed over).
    """
    walk = Walk(Path(work_dir), received_at, _resolved(exclude), Budget.from_limits(limits))
    for raw in inputs:
        path = Path(raw)
        _warn_out_inside(path, walk)
        _gather_one(path, walk)
    if run_notes is not None:
        run_notes.extend(walk.notes)
    return walk.found, walk.skipped


def _resolved(path: Path | None) -> Path | None:
    return None if path is None else Path(path).resolve()


def _warn_out_inside(path: Path, walk: Walk) -> None:
    if walk.exclude is None or not path.is_dir() or not walk.exclude.is_relative_to(path.resolve()):
        return
    walk.notes.append(issue("RUN_OUT_INSIDE_INPUT", f"输出目录“{display_name(walk.exclude)}”位于输入文件夹"
                            f"“{display_name(path)}”之内。其中的反馈表、汇总表和 results.json 不会被当作报送读取；"
                            "建议把输出目录放在输入文件夹之外", file=display_name(path)))


def _gather_one(path: Path, walk: Walk) -> None:
    """An input named on the command line: a folder named so is searched even through a link."""
    if path.is_dir():
        _enter_folder(path, walk, named=True)
    elif path.is_symlink():
        _gather_link(path, walk)
    elif not path.exists():
        shown = display_name(path)
        walk.skipped.append(rejected(shown, "FILE_NOT_FOUND", f"文件“{shown}”不存在或无法访问"))
    elif not path.is_file():
        walk.skipped.append(_not_regular(path, walk))
    else:
        _gather_file(path, walk)


def _walk_folder(folder: Path, walk: Walk) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        shown = display_name(folder)
        walk.skipped.append(rejected(shown, "FILE_NOT_FOUND", f"文件夹“{shown}”无法读取（{exc.strerror or exc}）"))
        return
    for entry in entries:
        if entry.name.startswith(LOCK_PREFIXES) or entry.name.lower() in OS_METADATA or entry.name.startswith("._"):
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            _gather_link(path, walk)
        elif entry.is_dir(follow_symlinks=False):
            _enter_folder(path, walk)
        elif entry.is_file(follow_symlinks=False):
            _gather_file(path, walk)
        else:
            walk.skipped.append(_not_regular(path, walk))


def _enter_folder(folder: Path, walk: Walk, named: bool = False) -> None:
    if _is_mail(folder):  # a Maildir
        from sceval.intake.mailbox.inbox import gather_mail

        return gather_mail(folder, walk.work_dir, walk.received_at or file_received_at(folder),
                           walk.found, walk.skipped)
    if _is_sceval_output(folder, walk):
        return
    if not named and folder.name.startswith("."):
        return  # hidden folders: .git, editors' and tools' state
    if folder.suffix.lower() in BUNDLE_SUFFIXES:  # a macOS package: one document, not a folder of returns
        kind = Kind(BUNDLE_SUFFIXES[folder.suffix.lower()], "unsupported", "请导出为 Excel (.xlsx) 工作簿后再报送")
        return walk.skipped.append(_unsupported(folder, kind, walk.received_at or ""))
    _walk_folder(folder, walk)


def _is_sceval_output(folder: Path, walk: Walk) -> bool:
    """The run's own --out, or a folder an earlier run wrote (its mark or its results.json)."""
    if walk.exclude is not None and folder.resolve() == walk.exclude:
        return True  # warned about once, by _warn_out_inside
    if not ((folder / OUTPUT_MARK).is_file() or is_results_json(folder / "results.json")):
        return False
    walk.notes.append(issue("RUN_OUTPUT_SKIPPED", f"文件夹“{display_name(folder)}”是 sceval 的输出目录"
                            "（反馈表、汇总表、results.json），其中的文件不作为报送读取", file=display_name(folder)))
    return True


def _gather_link(path: Path, walk: Walk) -> None:
    """Links are followed to regular files only, and each followed link is said."""
    shown, target = display_name(path), display_name(os.path.realpath(path))
    try:
        mode = os.stat(path).st_mode
    except OSError:
        walk.skipped.append(rejected(shown, "FILE_LINK_BROKEN", f"“{shown}”是指向“{target}”的符号链接，但目标不存在"
                                     "或无法访问，未读取。请把填报表本身放入文件夹"))
        return
    if stat.S_ISDIR(mode):
        walk.skipped.append(rejected(shown, "FILE_LINK_FOLDER", f"“{shown}”是指向文件夹“{target}”的符号链接，未进入"
                                     "（符号链接只跟随到普通文件）。如需回收其中的文件，请直接指定该文件夹"))
    elif not stat.S_ISREG(mode):
        walk.skipped.append(_not_regular(path, walk, f"是指向“{target}”的符号链接，"))
    else:
        note = issue("FILE_LINK_FOLLOWED", f"“{shown}”是指向“{target}”的符号链接，已读取其指向的文件", file=shown)
        _gather_file(path, walk, (note,))


def _not_regular(path: Path, walk: Walk, how: str = "") -> FileOutcome:
    shown = display_name(path)
    return rejected(shown, "FILE_NOT_REGULAR", f"“{shown}”{how}不是普通文件（设备、管道或套接字），未读取",
                    walk.received_at or "")


def _gather_file(path: Path, walk: Walk, notes: tuple[Issue, ...] = ()) -> None:
    shown = display_name(path)
    stamp = walk.received_at or file_received_at(path)
    suffix = path.suffix.lower()
    if _is_mail(path):
        from sceval.intake.mailbox.inbox import gather_mail

        gather_mail(path, walk.work_dir, stamp, walk.found, walk.skipped)
    elif suffix == ".zip":
        gather_archive(path, walk.work_dir, stamp, walk.found, walk.skipped, budget=walk.budget)
    elif suffix in WORKBOOK_SUFFIXES:
        walk.found.append(Gathered(str(path), shown, stamp, notes=notes))
    elif suffix in WORD_SUFFIXES:
        return  # a 附件3 case document (.docx/.doc/.wps): sceval.cases checks it into cases.json
    else:
        _gather_by_content(path, walk, stamp, notes)


def _gather_by_content(path: Path, walk: Walk, stamp: str, notes: tuple[Issue, ...]) -> None:
    """A file whose name does not say it is a workbook or a zip: its first bytes decide."""
    shown = display_name(path)
    try:
        kind = sniff(path)
    except OSError as exc:
        walk.skipped.append(rejected(shown, "FILE_NOT_FOUND", f"文件“{shown}”无法读取（{exc.strerror or exc}）", stamp))
        return
    if kind.action == "workbook":
        walk.found.append(Gathered(str(path), shown, stamp, notes=notes + (_odd_name(path, kind),)))
    elif kind.action == "archive":
        gather_archive(path, walk.work_dir, stamp, walk.found, walk.skipped, budget=walk.budget)
    elif kind.action == "sceval_output":
        walk.notes.append(issue("RUN_OUTPUT_SKIPPED", f"“{shown}”是 sceval 生成的 results.json，不作为报送读取",
                                file=shown))
    else:
        walk.skipped.append(_unsupported(path, kind, stamp))


def _extension_said(path: Path) -> str:
    name = path.name
    if name != name.rstrip(" ."):
        return f"（文件名末尾有空格或句点：“{name}”）"
    return f"（扩展名“{path.suffix}”）" if path.suffix else "（没有扩展名）"


def _odd_name(path: Path, kind: Kind) -> Issue:
    shown = display_name(path)
    return issue("FILE_NAME_ODD", f"文件“{path.name}”{_extension_said(path)}按内容识别为{kind.what}，已照常读取；"
                 "请今后以 .xlsx 扩展名报送", file=shown)


def _unsupported(path: Path, kind: Kind, stamp: str) -> FileOutcome:
    shown = display_name(path)
    return rejected(shown, "FILE_UNSUPPORTED_KIND", f"文件“{path.name}”{_extension_said(path)}是{kind.what}，"
                                                    f"无法作为填报表读取。{kind.advice}", stamp)


def _is_mail(path: Path) -> bool:
    from sceval.intake.mailbox.inbox import is_mail_source

    return is_mail_source(path)


def _gather_archive(path: Path, work_dir: Path, stamp: str, found: list, skipped: list, shown: str = "") -> None:
    """For sceval.mail: a zip attachment (a work copy; ``shown`` is its name for people)."""
    gather_archive(path, work_dir, stamp, found, skipped, shown=shown)
