"""Which of a city's versions is newer — decided from what travels with the file, not the disk.

Saving e-mail attachments resets their mtimes, so the disk's time alone would let a draft saved
last count over the correction. The bases, most trusted first:

``saved``   the workbook's own last-saved time (docProps/core.xml ``dcterms:modified``: Excel, WPS
            and LibreOffice write it on every save);
``filed``   the 填报日期 the filer typed (a day);
``message`` the Date of the e-mail the file came in (sceval.mail);
``member``  the zip member's stored date (local time of the zipping machine, read as Beijing time);
``mtime``   the file's modification time on disk (or the run's ``--received-at``).

Two versions are compared on the first basis both have whose values differ (a tie on a day-only
填报日期 falls to the next basis). A time more than a day after the run, past year 9999 or
unparsable is dropped before comparing (a warning, resp. an info), so it can never make a file
outrank one whose times are sane; a file that lost a time to the future ranks below one that did
not when no shared basis decides. A mailed workbook cannot have been saved after its mail was
sent: when its save time claims so (a clock is wrong: the PC's, its time zone, or the mail
server's), the mail's time — the latest it can have been saved — stands in for it, with a
warning, and the file's basis is named as the mail's time wherever it is shown. When nothing
decides, the later arrival (batch order, ledger sequence) is the newer, as before. A person can
force the counted version (``sceval ledger use``).

Everything here is pure: times in, verdicts out.
"""
from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sctemplates.issues import Issue, issue

BASES = ("saved", "filed", "message", "member", "mtime")
LABELS = {"saved": "工作簿保存时间", "filed": "填报日期", "message": "邮件发送时间",
          "member": "压缩包内的文件时间", "mtime": "文件修改时间", "manual": "人工指定",
          "future": "另一版本的时间晚于当前时间、不可信", "arrival": "收到先后",
          "blank": "空白模板（未填写数据）不计入"}
FUTURE = "future"  # key in a times dict: bases dropped for lying in the future
# Key in a times dict: the file is a blank template (sceval.evaluate.intent) — never newer than a
# filled return, whatever its times say (an untouched template keeps its render-time save stamp).
BLANK = "blank"
# Key in a times dict: the save time a mailed workbook claimed, later than its mail's Date; its
# ``saved`` then holds the mail's time (see _saved_after_mail).
SAVED_AFTER_MAIL = "saved_after_mail"
# A filer's PC and a mail server keep their own clocks, a minute or two apart: a save time that
# little after the mail is drift, not a wrong clock, and is kept.
MAIL_CLOCK_SLACK = timedelta(minutes=5)
BEIJING = timezone(timedelta(hours=8))
FUTURE_SLACK = timedelta(days=1)
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Verdict:
    """The outcome of comparing version a with version b: ``newer`` 1 (a), -1 (b) or 0 (undecided)."""

    newer: int
    basis: str  # one of BASES, "future", or "" when undecided

    @property
    def label(self) -> str:
        return LABELS.get(self.basis, LABELS["arrival"])


# --- reading times ------------------------------------------------------------------------

