"""`sceval mail fetch`: the mailbox's folders, read-only, into a Maildir that `sceval ingest` reads.

Each folder is opened with EXAMINE and messages are fetched with BODY.PEEK[]: nothing on the
server is marked \\Seen, moved or deleted. UIDs are asked for in ascending sets only (QQ Mail
answers "BAD UID parameters" to descending ranges), first their RFC822.SIZE (a message over the
cap is not downloaded; its headers are kept so ingest shows it as a row), then the bodies in
batches bounded in bytes, so a 10,000-message folder never sits in memory at once. With
``since``, only messages received on or after that day are asked for (and the folder's last UID
still advances past older ones).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sceval.intake.mailbox.imap.connect import ImapFailure, ImapSettings, logged_in, server_words, translated
from sceval.intake.mailbox.imap.store import MailStore
from sceval.intake.mailbox.read import MAX_MESSAGE_BYTES
from sctemplates.issues import issue

SIZE_BATCH = 200  # UIDs per RFC822.SIZE request: a short command line, few round trips
BODY_BATCH_BYTES = 16 * 1024 * 1024  # message bytes per BODY.PEEK[] request (bounded memory)
Progress = Callable[[str, int, int], None]  # (folder, messages done, messages to fetch)


@dataclass
class FolderReport:
    name: str
    uidvalidity: int = 0
    stored: int = 0  # new messages written to the Maildir
    duplicates: int = 0  # already stored (same Message-ID and bytes), e.g. after a UIDVALIDITY change
    too_large: list[int] = field(default_factory=list)  # UIDs over the size cap: headers only
    refetched: bool = False  # UIDVALIDITY changed since the last fetch: the whole folder was read again


@dataclass
class FetchReport:
    maildir: Path
    folders: list[FolderReport] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return sum(folder.stored for folder in self.folders)


def list_folders(settings: ImapSettings, password: str) -> list[str]:
    """The mailbox's folder names, decoded from modified UTF-7 (城市报送, not &V85eAmKlkAE-)."""
    with logged_in(settings, password) as client, translated(settings, password):
        return [name for _flags, _delimiter, name in client.list_folders()]


def fetch_mail(settings: ImapSettings, password: str, out: Path, folders: tuple[str, ...] = ("INBOX",),
               since: date | None = None, max_bytes: int = MAX_MESSAGE_BYTES,
               progress: Progress | None = None) -> FetchReport:
    """Fetch the new messages of ``folders`` into the Maildir ``out``; ImapFailure when it cannot."""
    report = FetchReport(Path(out))
    with logged_in(settings, password) as client, translated(settings, password):
        store = MailStore(out, f"{settings.user}@{settings.host}:{settings.port}")  # only once logged in
        for name in folders:
            walk = _FolderWalk(client, store, name, max_bytes, progress or _silent)
            report.folders.append(walk.run(since))
    return report


def _silent(_folder: str, _done: int, _total: int) -> None:
    return None


