"""What a file's letter says about it once its city is known (run in the worker, per file).

A return sent from an address that is not the city's known contact (roster 邮箱) is a warning,
never a rejection: colleagues forward, and a forward from the contact (an inner From) is enough.
"""
from __future__ import annotations

from email.utils import parseaddr

from sctemplates.issues import Issue, issue


def mail_issues(message: dict | None, city, display: str) -> list[Issue]:
    if not message:
        return []
    found = []
    if message.get("attachment_undecoded"):
        found.append(issue("MAIL_NAME_UNDECODED", f"{display}：附件的文件名无法正确解码，以“{message.get('attachment')}”代称，"
                                                  "请核对原邮件", file=display))
    sender = parseaddr(message.get("from") or "")[1].lower()
    known = contact_addresses(city)
    senders = {sender, *message.get("forwarded_from", ())} - {""}
    if city is not None and known and senders and not senders & known:
        found.append(issue("MAIL_SENDER_UNKNOWN", f"{display} 识别为{city.name}的报送，但发件人 {sender or '（不明）'} "
                                                  f"不是名单中该市的联系邮箱（{'、'.join(sorted(known))}），请核实是否为该市报送",
                           file=display))
    return found


def contact_addresses(city) -> set[str]:
    """The city's known contact addresses from the roster (lower case); empty when none."""
    emails = getattr(city, "emails", ()) if city is not None else ()
    return {address.lower() for address in emails}
