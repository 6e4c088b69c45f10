"""The members of a .zip input: each read on its own, bounded, and named as the sender named it.

Each member is extracted into a numbered folder of the run's work folder under its own base name
made safe (never its path: no traversal), so preflight and every message name the member as sent,
never a copy name like "0000.xlsx". A member that cannot be inflated (bad CRC, truncated data,
unsupported method) is its own row and the members around it are still read; an encrypted member
(ZipCrypto or AES) is said to be encrypted. What is inflated is counted against three bounds
whatever the headers claim: per member (MAX_MEMBER_BYTES), per archive and per run
(``Limits.max_archive_inflated`` / ``max_run_inflated``); an archive whose workbooks declare more
than its bound is refused before anything is written.
"""
from __future__ import annotations

import hashlib
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sctemplates.file_names import safe_file_name
from sctemplates.display import name_shown

from sceval.intake.file_kinds import BY_SUFFIX, WORD_SUFFIXES
from sceval.ledger.run_lock import NO_SPACE_ERRNOS, NoSpace, RunStopped
from sceval.safety.filenames import zip_member_name

MAX_MEMBER_BYTES = 20 * 1024 * 1024  # an archive member larger than a real return is refused
SEPARATOR = "/"  # archive.zip/member.xlsx: results.json's "path" of a member
SHOWN_SEPARATOR = " › "  # archive.zip › member.xlsx: in the messages of a member's work copy
UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
MAX_NAME_BYTES = 150  # below every file system's 255-byte limit, with room for the suffix
ENCRYPTED_FLAG = 0x1


@dataclass
class Budget:
    """Bytes inflated out of archives into the run's work folder, against the run's bounds."""

    archive_limit: int
    run_limit: int
    run_used: int = 0

    @classmethod
    def from_limits(cls, limits) -> "Budget":
        from sceval.safety.preflight import Limits

        limits = limits or Limits()
        return cls(limits.max_archive_inflated, limits.max_run_inflated)


class OverBudget(Exception):
    """The archive's or the run's bound was reached while inflating."""

    def __init__(self, code: str, bound: int):
        self.code, self.bound = code, bound


@dataclass
class Member:
    """One member of the archive being read: its name as sent, and how people see it."""

    info: zipfile.ZipInfo
    name: str
    display: str
    archive_name: str

    @property
    def base(self) -> str:
        return self.name.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        return Path(self.base).suffix.lower()

    @property
    def shown(self) -> str:
        return f"压缩包“{self.archive_name}”中的“{self.name}”"

    @property
    def date(self) -> str:
        """The member's stored date as naive ISO text; "" for the DOS epoch (no date) or a bad one."""
        try:
            stamp = datetime(*self.info.date_time)
        except (TypeError, ValueError):
            return ""
        return "" if stamp <= datetime(1980, 1, 1) else stamp.isoformat()


def members_of(archive: zipfile.ZipFile, display: str) -> list[Member]:
    archive_name = os.path.basename(display)
    infos = [info for info in archive.infolist() if not info.is_dir() and not _mac_metadata(info.filename)]
    return [Member(info, name, f"{display}{SEPARATOR}{name_shown(name)}", archive_name)  # bounded: issue 21
            for info, name in ((info, zip_member_name(info)) for info in infos)]


def _mac_metadata(name: str) -> bool:
    """macOS's resource forks (__MACOSX/…/._name): not files anyone sent, so no rows."""
    return name.startswith("__MACOSX/") or name.replace("\\", "/").rsplit("/", 1)[-1].startswith("._")


def is_encrypted(info: zipfile.ZipInfo) -> bool:
    return bool(info.flag_bits & ENCRYPTED_FLAG) or info.compress_type == 99  # 99: WinZip AES


def declared_total(members: list[Member], wanted) -> int:
    """What the workbooks of an archive say they inflate to (members refused anyway not counted)."""
    return sum(m.info.file_size for m in members
               if wanted(m) and not is_encrypted(m.info) and m.info.file_size <= MAX_MEMBER_BYTES)


def safe_base_name(name: str, number: int) -> str:
    """The member's base name as a file name on this disk: no separators or control characters,
    at most MAX_NAME_BYTES bytes of UTF-8 (the suffix kept)."""
    stem, suffix = os.path.splitext(safe_file_name(UNSAFE_IN_NAME.sub("_", name).strip(" .")))
    suffix = suffix[:16]
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem + suffix) if stem else f"member-{number:04d}{suffix}"