class _FolderWalk:
    """One folder: examine, find the new UIDs, fetch them batch by batch, save the state each time."""

    def __init__(self, client, store: MailStore, name: str, max_bytes: int, progress: Progress):
        self.client, self.store, self.name = client, store, name
        self.max_bytes, self.progress = max_bytes, progress
        self.report = FolderReport(name)

    def run(self, since: date | None) -> FolderReport:
        validity, next_uid = self._examine()
        known = self.store.folder(self.name)
        self.report.uidvalidity = validity
        self.report.refetched = bool(known.uidvalidity) and known.uidvalidity != validity
        start = 1 if known.uidvalidity != validity else known.last_uid + 1
        # Nothing new: "n:*" past the last UID reads as a descending range, which QQ Mail refuses
        uids = [] if next_uid and start >= next_uid else self._new_uids(start, since)
        self.progress(self.name, 0, len(uids))
        for done, chunk in _chunks(uids, SIZE_BATCH):
            self._fetch_chunk(validity, chunk)
            self.store.advance(self.name, validity, chunk[-1])
            self.store.save()
            self.progress(self.name, done, len(uids))
        if not uids:
            self.store.advance(self.name, validity, max(start - 1, 0))
            self.store.save()
        return self.report

    def _examine(self) -> tuple[int, int]:
        """EXAMINE (read-only SELECT): the folder's UIDVALIDITY and UIDNEXT (0 if not given)."""
        from imapclient.exceptions import IMAPClientError

        try:
            answer = self.client.select_folder(self.name, readonly=True)
        except IMAPClientError as exc:
            raise ImapFailure(_select_problem(self.name, server_words(exc))) from None
        return int(answer[b"UIDVALIDITY"]), int(answer.get(b"UIDNEXT") or 0)

    def _new_uids(self, start: int, since: date | None) -> list[int]:
        criteria = ["UID", f"{start}:*"] + (["SINCE", since] if since else [])
        # "n:*" always matches the highest UID, even below n: keep only the really new ones
        return sorted(uid for uid in self.client.search(criteria) if uid >= start)

    def _fetch_chunk(self, validity: int, chunk: list[int]) -> None:
        sizes = self.client.fetch(chunk, ["RFC822.SIZE"])
        present = [uid for uid in chunk if uid in sizes]  # expunged meanwhile: simply gone
        small = [uid for uid in present if int(sizes[uid][b"RFC822.SIZE"]) <= self.max_bytes]
        for group in _by_bytes(small, sizes):
            bodies = self.client.fetch(group, ["BODY.PEEK[]"])
            for uid in group:
                if uid in bodies:
                    self._store(validity, uid, bodies[uid][b"BODY[]"])
        large = sorted(set(present) - set(small))
        if large:
            self._store_headers(validity, large, sizes)

    def _store(self, validity: int, uid: int, raw: bytes) -> None:
        if self.store.add(self.name, validity, uid, raw):
            self.report.stored += 1
        else:
            self.report.duplicates += 1

    def _store_headers(self, validity: int, large: list[int], sizes: dict) -> None:
        headers = self.client.fetch(large, ["BODY.PEEK[HEADER]"])
        for uid in large:
            self.store.add_too_large(self.name, validity, uid, headers.get(uid, {}).get(b"BODY[HEADER]", b"\r\n"),
                                     int(sizes[uid][b"RFC822.SIZE"]))
            self.report.too_large.append(uid)


def _chunks(uids: list[int], size: int) -> Iterator[tuple[int, list[int]]]:
    for start in range(0, len(uids), size):
        chunk = uids[start:start + size]
        yield start + len(chunk), chunk


def _by_bytes(uids: list[int], sizes: dict) -> Iterator[list[int]]:
    """Ascending groups of UIDs whose messages together stay under BODY_BATCH_BYTES (one at least)."""
    group, total = [], 0
    for uid in uids:
        size = int(sizes[uid][b"RFC822.SIZE"])
        if group and total + size > BODY_BATCH_BYTES:
            yield group
            group, total = [], 0
        group.append(uid)
        total += size
    if group:
        yield group


def _select_problem(name: str, answer: str):
    if "unsafe" in answer.lower():
        return issue("IMAP_UNSAFE_LOGIN", f"服务器拒绝打开文件夹“{name}”（Unsafe Login）。网易 163/126 和 Coremail 单位邮箱要求"
                                          "客户端先表明身份（sceval 已发送 ID 命令）：请在邮箱网页版“设置 › POP3/SMTP/IMAP”中开启 "
                                          "IMAP 服务并使用授权码；单位邮箱请联系管理员允许第三方客户端收取。服务器答复："
                                          f"{answer.strip()[:200]}")
    return issue("IMAP_FOLDER", f"无法打开文件夹“{name}”（{answer.strip()[:200]}）：请用 `sceval mail fetch --list-folders` "
                                "查看邮箱中的文件夹名称，按显示的名称填写 --folder")
