"""Saved mail as ingest input: every attachment of every letter becomes a gathered file.

Called by sceval.intake.gather for .eml, mbox, .msg files and Maildir folders (also .eml inside
zips and folders). Attachments are written into the run's work folder under generated names
(never the sender's name as a path) and go through the same pipeline as a file in a folder; a zip
attachment is opened like any other zip. Each file carries the letter it came in
(``Gathered.message``: from, to, date, subject, message_id, attachment) and, as its received
time, the letter's Date. What is not a return becomes a row with a MAIL_* code.
"""
from __future__ import annotations

import hashlib
import itertools
from dataclasses import replace
from pathlib import Path

from sceval.intake.file_kinds import WORD_SUFFIXES
from sceval.intake.archives import WORKBOOK_SUFFIXES, gather_archive
from sceval.intake.gathered import Gathered, display_name, rejected
from sceval.intake.mailbox.outlook import NEEDS_EXTRA
from sceval.intake.mailbox.read import MESSAGE_SUFFIXES, Attachment, Letter, is_maildir, letters_in, looks_like_mbox

EMPTY_ROWS = 200  # letters without a return listed one by one per mailbox; the rest are counted
EMPTY_WORDS = {"MAIL_NO_ATTACHMENT": "无附件", "MAIL_BOUNCE": "退信", "MAIL_DRAFT": "草稿"}
SEPARATOR = " › "  # 邮件“主题”（发件人，日期） › 附件名; a letter without a return: › （无附件）/（退信）


def is_mail_source(path: Path) -> bool:
    """A saved-mail input: .eml/.mbox/.msg, a Maildir, or a message file inside a Maildir."""
    if path.is_dir():
        return is_maildir(path)
    if path.suffix.lower() in MESSAGE_SUFFIXES or in_maildir(path):
        return True
    return not path.suffix and path.is_file() and looks_like_mbox(path)  # Thunderbird's "Inbox"


def in_maildir(path: Path) -> bool:
    return path.parent.name in ("cur", "new") and is_maildir(path.parent.parent)


def gather_mail(path: Path, work_dir: Path, stamp: str, found: list, skipped: list, shown: str = "") -> None:
    """Gather every attachment of every letter in ``path``; rows for what carries no return.

    ``shown``: the name of a saved message found inside something else (邮件.zip/a.eml): then the
    letters are shown under it, "邮件.zip/a.eml › 邮件“主题”（…） › 附件名"."""
    container = f"{shown}{SEPARATOR}" if shown else ""
    shown = shown or display_name(path)
    target = work_dir / "mail" / hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    letters = letters_in(path)
    quiet = _EmptyLetters(shown, stamp)
    for number in itertools.count():
        try:  # the mailbox is read as it is walked: a folder or file that fails midway is a row
            letter = next(letters, None)
        except OSError as exc:
            skipped.append(rejected(shown, "MAIL_BAD", f"邮件 {shown} 读取中断（{exc.strerror or exc}）", stamp))
            break
        if letter is None:
            break
        letter.container = container
        if container:  # the container names the saved message already; its work copy's name says nothing
            letter.origin_name = ""
        rows: list = []
        _gather_letter(letter, shown, target / f"{number:05d}", stamp, found, rows)
        skipped += quiet.kept_of(rows)
    skipped += quiet.summary()


class _EmptyLetters:
    """Rows for letters that carry nothing (no attachment, a bounce, a draft): each of the first
    EMPTY_ROWS has its own, the rest of the mailbox are counted in one row — 150,000 empty messages
    made 150,000 rows and 1.2 GB (issue 21, item 4). A letter with an attachment always has its row."""

    def __init__(self, shown: str, stamp: str):
        self.shown, self.stamp, self.kept, self.counted = shown, stamp, 0, {}

    def kept_of(self, rows: list) -> list:
        """``rows`` but the empty-letter ones past the first EMPTY_ROWS, which are counted instead."""
        kept = []
        for row in rows:
            code = row.issues[0].code if len(row.issues) == 1 else ""
            if code in EMPTY_WORDS and self.kept >= EMPTY_ROWS:
                self.counted[code] = self.counted.get(code, 0) + 1
                continue
            self.kept += code in EMPTY_WORDS
            kept.append(row)
        return kept

    def summary(self) -> list:
        if not self.counted:
            return []
        said = "、".join(f"{EMPTY_WORDS[code]} {count:,} 封" for code, count in sorted(self.counted.items()))
        return [rejected(f"{self.shown}{SEPARATOR}（其余 {sum(self.counted.values()):,} 封）", "MAIL_MANY_EMPTY",
                         f"邮件 {self.shown} 中另有不含报送的邮件（{said}）未逐一列出", self.stamp)]


