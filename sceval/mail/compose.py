"""Outgoing mail: a draft per city with its template, reminders, and feedback — as .eml files.

Every message is a Python ``EmailMessage`` (policy SMTP, CRLF). A draft carries ``X-Unsent: 1``
and neither Date nor Message-ID, so Outlook opens it as an unsent message ready to send, and
Foxmail and Thunderbird open it as an ordinary message. The attachment's Chinese name is written
twice: RFC 2231 ``filename*=`` on Content-Disposition (standard) and an RFC 2047 encoded word in
Content-Type ``name="=?UTF-8?B?…?="`` (what Chinese clients and old Outlook read; they ignore
RFC 2231). That header is written pre-folded, because the library would otherwise re-fold it
into RFC 2231 form again, which those clients do not read.
"""
from __future__ import annotations

import base64
import email.policy
import mimetypes
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from sctemplates.atomic import atomic_path
from sctemplates.display import one_line
from sctemplates.file_names import safe_file_name
from sctemplates.province import mailbox

# refold_source="none": headers set raw (the pre-folded Content-Type) are written as they are.
POLICY = email.policy.SMTP.clone(refold_source="none")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_LIMIT = 998  # RFC 5322's line limit: nothing a real From, To or Subject comes near
WORD_BYTES = 39  # UTF-8 bytes per encoded word: 52 base64 characters, a word well under 75


@dataclass(frozen=True)
class Outgoing:
    """One message for one city, and where its .eml was written."""

    city_code: str
    city_name: str
    message: EmailMessage
    path: Path | None = None

    @property
    def has_recipient(self) -> bool:
        return bool(self.message.get("To"))


def new_message(sender: str, to: str, subject: str, body: str, draft: bool = True) -> EmailMessage:
    """``sender`` and ``to`` are made by formataddr/Address from parsed parts (never joined strings);
    every header value is one cleaned line, so a CR/LF or a control character from a roster or a
    configuration can neither inject a header nor make the library raise (issue 21, item 13)."""
    message = EmailMessage(policy=POLICY)
    if sender:
        message["From"] = one_line(sender, HEADER_LIMIT)
    if to:
        message["To"] = one_line(to, HEADER_LIMIT)
    message["Subject"] = one_line(subject, HEADER_LIMIT)
    if draft:
        message["X-Unsent"] = "1"  # Outlook: open as a message to send, not a received one
    message.set_content(body, charset="utf-8")
    return message


def attach(message: EmailMessage, name: str, data: bytes, content_type: str = "") -> None:
    """Attach ``data`` as ``name``, readable by clients that do and that do not read RFC 2231."""
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.lower().endswith(".xlsx"):
        content_type = XLSX_TYPE
    maintype, subtype = content_type.split("/", 1)
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    part = list(message.iter_attachments())[-1]
    del part["Content-Type"]
    part.set_raw("Content-Type", f'{content_type};\n name="{encoded_words(name)}"')


def encoded_words(text: str) -> str:
    """RFC 2047 B-encoded UTF-8 words, folded one per line, never splitting a character."""
    words, chunk = [], ""
    for char in text:
        if len((chunk + char).encode("utf-8")) > WORD_BYTES:
            words.append(chunk)
            chunk = ""
        chunk += char
    words.append(chunk)
    return "\n ".join(f"=?UTF-8?B?{base64.b64encode(word.encode('utf-8')).decode('ascii')}?=" for word in words)


def recipient(name: str, emails: tuple[str, ...]) -> str:
    """The To header for a city's contact(s); "" when the roster has no address."""
    name = one_line(name, 100)
    return ", ".join(mailbox(name, address) if index == 0 and name else address
                     for index, address in enumerate(emails))


def write_eml(message: EmailMessage, path: Path) -> Path:
    """Write one message atomically (CRLF line ends, as mail clients save them)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(message.as_bytes(policy=POLICY))
    return path


def write_all(outgoing: list[Outgoing], folder: Path, suffix: str, problems: list | None = None) -> list[Outgoing]:
    """One .eml per message, named ``<code>_<city>_<suffix>.eml``; a message that cannot be
    written is a MAIL_COMPOSE_FAILED problem naming the city, and the others are still written."""
    from email.errors import MessageError

    from sctemplates.issues import issue

    written = []
    for item in outgoing:
        try:
            path = write_eml(item.message, Path(folder) / safe_file_name(f"{item.city_code}_{item.city_name}_{suffix}.eml"))
        except (ValueError, TypeError, UnicodeError, MessageError) as exc:
            if problems is None:
                raise
            problems.append(issue("MAIL_COMPOSE_FAILED", f"{item.city_name}（{item.city_code}）的邮件无法写出"
                                                         f"（{type(exc).__name__}），其他城市的邮件照常写出"))
            continue
        written.append(Outgoing(item.city_code, item.city_name, item.message, path))
    return written
