"""Gather the files of a batch: files, folders (recursive) and .zip archives, bounded and safe.

Archive members are extracted under numbered names (never their own paths: no traversal) into a
work folder, refused when they inflate past a bound whatever their header claims, and named for
people as ``archive.zip/member``. Names from Chinese Windows zip tools (GBK without the UTF-8
flag) are decoded as GBK. Non-workbooks in an archive are skipped with ARCHIVE_MEMBER_SKIPPED.
"""
from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sctemplates.issues import issue

from sceval.ingest.results import REJECTED, FileOutcome

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ett", ".ods", ".csv"}
MAX_MEMBER_BYTES = 20 * 1024 * 1024  # an archive member larger than a real return is refused


@dataclass(frozen=True)
class Gathered:
    source: str  # on disk
    display: str
    received_at: str
    # The letter a mailed file came in (sceval.mail): from, to, date (ISO UTC: the e-mail Date,
    # for the ordering rule), subject, message_id, attachment; None for a file from a folder/zip.
    message: dict | None = None
    # An archive member's own date as stored in the zip (local time, no zone: ISO without offset),
    # for the ordering rule (sceval.ingest.ordering); "" for a file that is not an archive member.
    member_date: str = ""


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


def zip_member_date(info: zipfile.ZipInfo) -> str:
    """The member's stored date as naive ISO text; "" for the DOS epoch (no date) or a bad one."""
    try:
        stamp = datetime(*info.date_time)
    except (TypeError, ValueError):
        return ""
    return "" if stamp <= datetime(1980, 1, 1) else stamp.isoformat()


def gather(inputs, work_dir: Path, received_at: str | None = None,
           exclude: Path | None = None) -> tuple[list[Gathered], list[FileOutcome]]:
    """Files to process, and outcomes for what could not even be opened or was skipped.

    ``exclude`` (the output folder) is never searched: its feedback copies carry the cities'
    passports and would otherwise be read back as returns on the next run.
    """
    found: list[Gathered] = []
    skipped: list[FileOutcome] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            if _is_mail(path):
                _gather_one(path, work_dir, received_at, found, skipped)
                continue
            for child in sorted(p for p in path.rglob("*") if p.is_file() and _wanted_in_folder(p)):
                if exclude is None or not child.resolve().is_relative_to(exclude.resolve()):
                    _gather_one(child, work_dir, received_at, found, skipped)
        else:
            _gather_one(path, work_dir, received_at, found, skipped)
    return found, skipped


def _wanted_in_folder(path: Path) -> bool:
    name = path.name
    if name.startswith(("~$", ".~lock", ".")):
        return False  # Office/LibreOffice lock files and hidden files
    return path.suffix.lower() in WORKBOOK_SUFFIXES | {".zip"} or _is_mail(path)


def _is_mail(path: Path) -> bool:
    from sceval.mail.inbox import is_mail_source

    return is_mail_source(path)


def _gather_one(path: Path, work_dir: Path, received_at, found: list, skipped: list) -> None:
    shown = display_name(path)
    if path.is_dir() and _is_mail(path):  # a Maildir folder
        from sceval.mail.inbox import gather_mail

        return gather_mail(path, work_dir, received_at or file_received_at(path), found, skipped)
    if not path.is_file():
        skipped.append(_rejected(shown, "FILE_NOT_FOUND", f"文件 {shown} 不存在或无法访问"))
        return
    stamp = received_at or file_received_at(path)
    if path.suffix.lower() == ".zip":
        _gather_archive(path, work_dir, stamp, found, skipped)
    elif _is_mail(path):
        from sceval.mail.inbox import gather_mail

        gather_mail(path, work_dir, stamp, found, skipped)
    else:
        found.append(Gathered(str(path), shown, stamp))


def _rejected(display: str, code: str, message: str, received_at: str = "") -> FileOutcome:
    outcome = FileOutcome(path=display, received_at=received_at, status=REJECTED)
    outcome.issues.append(issue(code, message, file=display))
    return outcome


def member_name(info: zipfile.ZipInfo) -> str:
    """Names without the UTF-8 flag: Linux/macOS zip tools write UTF-8 bytes anyway, Chinese
    Windows tools write GBK. UTF-8 is tried first because GBK text is almost never valid UTF-8."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _gather_archive(path: Path, work_dir: Path, stamp: str, found: list, skipped: list, shown: str = "") -> None:
    """``shown``: the archive's name for people when ``path`` is a work copy (a mailed zip)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            target = work_dir / hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
            for number, info in enumerate(members):
                _gather_member(archive, info, number, path, target, stamp, found, skipped, shown)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        shown = shown or display_name(path)
        skipped.append(_rejected(shown, "ARCHIVE_BAD", f"压缩包 {os.path.basename(shown)} 已损坏或无法读取（{exc}）", stamp))


def _gather_member(archive, info, number: int, path: Path, target: Path, stamp, found, skipped, shown="") -> None:
    name = member_name(info)
    display = f"{shown or display_name(path)}/{name}"
    archive_name = os.path.basename(shown or display_name(path))
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if Path(base).suffix.lower() == ".eml" and info.file_size <= MAX_MEMBER_BYTES:  # a saved message
        return _gather_mail_member(archive, info, target / f"{number:04d}.eml", display, stamp, found, skipped)
    if Path(base).suffix.lower() not in WORKBOOK_SUFFIXES or base.startswith(("~$", ".")):
        skipped.append(_rejected(display, "ARCHIVE_MEMBER_SKIPPED",
                                 f"压缩包 {archive_name} 中的 {name} 不是工作簿，已跳过", stamp))
        return
    if info.file_size > MAX_MEMBER_BYTES:
        skipped.append(_rejected(display, "FILE_TOO_LARGE",
                                 f"压缩包 {archive_name} 中的 {name} 解压后 {info.file_size:,} 字节，超过上限", stamp))
        return
    out = target / f"{number:04d}{Path(base).suffix.lower()}"
    if _extract_bounded(archive, info, out):
        found.append(Gathered(str(out), display, stamp, member_date=zip_member_date(info)))
    else:
        skipped.append(_rejected(display, "FILE_ZIP_BOMB",
                                 f"压缩包 {archive_name} 中的 {name} 解压后超过 {MAX_MEMBER_BYTES:,} 字节，已拒绝", stamp))


def _gather_mail_member(archive, info, out: Path, display: str, stamp, found, skipped) -> None:
    from sceval.mail.inbox import gather_mail

    if _extract_bounded(archive, info, out):
        gather_mail(out, out.parent, stamp, found, skipped, shown=display)
    else:
        skipped.append(_rejected(display, "FILE_ZIP_BOMB", f"{display} 解压后超过 {MAX_MEMBER_BYTES:,} 字节，已拒绝", stamp))


def _extract_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, out: Path) -> bool:
    """Copy one member, stopping if it inflates past the bound whatever its header claims."""
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(info) as source, open(out, "wb") as sink:
        for block in iter(lambda: source.read(1 << 20), b""):
            written += len(block)
            if written > MAX_MEMBER_BYTES:
                break
            sink.write(block)
    if written > MAX_MEMBER_BYTES:
        out.unlink(missing_ok=True)
        return False
    return True
