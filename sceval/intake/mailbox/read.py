"""Saved mail → letters with their attachments: .eml files, mbox files, Maildir folders, .msg.

Every message is parsed from its bytes with the compat32 policy (raw headers kept, so
sceval.intake.mailbox.names decodes them as Chinese clients wrote them) and walked part by part:
forwarded messages (message/rfc822, or an attached .eml) are opened too, to a bounded depth.
Nothing in a message is executed or followed; only attachment bytes are taken.
"""
from __future__ import annotations

import email
import email.policy
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timezone
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from pathlib import Path

from sctemplates.display import name_shown, one_line

from sceval.intake.mailbox.imap.origin import ORIGIN_MARK, imap_origin
from sceval.intake.mailbox.mend import mend_headers
from sceval.intake.mailbox.mbox import MAX_MESSAGE_BYTES, MBOX_START, mbox_messages
from sceval.intake.mailbox.names import attachment_name, header_text, raw_bytes, safe_suffix

RAW_HEADER_LIMIT = 16 * 1024  # raw characters of a header decoded (300 Chinese characters: ~1.5 kB)
HEADER_LIMIT = 300  # characters kept of a Subject, From, To or Message-ID (a real one: < 150)
MAX_DEPTH = 8  # forwarded inside forwarded…: deeper than any real chain, shallow enough to be safe
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
BOUNCE_SENDERS = ("mailer-daemon", "postmaster")
MESSAGE_SUFFIXES = {".eml", ".mbox", ".msg"}


@dataclass(frozen=True)
class Attachment:
    name: str  # decoded; a placeholder when ``name_ok`` is False
    data: bytes
    content_type: str
    name_ok: bool = True
    name_given: bool = True

    @property
    def suffix(self) -> str:
        return safe_suffix(self.name)

    @property
    def is_tnef(self) -> bool:
        return self.content_type in TNEF_TYPES or self.name.lower() == "winmail.dat"


@dataclass
class Letter:
    """One received message: who sent it when, its attachments (nested ones included)."""

    sender: str = ""  # decoded From, as shown
    address: str = ""  # the From address, lower case
    to: str = ""
    date: str = ""  # ISO 8601 UTC, "" when missing or unreadable
    shown_date: str = ""  # as the sender's clock said it, for people
    subject: str = ""
    message_id: str = ""
    bounce: bool = False
    too_deep: bool = False  # forwards nested past MAX_DEPTH: the deeper ones were not opened
    draft: bool = False  # X-Unsent: 1 — a message never sent (e.g. sceval mail drafts), not a return
    attachments: list[Attachment] = field(default_factory=list)
    forwarded_from: list[str] = field(default_factory=list)  # addresses of nested messages
    problem: str = ""  # why the message itself could not be read
    container: str = ""  # where a saved message was found, as shown ("邮件.zip/a.eml › "), or ""
    mailbox: dict = field(default_factory=dict)  # fetched over IMAP: {folder, uid, uidvalidity} (sceval.intake.mailbox.imap)
    oversize: int = 0  # fetched over IMAP but over the size cap: its size; only the headers were kept
    links: list = field(default_factory=list)  # sceval.intake.mailbox.links.DownloadLink in the letter's own text
    # The message's own file or place in its mailbox ("hz.eml › ", "收件箱.mbox 第 3 封 › "): two
    # letters with identical headers are still told apart (issue 21).
    origin_name: str = ""
    origin_place: str = ""  # "第 3 封" in an mbox
    problem_code: str = "MAIL_BAD"  # the code of ``problem``'s row
    link_target: str = ""  # the message file was a link (inside the inputs) to this file

    def meta(self, attachment: str = "") -> dict:
        """What results.json and the ledger keep: {from, to, date, subject, message_id, attachment}."""
        found = {"from": self.sender, "to": self.to, "date": self.date, "subject": self.subject,
                 "message_id": self.message_id, "attachment": attachment}
        if self.forwarded_from:
            found["forwarded_from"] = list(self.forwarded_from)
        if self.mailbox:
            found["imap"] = dict(self.mailbox)
        return found

    @property
    def origin(self) -> str:
        said = " ".join(part for part in (self.origin_name, self.origin_place) if part)
        return f"{said} › " if said else ""

    @property
    def shown(self) -> str:
        """邮件“主题”（发件人，日期）: how people find the message again in their mailbox."""
        who = "，".join(part for part in (self.sender or "发件人不明", self.shown_date) if part)
        # Fetched over IMAP: the server's folder and UID find it again, not the local Maildir file.
        where = f"邮箱 {self.mailbox['folder']} #{self.mailbox['uid']} › " if self.mailbox else self.origin
        return f"{self.container}{where}邮件“{self.subject or '（无主题）'}”（{who}）"