def work_name(member: Member, number: int) -> str:
    """The work copy's file name, which preflight's messages show: "附件.zip › 320100_南京市….xlsx",
    the archive and the member as sent (the member's name alone when both would be too long)."""
    both = f"{member.archive_name}{SHOWN_SEPARATOR}{member.base}"
    if len(UNSAFE_IN_NAME.sub("_", both).encode("utf-8")) <= MAX_NAME_BYTES:
        return safe_base_name(both, number)
    return safe_base_name(member.base, number)


def extract_member(archive: zipfile.ZipFile, member: Member, out: Path, budget: Budget,
                   archive_used: list[int]) -> bool:
    """Copy one member to ``out``; False when it inflates past MAX_MEMBER_BYTES whatever its header
    claims. OverBudget when the archive's or the run's bound is reached; zipfile.BadZipFile,
    zlib.error, EOFError or NotImplementedError when the member's data is broken. Nothing
    partial is left behind."""
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with archive.open(member.info) as source, open(out, "wb") as sink:
            while block := source.read(1 << 20):
                written += len(block)
                if written > MAX_MEMBER_BYTES:
                    break
                _charge(budget, archive_used, len(block))
                sink.write(block)
    except BaseException as exc:
        out.unlink(missing_ok=True)
        _stop_if_disk_full(exc, out)
        raise
    if written > MAX_MEMBER_BYTES:
        out.unlink(missing_ok=True)
        return False
    return True


def _stop_if_disk_full(exc: BaseException, out: Path) -> None:
    """A full work disk is the run's problem, not the city's archive: the run stops (NoSpace)."""
    if isinstance(exc, OSError) and exc.errno in NO_SPACE_ERRNOS:
        raise NoSpace(f"解压压缩包到工作目录 {out.parent.parent.parent} 时磁盘空间不足（{exc.strerror}）。"
                      "未写入任何结果，上次的结果保持不变；请清理磁盘或改用其他输出目录后重新运行") from exc


def _charge(budget: Budget, archive_used: list[int], size: int) -> None:
    archive_used[0] += size
    budget.run_used += size
    if archive_used[0] > budget.archive_limit:
        raise OverBudget("ARCHIVE_TOO_LARGE", budget.archive_limit)
    if budget.run_used > budget.run_limit:
        raise OverBudget("RUN_INFLATED_LIMIT", budget.run_limit)


BROKEN_MEMBER = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError)


def broken_reason(exc: BaseException) -> str:
    text = str(exc)
    if "CRC" in text:
        return "校验和（CRC）不符，数据已损坏"
    if isinstance(exc, NotImplementedError):
        return "使用了不支持的压缩方式"
    if isinstance(exc, EOFError) or "truncat" in text.lower():
        return "数据不完整（压缩包被截断）"
    return f"数据已损坏（{type(exc).__name__}）"


def mib(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


# --- gathering an archive: one row or one file per member -----------------------------------

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ett", ".ods", ".csv"}


@dataclass
class ArchiveRun:
    """One archive being gathered: where its members go, and what it has inflated so far."""

    archive: zipfile.ZipFile
    target: Path
    stamp: str
    budget: Budget
    found: list
    skipped: list
    used: list  # [bytes inflated from this archive]


def gather_archive(path: Path, work_dir: Path, stamp: str, found: list, skipped: list,
                   shown: str = "", budget: Budget | None = None) -> None:
    """Every member of one zip becomes a Gathered file or a rejected row.

    ``shown``: the archive's name for people when ``path`` is a work copy (a mailed zip).
    """
    from sceval.intake.gathered import display_name, rejected

    shown = shown or display_name(path)
    budget = budget or Budget.from_limits(None)
    try:
        with zipfile.ZipFile(path) as archive:
            members = members_of(archive, shown)
            if declared_total(members, _is_workbook) > budget.archive_limit:
                skipped.append(_too_large(shown, members, budget.archive_limit, stamp))
                return
            target = work_dir / hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
            run = ArchiveRun(archive, target, stamp, budget, found, skipped, [0])
            _gather_members(run, members)
    except RunStopped:
        raise
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError, EOFError) as exc:
        skipped.append(rejected(shown, "ARCHIVE_BAD", f"压缩包“{os.path.basename(shown)}”已损坏或无法读取"
                                                      f"（{_reason(exc)}），请重新压缩后发送", stamp))


def _reason(exc: BaseException) -> str:
    return broken_reason(exc) if isinstance(exc, BROKEN_MEMBER) else (getattr(exc, "strerror", None) or str(exc))


