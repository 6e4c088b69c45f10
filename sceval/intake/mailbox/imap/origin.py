"""Where a stored message came from on the server: the headers sceval.intake.mailbox.imap.store put on it.

Read back by sceval.intake.mailbox.read so that ingest rows name the folder and UID
(``邮箱 城市报送 #1234 › 邮件“主题”（…） › 附件名``) and results.json keeps them (``message.imap``).
"""
from __future__ import annotations

from collections.abc import Callable

FOLDER_HEADER = "X-Sceval-Imap-Folder"
UID_HEADER = "X-Sceval-Imap-Uid"
VALIDITY_HEADER = "X-Sceval-Imap-Uidvalidity"
SKIPPED_HEADER = "X-Sceval-Imap-Skipped"  # a message over the size cap: only its headers are kept
# The stored copy starts with these bytes. A message that merely carries the headers elsewhere (a
# sender writing them into a letter: servers put Received: first) is not taken as fetched.
ORIGIN_MARK = f"{FOLDER_HEADER}: ".encode("ascii")


def imap_origin(header: Callable[[str], str | None]) -> tuple[dict, int]:
    """({folder, uid, uidvalidity} or {}, the size of a message left on the server or 0).

    ``header(name)``: the decoded value of the message's first header of that name, or None."""
    folder, uid = header(FOLDER_HEADER), _number(header(UID_HEADER))
    if not folder or not uid:
        return {}, 0
    origin = {"folder": folder, "uid": uid, "uidvalidity": _number(header(VALIDITY_HEADER))}
    return origin, _number(header(SKIPPED_HEADER))


def _number(text: str | None) -> int:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 20 else 0
