"""The case documents among a batch's inputs: files, folders (recursive) and .zip archives.

Zip members are unpacked one by one under numbered names (never their own paths: no traversal)
into a work folder, each bounded in size whatever its header claims, and named for people as
“附件.zip › 杭州案例.docx”. A member's name is decoded as ingest decodes it (GBK from Chinese
Windows zip tools). Workbooks and other files in an archive are not cases and are left alone.
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sctemplates.issues import issue

from sceval.ingest.gather import display_name, member_name

CASE_SUFFIXES = {".docx", ".docm", ".doc", ".wps", ".pdf", ".rtf"}
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 2_000
SEPARATOR = " › "


@dataclass(frozen=True)
class Document:
    path: str  # on disk
    display: str


def is_case_name(name: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return Path(base).suffix.lower() in CASE_SUFFIXES and not base.startswith(("~$", ".~lock", "."))


def case_documents(inputs, work_dir: Path, exclude=None):
    """(documents to check, CaseRecords for archives that could not be opened)."""
    documents: list[Document] = []
    problems: list = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if _excluded(child, exclude):
                    continue
                if child.suffix.lower() == ".zip":
                    _from_archive(child, work_dir, documents, problems)
                elif is_case_name(child.name):
                    documents.append(Document(str(child), display_name(child)))
        elif path.suffix.lower() == ".zip":
            _from_archive(path, work_dir, documents, problems)
        else:
            documents.append(Document(str(path), display_name(path)))
    return documents, problems


def _excluded(path: Path, exclude) -> bool:
    return exclude is not None and path.resolve().is_relative_to(Path(exclude).resolve())


def _from_archive(path: Path, work_dir: Path, documents: list, problems: list) -> None:
    from sceval.cases.check import CaseRecord

    shown = display_name(path)
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
    record.issues.append(issue("CASE_ZIP_BOMB", f"文件“{display}”解压后超过 {MAX_MEMBER_BYTES:,} 字节，已拒绝读取。",
                               file=display))
    problems.append(record)
