"""Late returns (issue 20, item 5): the day a return was sent against the round's deadline.

The deadline is the province configuration's (``--province`` at ingest), else the one printed in
the template's passport (the province's when it was rendered), else the notice's default. The
day a file was sent is, most trusted first: the e-mail's Date, the 填报日期 the filer typed, the
workbook's own save time, the zip member's date — never the disk's mtime, which is the day the
attachment was saved, not sent. All in Beijing time. A late return still counts, with a warning.
"""
from __future__ import annotations

from datetime import date, datetime

from sctemplates.issues import Issue, issue
from sctemplates.province import DEFAULT_DEADLINE

from sceval.ledger import ordering

SENT_BASES = ("message", "filed", "saved", "member")


def deadline_of(configured: str, passport) -> str:
    return configured or (getattr(passport, "deadline", "") if passport is not None else "") or DEFAULT_DEADLINE


def sent_day(times: dict) -> tuple[str, date] | None:
    """(basis, Beijing day) the file was sent on, or None when no travelling time says so."""
    for basis in SENT_BASES:
        moment = ordering.parse_moment(times.get(basis), basis)
        if isinstance(moment, datetime):
            return basis, moment.astimezone(ordering.BEIJING).date()
        if isinstance(moment, date):
            return basis, moment
    return None


def lateness(times: dict, deadline: str) -> dict | None:
    """{"days", "deadline", "basis", "day"} when the file was sent after the deadline, else None."""
    sent = sent_day(times)
    try:
        due = date.fromisoformat(deadline)
    except (TypeError, ValueError):
        return None
    if sent is None or sent[1] <= due:
        return None
    basis, day = sent
    return {"days": (day - due).days, "deadline": deadline, "basis": basis, "day": day.isoformat()}


def late_issue(late: dict, file: str) -> Issue:
    return issue("SUBMISSION_LATE", f"文件 {file} 的{ordering.LABELS[late['basis']]}为 {late['day']}，"
                                    f"晚于报送截止日期 {late['deadline']} 共 {late['days']} 天；照常计分", file=file)


def late_text(late: dict | None) -> str:
    """'逾期 6 天（邮件发送时间 2017-01-05）' for views; "" when on time."""
    if not late:
        return ""
    return f"逾期 {late['days']} 天（{ordering.LABELS.get(late['basis'], '')} {late['day']}）"
