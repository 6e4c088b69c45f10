"""Outlook .msg files, through the optional ``extract-msg`` package (``pip install sceval[msg]``).

extract-msg is GPL-3.0, so sceval does not depend on it: without it a .msg file is a row with
MAIL_MSG_NEEDS_EXTRA telling the official to install it or to save the message as .eml instead.
"""
from __future__ import annotations

from datetime import timezone
from email.utils import parseaddr
from pathlib import Path

from sceval.intake.mailbox.read import Attachment, Letter

NEEDS_EXTRA = "needs-extra"


def letter_from_msg(path: Path) -> Letter:
    try:
        import extract_msg
    except ImportError:
        return Letter(problem=NEEDS_EXTRA)
    try:
        message = extract_msg.openMsg(str(path))
    except Exception as exc:  # noqa: BLE001 - a broken .msg is a row, never a crash
        return Letter(problem=f"Outlook 邮件无法解析（{type(exc).__name__}）")
    try:
        return _letter(message)
    finally:
        message.close()


def _letter(message) -> Letter:
    sender = str(message.sender or "")
    letter = Letter(sender=sender, address=parseaddr(sender)[1].lower(), to=str(message.to or ""),
                    subject=str(message.subject or ""), message_id=str(getattr(message, "messageId", "") or ""))
    moment = getattr(message, "date", None)
    if moment is not None and hasattr(moment, "astimezone"):
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        letter.date = moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()
        letter.shown_date = moment.strftime("%Y-%m-%d %H:%M")
    for number, item in enumerate(message.attachments, start=1):
        data = item.data if isinstance(item.data, bytes) else None
        if data is None:
            continue  # an embedded .msg; rare in returns, not opened
        name = item.longFilename or item.shortFilename
        letter.attachments.append(Attachment(name or f"附件{number}", data, "application/octet-stream",
                                             name_ok=bool(name)))
    return letter
