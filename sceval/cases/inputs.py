"""The case documents among a batch's inputs: files, folders (recursive), .zip archives and saved
mail (.eml, mbox, Maildir, .msg — read by sceval.intake.mailbox.read; attachments named “邮件… › 杭州案例.docx”).

Zip members are unpacked one by one under numbered names (never their own paths: no traversal)
into a work folder, each bounded in size whatever its header claims, and named for people as
“附件.zip › 杭州案例.docx”. A member's name is decoded as ingest decodes it (GBK from Chinese
Windows zip tools). Workbooks and other files in an archive are not cases and are left alone.
"""
from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sctemplates.issues import issue

from sceval.intake.file_kinds import WORD_SUFFIXES
from sceval.safety.filenames import safe_filename_display as display_name
from sceval.safety.filenames import zip_member_name as member_name

CASE_SUFFIXES = WORD_SUFFIXES | {".pdf"}  # a .pdf may be a case or a workbook: both sides say what they see
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 2_000
SEPARATOR = " › "


@dataclass(frozen=True)
class Document:
    path: str  # on disk
    display: str
    link_target: str = ""  # a link inside the input folder, followed to this file (said on its record)


def short(display: str) -> str:
    """The name a message uses: the file's own name (no folders), archive › member kept."""
    parts = display.split(SEPARATOR)
    if not parts[0].startswith("邮件“"):
        parts[0] = parts[0].replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or parts[0]
    return SEPARATOR.join(parts)


def is_case_name(name: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return Path(base).suffix.lower() in CASE_SUFFIXES and not base.startswith(("~$", ".~lock", "."))


def case_documents(inputs, work_dir: Path, exclude=None, every_named_file: bool = True):
    """(documents to check, CaseRecords for archives that could not be opened).

    ``every_named_file``: a file named in ``inputs`` is checked whatever its name (`sceval cases
    check 案例.pdf` must say it is a PDF); False for ingest, whose named inputs are workbooks.
    """
    documents: list[Document] = []
    problems: list = []
    for raw in inputs:
        path = Path(raw)
        try:  # a folder one cannot enter, a name the system refuses: a row, never a traceback (item 17)
            if path.is_dir() and not _is_mail(path):
                _walk(path, work_dir, exclude, documents, problems)
            else:
                _one(path, work_dir, documents, problems, named=every_named_file)
        except OSError as exc:
            problems.append(_problem(display_name(path), "CASE_UNREADABLE", f"“{display_name(path)}”无法访问"
                                     f"（{exc.strerror or type(exc).__name__}），未检查"))
    return documents, problems


def _walk(folder: Path, work_dir: Path, exclude, documents: list, problems: list) -> None:
    """Case-like files under ``folder``; a link is followed only to a file inside it (item 8)."""
    root = Path(os.path.realpath(folder))
    for child in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink() or _is_mail(p)):
        if _excluded(child, exclude) or any(part.startswith(".") for part in child.parts[len(folder.parts):]):
            continue
        target = Path(os.path.realpath(child)) if child.is_symlink() else None
        if target is not None and not target.is_relative_to(root):
            shown = display_name(child)
            problems.append(_problem(shown, "FILE_LINK_OUTSIDE", f"“{shown}”是指向输入文件夹之外"
                                     f"“{display_name(target)}”的符号链接，未读取"))
            continue
        before = len(documents)
        _one(child, work_dir, documents, problems, named=False)
        if target is not None and target.is_file() and len(documents) == before + 1:
            documents[-1] = Document(documents[-1].path, documents[-1].display, display_name(target))


def _problem(shown: str, code: str, said: str):
    from sceval.cases.check import CaseRecord

    record = CaseRecord(file=shown)
    record.issues.append(issue(code, said, file=shown))
    return record


def _one(path: Path, work_dir: Path, documents: list, problems: list, named: bool) -> None:
    """A named input is checked whatever it is; in a folder only case-like files and containers."""
    if _is_mail(path):
        _from_mail(path, work_dir, documents, problems)
    elif path.suffix.lower() == ".zip":
        _from_archive(path, work_dir, documents, problems)
    elif named or is_case_name(path.name):
        documents.append(Document(str(path), display_name(path)))


def _is_mail(path: Path) -> bool:
    from sceval.intake.mailbox.inbox import is_mail_source

    return is_mail_source(path) if path.is_dir() or path.is_file() else False


def _from_mail(path: Path, work_dir: Path, documents: list, problems: list) -> None:
    """Every case-like attachment of every letter; zip attachments opened like any zip."""
    from sceval.intake.mailbox.read import letters_in

    if path.is_file() and path.suffix.lower() != ".msg" and not _mentions_cases(path):
        return  # ingest reads this mailbox for its workbooks already: no second parse for nothing
    target = work_dir / "mail" / hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    target.mkdir(parents=True, exist_ok=True)
    for number, letter in enumerate(letters_in(path)):
        for index, attachment in enumerate(letter.attachments):
            shown = f"{letter.shown}{SEPARATOR}{attachment.name}"
            out = target / f"{number:05d}-{index:03d}{attachment.suffix}"
            if attachment.suffix == ".zip":
                out.write_bytes(attachment.data)
                _from_archive(out, work_dir, documents, problems, shown=shown)
            elif is_case_name(attachment.name):
                out.write_bytes(attachment.data)
                documents.append(Document(str(out), shown))


def _excluded(path: Path, exclude) -> bool:
    return exclude is not None and path.resolve().is_relative_to(Path(exclude).resolve())


# What a message carrying a case (or a zip that may hold one) shows in its raw text, whatever the
# encoding of the attachment's name: its MIME type, or the extension in a plain filename.
MAIL_MARKERS = (b"wordprocessingml", b"msword", b"ms-word", b"application/pdf", b"wps-office", b"kswps",
                b"application/zip", b"x-zip", b".doc", b".wps", b".pdf", b".zip", b".rtf")


def _mentions_cases(path: Path) -> bool:
    """A cheap byte scan of a mail file for any sign of a case document or an archive."""
    tail = b""
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            chunk = (tail + block).lower()
            if any(marker in chunk for marker in MAIL_MARKERS):
                return True
            tail = chunk[-32:]
    return False


def _from_archive(path: Path, work_dir: Path, documents: list, problems: list, shown: str = "") -> None:
    from sceval.cases.check import CaseRecord

    shown = shown or display_name(path)
    target = work_dir / hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()][:MAX_MEMBERS]
            for number, info in enumerate(members):
                name = member_name(info)
                if is_case_name(name):
                    _unpack(archive, info, target / f"{number:04d}{Path(name).suffix.lower()}",
                            f"{shown}{SEPARATOR}{name}", documents, problems)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        record = CaseRecord(file=shown)
        record.issues.append(issue("ARCHIVE_BAD", f"压缩包“{shown}”已损坏或无法读取（{str(exc)[:80]}）", file=shown))
        problems.append(record)


def _unpack(archive, info, out: Path, display: str, documents: list, problems: list) -> None:
    from sceval.cases.check import CaseRecord

    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(info) as source, open(out, "wb") as sink:
        while block := source.read(1 << 20):
            written += len(block)
            if written > MAX_MEMBER_BYTES:
                break
            sink.write(block)
    if written <= MAX_MEMBER_BYTES:
        documents.append(Document(str(out), display))
        return
    out.unlink(missing_ok=True)
    record = CaseRecord(file=display)
    record.issues.append(issue("CASE_ZIP_BOMB", f"文件“{short(display)}”解压后超过 {MAX_MEMBER_BYTES:,} 字节，已拒绝读取。",
                               file=display))
    problems.append(record)