def _gather_letter(letter: Letter, source: str, folder: Path, stamp: str, found: list, skipped: list) -> None:
    if letter.problem or letter.oversize:
        skipped.append(_letter_problem(letter, source, stamp))
        return
    when = letter.date or stamp
    if letter.bounce:
        skipped.append(_row(letter, "MAIL_BOUNCE", f"{letter.shown} 是退信（投递失败通知），其中的附件不作为报送", when,
                            display=f"{letter.shown}{SEPARATOR}（退信）"))
        return
    if letter.too_deep:
        skipped.append(_row(letter, "MAIL_BAD", f"{letter.shown} 中的转发邮件嵌套过深，更深处的附件未打开。"
                                                "请将其中的填报表另存后直接报送", when, display=f"{letter.shown}{SEPARATOR}（嵌套过深）"))
        if not letter.attachments:
            return
    if letter.draft:
        skipped.append(_row(letter, "MAIL_DRAFT", f"{letter.shown} 是未发送的邮件草稿（X-Unsent），不作为报送", when,
                            display=f"{letter.shown}{SEPARATOR}（草稿）"))
        return
    if letter.links and not any(a.suffix in WORKBOOK_SUFFIXES | {".zip"} for a in letter.attachments):
        skipped.append(_link_row(letter, when))  # a signature picture may be attached: the link is what was sent
        if not letter.attachments:
            return
    if not letter.attachments:
        skipped.append(_row(letter, "MAIL_NO_ATTACHMENT", f"{letter.shown} 没有附件，未收到填报表", when,
                            display=f"{letter.shown}{SEPARATOR}（无附件）"))
        return
    for number, attachment in enumerate(letter.attachments):
        _gather_attachment(letter, attachment, folder / f"{number:03d}{attachment.suffix}", when, found, skipped)


def _gather_attachment(letter: Letter, attachment: Attachment, out: Path, when: str, found, skipped) -> None:
    shown = f"{letter.shown}{SEPARATOR}{attachment.name}"
    meta = letter.meta(attachment.name)
    if attachment.name_given and not attachment.name_ok:
        meta["attachment_undecoded"] = True  # sceval.intake.mailbox.checks says so on the file's row
    if attachment.is_tnef:
        skipped.append(_row(letter, "MAIL_TNEF", f"{shown}：这是 Outlook 的 winmail.dat（TNEF 格式），其中的附件无法读取。"
                                                 "请对方改用“纯文本/HTML”格式重新发送，或将附件另存后直接报送", when,
                            display=shown, attachment=attachment.name))
        return
    suffix = attachment.suffix
    if suffix in WORD_SUFFIXES:
        return  # a 附件3 case document: sceval.cases checks it into cases.json; not a rejected return
    if suffix not in WORKBOOK_SUFFIXES | {".zip"}:
        skipped.append(_row(letter, "MAIL_NOT_A_RETURN", f"{shown} 不是工作簿或压缩包，已跳过", when,
                            display=shown, attachment=attachment.name))
        return
    _write(out, attachment.data)
    if suffix == ".zip":
        _gather_zip(out, when, meta, shown, found, skipped)
    else:
        found.append(Gathered(str(out), shown, when, message=meta, notes=_link_note(letter, shown)))


def _link_note(letter: Letter, shown: str) -> tuple:
    """The FILE_LINK_FOLLOWED note the folder walker gives a followed link, for a Maildir message."""
    if not letter.link_target:
        return ()
    from sctemplates.issues import issue

    return (issue("FILE_LINK_FOLLOWED", f"“{letter.origin[:-3]}”是指向“{letter.link_target}”的符号链接，"
                                        "已读取其指向的邮件", file=shown),)


def _gather_zip(out: Path, when: str, meta: dict, shown: str, found: list, skipped: list) -> None:
    """A zip attachment: its members, each carrying the letter (and the archive's display name)."""
    members, rows = [], []
    gather_archive(out, out.parent, when, members, rows, shown=shown)
    found += [replace(item, message=meta) for item in members]
    for row in rows:
        row.message = meta
    skipped += rows


def _write(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)


def _row(letter: Letter, code: str, message: str, when: str, display: str = "", attachment: str = ""):
    outcome = rejected(display or letter.shown, code, message, when)
    outcome.message = letter.meta(attachment)
    return outcome


def _link_row(letter: Letter, when: str):
    """A 超大附件 / 网盘 link instead of an attachment: something was sent, but not a file sceval can read."""
    said = "；".join(link.said() for link in letter.links)
    row = _row(letter, "MAIL_DOWNLOAD_LINK", f"{letter.shown} 没有附件，只有{said}。sceval 不下载链接（链接会过期，"
                                             "内容也无法核实），请对方将填报表作为邮件附件直接发送", when,
               display=f"{letter.shown}{SEPARATOR}（下载链接）")
    row.message["links"] = [{"service": link.service, "url": link.url[:400], "expiry": link.expiry}
                            for link in letter.links]
    return row


def _letter_problem(letter: Letter, source: str, stamp: str):
    if letter.oversize:  # fetched over IMAP, left on the server (sceval.intake.mailbox.imap)
        return _row(letter, "IMAP_MESSAGE_TOO_LARGE", f"{letter.shown} 大小 {letter.oversize / 1048576:.1f} MB，超过上限，"
                                                      "未从邮箱下载。请在网页版邮箱中查看，将其中的填报表另行报送",
                    letter.date or stamp)
    if letter.problem == NEEDS_EXTRA:
        return rejected(source, "MAIL_MSG_NEEDS_EXTRA", f"{source} 是 Outlook .msg 邮件，需先安装可选组件"
                                                         "（pip install 'sceval[msg]'），或在 Outlook 中另存为 .eml 后再回收", stamp)
    shown = source if letter.origin_name in ("", source) and not letter.origin_place else f"{source}{SEPARATOR}{letter.origin[:-3]}"
    return rejected(shown, letter.problem_code, f"邮件文件 {source} {letter.problem}", stamp)