# --- sources ------------------------------------------------------------------------------------

def is_maildir(path: Path) -> bool:
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def looks_like_mbox(path: Path) -> bool:
    if path.suffix.lower() == ".mbox":
        return True
    try:
        with open(path, "rb") as handle:
            return bool(MBOX_START.match(handle.read(512)))
    except OSError:
        return False


def letters_in(path: Path) -> Iterator[Letter]:
    """Every letter in a .eml, mbox, Maildir or .msg source, in the order stored; one at a time,
    so a large mailbox never has more than one message's attachments in memory."""
    if is_maildir(path):
        return (_named(maildir_letter(p, path), shown_name(p, path)) for p in _maildir_files(path))
    if path.suffix.lower() == ".msg":
        from sceval.intake.mailbox.outlook import letter_from_msg

        return iter([_named(letter_from_msg(path), shown_name(path))])
    if looks_like_mbox(path):
        return (_named(letter_from_bytes(raw) if raw is not None else _too_large(), shown_name(path), f"第 {n} 封")
                for n, raw in enumerate(mbox_messages(path), start=1))
    return iter([_named(_letter_from_file(path), shown_name(path))])


def _named(letter: Letter, name: str, place: str = "") -> Letter:
    letter.origin_name, letter.origin_place = name, place
    return letter


def shown_name(path: Path, root: Path | None = None) -> str:
    """A message file's name as shown: relative to its Maildir, else its own name; cleaned."""
    name = str(path.relative_to(root)) if root is not None else path.name
    return name_shown(name)


def _maildir_files(path: Path) -> Iterator[Path]:
    """Messages of a Maildir (cur, then new), by name; read when the walk gets there."""
    yield from sorted(p for sub in ("cur", "new") for p in (path / sub).iterdir()
                      if p.is_file() or p.is_symlink())


def maildir_letter(path: Path, root: Path) -> Letter:
    """A Maildir message; a link is followed only to a file inside the Maildir (issue 21, item 7:
    a link in cur/ made a return stored elsewhere count for 湖州)."""
    if not path.is_symlink():
        return _letter_from_file(path)
    target = Path(os.path.realpath(path))
    if not target.is_relative_to(Path(os.path.realpath(root))) or not target.is_file():
        return Letter(problem=f"中的“{shown_name(path, root)}”是指向邮件文件夹之外（或不存在）的“{one_line(str(target), 255)}”"
                              "的符号链接，未读取", problem_code="FILE_LINK_OUTSIDE")
    letter = _letter_from_file(path)
    letter.link_target = one_line(str(target), 255)
    return letter


def _too_large() -> Letter:
    return Letter(problem=f"中有一封邮件超过 {MAX_MESSAGE_BYTES // (1024 * 1024)} MB 上限，未读取")


def _letter_from_file(path: Path) -> Letter:
    try:
        if path.stat().st_size > MAX_MESSAGE_BYTES:
            return _too_large()
        return letter_from_bytes(path.read_bytes())
    except OSError as exc:
        return Letter(problem=f"无法读取（{exc.strerror or exc}）")