def parse_moment(text, basis: str) -> datetime | date | None:
    """A basis's raw value as an aware datetime (a date for ``filed``); None when unreadable."""
    if text is None or text == "":
        return None
    if isinstance(text, datetime):
        return text if text.tzinfo else text.replace(tzinfo=BEIJING)
    if isinstance(text, date):
        return text
    text = str(text).strip()
    if basis == "filed":
        return _day(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = _rfc2822(text)
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if ISO_DAY.match(text[:10]) else None
    except ValueError:
        return None


def _rfc2822(text: str) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _as_text(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()
    return moment.isoformat()


def sane_times(raw: dict, now: datetime, file: str = "") -> tuple[dict, list[Issue]]:
    """The usable travelling times of one file as normalised text (UTC ISO; a day for ``filed``),
    and an Issue for each one dropped: ORDER_TIME_FUTURE (warning) beyond ``now`` + 1 day,
    ORDER_TIME_IGNORED (info) unparsable or out of range. ``raw``: basis -> text (or "")."""
    times: dict = {}
    found: list[Issue] = []
    for basis in BASES:
        value = raw.get(basis)
        if value is None or value == "":
            continue
        moment = parse_moment(value, basis)
        if moment is None:
            found.append(_ignored(file, basis, value))
        elif _in_future(moment, now):
            times.setdefault(FUTURE, []).append(basis)
            found.append(_future(file, basis, moment))
        else:
            times[basis] = _as_text(moment)
    found += _saved_after_mail(times, file)
    return times, found


def _saved_after_mail(times: dict, file: str) -> list[Issue]:
    """TIME_SAVED_AFTER_MAIL, and the mail's time as the save time, when the workbook claims to
    have been saved after the mail carrying it was sent: trusted as-is, a wrong clock would let
    such a file outrank a later correction."""
    if "saved" not in times or "message" not in times:
        return []
    claimed, sent = parse_moment(times["saved"], "saved"), parse_moment(times["message"], "message")
    if claimed <= sent + MAIL_CLOCK_SLACK:
        return []
    times[SAVED_AFTER_MAIL], times["saved"] = times["saved"], times["message"]
    mailed = shown_time(times["message"])
    return [issue("TIME_SAVED_AFTER_MAIL",
                  f"文件 {file} 的工作簿保存时间 {shown_time(times[SAVED_AFTER_MAIL])} 晚于发送它的邮件的发送时间 "
                  f"{mailed}（北京时间）：文件不可能在邮件发出后才保存，应是填报电脑或邮件服务器的时钟（或时区）不准；"
                  f"判断新旧版本时按邮件发送时间 {mailed} 计，不采用工作簿保存时间，请核实", file=file)]


def _in_future(moment: datetime | date, now: datetime) -> bool:
    limit = now.astimezone(BEIJING) + FUTURE_SLACK
    if isinstance(moment, datetime):
        return moment > limit
    return moment > limit.date()


def _future(file: str, basis: str, moment) -> Issue:
    return issue("ORDER_TIME_FUTURE", f"文件 {file} 的{LABELS[basis]} {shown_time(_as_text(moment))} 晚于当前时间，"
                 "不据此判断新旧版本（该文件不会因此顶替时间正常的版本），请核实", file=file)


def _ignored(file: str, basis: str, value) -> Issue:
    text = str(value)[:40]
    return issue("ORDER_TIME_IGNORED", f"文件 {file} 的{LABELS[basis]}“{text}”无法识别或超出范围，"
                 "判断新旧版本时不使用", file=file)


def missing_mtime(file: str) -> Issue:
    """For a file whose mtime could not even be turned into a date (past year 9999)."""
    return issue("ORDER_TIME_IGNORED", f"文件 {file} 的文件修改时间超出可表示的范围，判断新旧版本时不使用", file=file)


def shown_time(text: str) -> str:
    """A stored time for people: Beijing time to the minute; a day as it is."""
    moment = parse_moment(text, "filed" if ISO_DAY.match(text or "") else "saved")
    if isinstance(moment, datetime):
        return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    return moment.isoformat() if moment else str(text)


# --- comparing ----------------------------------------------------------------------------

def compare(a: dict, b: dict) -> Verdict:
    """Version a against version b (each a sane_times dict); a filled return always wins over a
    blank template."""
    if bool(a.get(BLANK)) != bool(b.get(BLANK)):
        return Verdict(-1 if a.get(BLANK) else 1, BLANK)
    for basis in BASES:
        if basis in a and basis in b and a[basis] != b[basis]:
            first, second = parse_moment(a[basis], basis), parse_moment(b[basis], basis)
            if first is not None and second is not None and first != second:
                return Verdict(1 if first > second else -1, basis)
    if bool(a.get(FUTURE)) != bool(b.get(FUTURE)):
        return Verdict(-1 if a.get(FUTURE) else 1, FUTURE)
    return Verdict(0, "")


def newest(candidates: list[dict]) -> tuple[int, list[Verdict]]:
    """Index of the newest of ``candidates`` (times dicts, in arrival order), and for each
    candidate the verdict of the newest against it (Verdict(0, "") for the newest itself).

    A tournament in arrival order: a later candidate takes over when it is newer or undecided,
    so ties go to the later arrival and the result never depends on more than arrival order."""
    best = 0
    for index in range(1, len(candidates)):
        if compare(candidates[index], candidates[best]).newer >= 0:
            best = index
    verdicts = [compare(candidates[best], other) if i != best else Verdict(0, "")
                for i, other in enumerate(candidates)]
    return best, verdicts


def decided_basis(times: dict, verdicts: list[Verdict]) -> tuple[str, str]:
    """(basis, time) recorded for the newest: the most trusted basis that decided against any
    other version, or — alone, or when nothing decided — its own most trusted time."""
    used = {v.basis for v in verdicts if v.basis}
    for basis in BASES:
        if basis in used:
            return shown_basis(basis, times), times.get(basis, "")
    if FUTURE in used:
        return FUTURE, ""
    return own_basis(times)


def own_basis(times: dict) -> tuple[str, str]:
    """A file's most trusted time: what it is judged on."""
    for basis in BASES:
        if basis in times:
            return shown_basis(basis, times), times[basis]
    return "arrival", ""


def shown_basis(basis: str, times: dict) -> str:
    """The basis as recorded and shown: a save time replaced by the mail's time (SAVED_AFTER_MAIL)
    is named the mail's time, so no view calls the mail's time the workbook's save time."""
    return "message" if basis == "saved" and SAVED_AFTER_MAIL in times else basis


def basis_text(basis: str, time: str) -> str:
    """'工作簿保存时间 2016-12-25 10:00' for a recorded (order_basis, order_time); "" for none."""
    if not basis:
        return ""
    label = LABELS.get(basis, basis)
    return f"{label} {shown_time(time)}" if time and basis in BASES else label


def reason(verdict: Verdict, newer_times: dict) -> str:
    """'按工作簿保存时间 2016-12-25 10:00 判定为更新的报送' for a message."""
    if verdict.basis in BASES:
        label = LABELS[shown_basis(verdict.basis, newer_times)]
        return f"按{label} {shown_time(newer_times.get(verdict.basis, ''))} 判定为更新的报送"
    if verdict.basis == "manual":
        return "已由人工指定计入的报送为准"
    if verdict.basis == FUTURE:
        return "另一版本的时间晚于当前时间、不可信，按时间正常的版本判定"
    if verdict.basis == BLANK:
        return "另一版本是未填写数据的空白模板，不顶替已填报的版本"
    return "各项时间无法区分新旧，按收到先后判定为更新的报送"


@dataclass(frozen=True)
class Choice:
    """Which of a city's versions counts: its index, the verdict of it against each version, and
    the basis recorded for it (``manual`` when a person chose it)."""

    index: int
    verdicts: list[Verdict]
    basis: str
    time: str


def choose(times: list[dict], forced_at: list[str] | None = None) -> Choice:
    """The counted version among ``times`` (arrival order): the one a person chose last
    (``forced_at``: when, "" for none), else the newest by the rule above."""
    forced = [i for i, when in enumerate(forced_at or []) if when]
    if forced:
        best = max(forced, key=lambda i: (forced_at[i], i))
        verdicts = [Verdict(0, "") if i == best else Verdict(1, "manual") for i in range(len(times))]
        return Choice(best, verdicts, "manual", forced_at[best])
    best, verdicts = newest(times)
    basis, time = decided_basis(times[best], verdicts)
    return Choice(best, verdicts, basis, time)


def place_of(choice: Choice, index: int, times: dict) -> tuple[str, str]:
    """(order_basis, order_time) recorded for version ``index`` of a choice."""
    if index == choice.index:
        return choice.basis, choice.time
    basis = choice.verdicts[index].basis
    if basis in BASES:
        return shown_basis(basis, times), times.get(basis, "")
    return (basis, "") if basis else ("arrival", "")
