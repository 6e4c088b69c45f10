"""The Maildir the fetched messages land in, and what has been fetched (per account and folder).

Each message is delivered the Maildir way (written into tmp/, renamed into new/), so `sceval
ingest DIR` never sees half a message. The stored copy starts with three headers that say where it
came from (X-Sceval-Imap-Folder, -Uid, -Uidvalidity); the server's bytes follow unchanged.
Beside the messages, ``.sceval-imap.json`` keeps per folder the UIDVALIDITY and the last UID
fetched (a second fetch asks only for newer UIDs) and the key of every stored message (Message-ID
and SHA-256 of its bytes), so a folder whose UIDVALIDITY changed is fetched again without
duplicating what is already here. The state is saved after every batch: an interrupted fetch
resumes where it stopped.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from email.header import Header
from email.parser import BytesHeaderParser
from pathlib import Path

from sceval.intake.mailbox.imap.origin import FOLDER_HEADER, SKIPPED_HEADER, UID_HEADER, VALIDITY_HEADER
from sctemplates.atomic import write_text_atomic

STATE_FILE = ".sceval-imap.json"


@dataclass
class FolderState:
    uidvalidity: int = 0
    last_uid: int = 0


class MailStore:
    """A Maildir at ``root`` with the fetch state of ``account`` (user@host)."""

    def __init__(self, root: Path, account: str):
        self.root = Path(root)
        self.account = account
        for sub in ("tmp", "new", "cur"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        state = self._load()
        self._accounts: dict = state["accounts"]
        self._folders: dict = self._accounts.setdefault(account, {})
        self._keys: set[str] = set(state.get("keys", []))

    def _load(self) -> dict:
        path = self.root / STATE_FILE
        if not path.is_file():
            return {"accounts": {}}
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"accounts": {}}  # a damaged state: the next fetch starts over, keys dedupe nothing
        return state if isinstance(state, dict) and isinstance(state.get("accounts"), dict) else {"accounts": {}}

    def folder(self, name: str) -> FolderState:
        found = self._folders.get(name) or {}
        return FolderState(int(found.get("uidvalidity", 0)), int(found.get("last_uid", 0)))

    def advance(self, name: str, uidvalidity: int, last_uid: int) -> None:
        self._folders[name] = {"uidvalidity": uidvalidity, "last_uid": last_uid}

    def add(self, folder: str, uidvalidity: int, uid: int, raw: bytes) -> bool:
        """Store one message; False when the same message (Message-ID and bytes) is already here."""
        key = message_key(raw)
        if key in self._keys:
            return False
        self._deliver(folder, uidvalidity, uid, _origin(folder, uidvalidity, uid, raw) + raw)
        self._keys.add(key)
        return True

    def add_too_large(self, folder: str, uidvalidity: int, uid: int, headers: bytes, size: int) -> None:
        """A message over the cap: its headers and a mark, so ingest shows it as a row."""
        mark = f"{SKIPPED_HEADER}: {size}\r\n".encode("ascii")
        self._deliver(folder, uidvalidity, uid, _origin(folder, uidvalidity, uid, headers) + mark + headers)

    def save(self) -> None:
        state = {"accounts": self._accounts, "keys": sorted(self._keys)}
        write_text_atomic(self.root / STATE_FILE, json.dumps(state, ensure_ascii=False, indent=1))

    def _deliver(self, folder: str, uidvalidity: int, uid: int, data: bytes) -> None:
        tag = hashlib.sha256(f"{self.account}\n{folder}".encode("utf-8")).hexdigest()[:10]
        name = f"{tag}_{uidvalidity}_{uid:010d}.eml"  # sorted by name = by folder, then ascending UID
        temporary = self.root / "tmp" / name
        temporary.write_bytes(data)
        os.replace(temporary, self.root / "new" / name)


def message_key(raw: bytes) -> str:
    """Message-ID and content hash: a refetch after a UIDVALIDITY change finds what it already has."""
    header_end = raw.find(b"\r\n\r\n")
    head = raw if header_end < 0 else raw[:header_end]
    message_id = str(BytesHeaderParser().parsebytes(head).get("Message-ID", "") or "").strip()
    return f"{message_id}\n{hashlib.sha256(raw).hexdigest()}"


def _origin(folder: str, uidvalidity: int, uid: int, raw: bytes) -> bytes:
    newline = "\r\n" if b"\r\n" in raw[:1000] else "\n"
    shown_folder = folder if folder.isascii() and folder.isprintable() else Header(folder, "utf-8").encode(linesep=newline)
    lines = (f"{FOLDER_HEADER}: {shown_folder}", f"{UID_HEADER}: {uid}", f"{VALIDITY_HEADER}: {uidvalidity}")
    return "".join(line + newline for line in lines).encode("ascii")