# --- one message --------------------------------------------------------------------------------

def letter_from_bytes(raw: bytes) -> Letter:
    try:
        message = email.message_from_bytes(mend_headers(raw), policy=email.policy.compat32)
    except Exception as exc:  # noqa: BLE001 - a broken message is a row, never a crash
        return Letter(problem=f"无法解析（{type(exc).__name__}）")
    letter = _headers(message)
    if raw.startswith(ORIGIN_MARK):  # put first by sceval.intake.mailbox.imap.store; in any other place, forged
        letter.mailbox, letter.oversize = imap_origin(lambda name: header_text(_raw(message, name)))
    if letter.oversize:
        return letter
    letter.bounce = _is_bounce(message, letter)
    letter.draft = (_raw(message, "X-Unsent") or "").strip() == "1"
    if not letter.bounce and not letter.draft:
        _walk(message, letter, 0)
    return letter


def _raw(message, name: str) -> str | None:
    """A header's raw value (surrogate escapes for 8-bit bytes kept), first occurrence, cut to
    RAW_HEADER_LIMIT at a space so encoded words stay whole: decoding a 1 MB Subject took 13 s
    only to keep its first 300 characters (issue 21, item 20)."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            value = value if isinstance(value, str) else str(value)
            if len(value) <= RAW_HEADER_LIMIT:
                return value
            cut = value[:RAW_HEADER_LIMIT]
            return cut[:cut.rfind(" ")] if " " in cut else cut
    return None


def _headers(message) -> Letter:
    sender = header_text(_raw(message, "From")) or ""
    # Stored and shown cleaned and bounded (sctemplates.display.one_line): a Subject with \x01
    # broke a feedback workbook, a 1 MB one made results.json 6 MB (issue 21, items 10 and 20).
    letter = Letter(sender=one_line(sender, HEADER_LIMIT), address=one_line(parseaddr(sender)[1].lower(), HEADER_LIMIT),
                    to=one_line(header_text(_raw(message, "To")) or "", HEADER_LIMIT),
                    subject=one_line(_subject(_raw(message, "Subject")), HEADER_LIMIT),
                    message_id=one_line(header_text(_raw(message, "Message-ID")) or "", HEADER_LIMIT))
    letter.date, letter.shown_date = _date(_raw(message, "Date"))
    return letter


def _subject(raw: str | None) -> str:
    text = header_text(raw)
    return "（主题无法解码）" if text is None else text


def _date(raw: str | None) -> tuple[str, str]:
    """(ISO UTC, as written) from a Date header; ("", "") when absent or unreadable."""
    if not raw:
        return "", ""
    try:
        moment = parsedate_to_datetime(raw.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return (moment.astimezone(timezone.utc).replace(microsecond=0).isoformat(),
                moment.strftime("%Y-%m-%d %H:%M"))
    except (TypeError, ValueError, IndexError, OverflowError):
        return "", ""


def _is_bounce(message, letter: Letter) -> bool:
    if message.get_content_type() == "multipart/report":
        return True
    local = letter.address.split("@", 1)[0]
    return local in BOUNCE_SENDERS


def _walk(part, letter: Letter, depth: int) -> None:
    if depth > MAX_DEPTH:
        letter.too_deep = True
        return
    kind = part.get_content_type()
    if kind == "message/rfc822" or (part.is_multipart() and kind.startswith("message/")):
        for inner in _inner_messages(part):
            _forwarded(inner, letter, depth)
        return
    if part.is_multipart():
        for child in _inner_messages(part):
            _walk(child, letter, depth + 1)
        return
    found = _attachment(part, len(letter.attachments) + 1)
    if found is None:
        _note_links(part, letter)
        return
    if found.suffix == ".eml":  # a forwarded message attached as a file
        inner = _parse_quietly(found.data)
        if inner is not None:
            _forwarded(inner, letter, depth)
            return
    letter.attachments.append(found)


def _note_links(part, letter: Letter) -> None:
    """超大附件 / 网盘 links in a body: sent instead of an attachment (never fetched)."""
    from sceval.intake.mailbox.links import MAX_LINKS, body_text, download_links

    text = body_text(part)
    if text and len(letter.links) < MAX_LINKS:
        letter.links += [link for link in download_links(text) if link not in letter.links]


def _inner_messages(part) -> list:
    """The parts inside ``part``; a message/rfc822 sent base64- or QP-encoded (some webmail does;
    the parser then sees a message without headers whose body is the encoded text) is decoded and
    parsed first."""
    payload = part.get_payload()
    encoding = str(part.get("Content-Transfer-Encoding") or "").strip().lower()
    if part.get_content_type().startswith("message/") and encoding in ("base64", "quoted-printable"):
        encoded = payload[0].get_payload() if isinstance(payload, list) and payload else payload
        inner = _parse_quietly(_decoded(str(encoded), encoding)) if isinstance(encoded, str) else None
        return [inner] if inner is not None else []
    if isinstance(payload, list):
        return [inner for inner in payload if isinstance(inner, email.message.Message)]
    return []


def _decoded(text: str, encoding: str) -> bytes:
    import base64
    import binascii
    import quopri

    data = text.encode("ascii", "surrogateescape")
    try:
        return base64.b64decode(data) if encoding == "base64" else quopri.decodestring(data)
    except (binascii.Error, ValueError):
        return b""


def _parse_quietly(data: bytes):
    try:
        return email.message_from_bytes(data, policy=email.policy.compat32)
    except Exception:  # noqa: BLE001
        return None


def _forwarded(inner, letter: Letter, depth: int) -> None:
    address = parseaddr(header_text(_raw(inner, "From")) or "")[1].lower()
    if address:
        letter.forwarded_from.append(address)
    _walk(inner, letter, depth + 1)


def _attachment(part, number: int) -> Attachment | None:
    """A leaf part as an attachment, or None for the message's own text (body, alternatives)."""
    disposition_raw, type_raw = _raw(part, "Content-Disposition"), _raw(part, "Content-Type")
    name, given = attachment_name(disposition_raw, type_raw)
    disposition = (part.get_content_disposition() or "").lower()
    kind = part.get_content_type()
    if not given and disposition != "attachment" and kind.startswith(("text/", "multipart/")):
        return None
    if kind.startswith("image/") and part.get("Content-ID") and disposition != "attachment":
        return None  # a picture inside the HTML body (a signature logo), not something attached
    data = part.get_payload(decode=True) or b""
    if name is None:
        suffix = _raw_suffix(disposition_raw, type_raw) or _suffix_for(kind)
        return Attachment(f"附件{number}{suffix}", data, kind, name_ok=False, name_given=given)
    return Attachment(name_shown(name), data, kind)  # a NUL or CR/LF never stored raw, the end kept (item 21)


def _raw_suffix(*raws) -> str:
    """The extension of an undecodable name (the ASCII ".xlsx" survives any encoding)."""
    for raw in raws:
        match = re.search(r"\.(xlsx|xlsm|xls|et|ods|csv|zip|eml|dat)\b", raw or "", re.I)
        if match:
            return "." + match.group(1).lower()
    return ""


def _suffix_for(kind: str) -> str:
    known = {"application/zip": ".zip", "application/x-zip-compressed": ".zip", "message/rfc822": ".eml",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
             "application/vnd.ms-excel": ".xls"}
    return known.get(kind, "")


def recipients(text: str) -> list[str]:
    """Lower-case addresses in a To/Cc text."""
    return [address.lower() for _name, address in getaddresses([text]) if address]


__all__ = ["Attachment", "Letter", "letters_in", "letter_from_bytes", "mbox_messages", "is_maildir",
           "looks_like_mbox", "raw_bytes", "recipients", "MESSAGE_SUFFIXES"]