def _is_workbook(member: Member) -> bool:
    return member.suffix in WORKBOOK_SUFFIXES and not member.base.startswith(("~$", "."))


def _too_large(shown: str, members: list[Member], bound: int, stamp: str):
    from sceval.intake.gathered import rejected

    declared = declared_total(members, _is_workbook)
    return rejected(shown, "ARCHIVE_TOO_LARGE",
                    f"压缩包“{os.path.basename(shown)}”中的工作簿解压后共 {mib(declared)}，超过单个压缩包 "
                    f"{mib(bound)} 的上限，已拒绝（未解压）。请只压缩填报表，或直接发送工作簿", stamp)


def _gather_members(run: ArchiveRun, members: list[Member]) -> None:
    for number, member in enumerate(members):
        try:
            _gather_member(run, member, number)
        except OverBudget as over:
            run.skipped.append(_over_budget(run, member, members[number:], over))
            return


def _over_budget(run: ArchiveRun, member: Member, left: list[Member], over: OverBudget):
    from sceval.intake.gathered import rejected

    what = "单个压缩包" if over.code == "ARCHIVE_TOO_LARGE" else "本次回收所有压缩包"
    return rejected(member.display, over.code,
                    f"{member.shown}解压时超过{what}解压总量 {mib(over.bound)} 的上限，该文件及其后的 "
                    f"{len(left) - 1} 个文件未读取。请只压缩填报表，或分批发送", run.stamp)


def _gather_member(run: ArchiveRun, member: Member, number: int) -> None:
    from sceval.intake.gathered import Gathered, rejected

    if member.suffix in WORD_SUFFIXES:
        return  # a 附件3 case document: sceval.cases checks it into cases.json; not a rejected return
    row = _member_problem(member)
    if row is not None:
        run.skipped.append(rejected(member.display, *row, run.stamp))
        return
    if member.suffix == ".eml":
        return _gather_mail_member(run, member, number)
    out = run.target / f"{number:04d}" / work_name(member, number)
    if not _extract(run, member, out):
        return
    run.found.append(Gathered(str(out), member.display, run.stamp, member_date=member.date))


def _member_problem(member: Member) -> tuple[str, str] | None:
    """(code, message) of a member that is not extracted at all; None to extract it."""
    if member.suffix == ".eml" and member.info.file_size <= MAX_MEMBER_BYTES and not is_encrypted(member.info):
        return None  # a saved message: sceval.mail reads its attachments
    if member.suffix in BY_SUFFIX and not is_encrypted(member.info):  # sent instead of a workbook
        kind = BY_SUFFIX[member.suffix]
        return "FILE_UNSUPPORTED_KIND", f"{member.shown}是{kind.what}，无法作为填报表读取。{kind.advice}"
    if not _is_workbook(member):
        return "ARCHIVE_MEMBER_SKIPPED", f"{member.shown}不是工作簿，已跳过"
    if is_encrypted(member.info):
        return "ARCHIVE_ENCRYPTED", (f"{member.shown}已加密（压缩包设有密码），无法读取。"
                                     "请发送不设密码的压缩包，或直接发送工作簿")
    if member.info.file_size > MAX_MEMBER_BYTES:
        return "FILE_TOO_LARGE", f"{member.shown}解压后 {member.info.file_size:,} 字节，超过上限"
    return None


def _extract(run: ArchiveRun, member: Member, out: Path) -> bool:
    """Extract one member; a rejected row (and False) when it is broken or a bomb."""
    from sceval.intake.gathered import rejected

    try:
        if extract_member(run.archive, member, out, run.budget, run.used):
            return True
        run.skipped.append(rejected(member.display, "FILE_ZIP_BOMB",
                                    f"{member.shown}解压后超过 {MAX_MEMBER_BYTES:,} 字节，已拒绝", run.stamp))
    except RunStopped:
        raise  # a full disk: the run's problem, not this member's
    except BROKEN_MEMBER as exc:
        run.skipped.append(rejected(member.display, "ARCHIVE_MEMBER_BAD",
                                    f"{member.shown}无法解压：{broken_reason(exc)}。压缩包中的其他文件照常读取；"
                                    "请重新压缩后发送该文件", run.stamp))
    return False


def _gather_mail_member(run: ArchiveRun, member: Member, number: int) -> None:
    from sceval.intake.mailbox.inbox import gather_mail

    out = run.target / f"{number:04d}" / "message.eml"
    if _extract(run, member, out):
        gather_mail(out, out.parent, run.stamp, run.found, run.skipped, shown=member.display)
