"""How the 附件4 report names a returned file and says what was wrong with it: as the official
knows it (the city and the attachment's name), never by the mail's subject, the sender's address
or the province's local folder (build/folder/…), and in whole sentences.
"""
from __future__ import annotations

import re
from email.utils import parseaddr

from sceval.reports.feedback import sent_name

SEPARATOR = " › "
ADDRESS = re.compile(r"\s*<?[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+>?")
SENTENCE_END = "。！？"
CLAUSE_END = "；，、："
# Where a message begins by naming its file ("文件 X 缺少…", "文件“X”是…"): what is left needs a subject
LEADS = re.compile(r"^(?:文件)?\s*(?:“\s*”|\"\s*\")?\s*(?:的)?\s*")
SUBJECTLESS = ("是", "为", "设置", "已", "大小", "不", "缺少", "含", "中", "与", "无法", "没有", "只有", "超过")
SENT_BASES = ("saved", "filed", "message", "member")  # times that travel with the file (sceval.ledger.ordering)


def attachment_name(display: str, message: dict | None = None) -> str:
    """The file's own name as the city sent it: the mail attachment's, the archive member's, the file's."""
    if message is not None:  # a mail's row: its attachment, or none at all (no attachment, a link, a bounce)
        return str(message.get("attachment") or "来信（未附文件）")
    return sent_name(display)


def file_label(entry: dict, city_names: dict[str, str]) -> str:
    """城市：附件名 for one files[] row of results.json; a letter from no known city names its
    sender by name (never by address) so the official can find it."""
    city = city_names.get(entry.get("city") or "")
    sender = parseaddr((entry.get("message") or {}).get("from", ""))[0].strip()
    who = city or (f"未识别城市（发件人{sender}）" if sender else "未识别城市")
    return f"{who}：{attachment_name(str(entry.get('path') or ''), entry.get('message'))}"


def reason_text(message: str, display: str, named: str = "") -> str:
    """An issue message without the file's description (the table names the file) or any address."""
    letter = display.split(SEPARATOR)[0]
    subject = "该邮件" if display.startswith("邮件“") and message.startswith(letter) else "该文件"
    text = message
    for piece in sorted({display, display.split(SEPARATOR)[0], sent_name(display)} - {""}, key=len, reverse=True):
        text = text.replace(piece, named)
    text = ADDRESS.sub("", text).strip()
    if named:
        return text
    text = LEADS.sub("", text, count=1).lstrip("，：, ")
    return (subject + text) if text.startswith(SUBJECTLESS) else text


def sentence(text: str) -> str:
    """One whole sentence: ends with 。 (a trailing ； or ， becomes 。)."""
    text = text.strip().rstrip("；;，,")
    return text if not text or text[-1] in "。！？" else text + "。"


def whole_sentences(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut after a sentence end (the first sentence whole when it is
    longer); a text the checker already cut (ending in …) loses its unfinished last sentence."""
    text = text.strip()
    cut_before = text.endswith("…")
    body = text.rstrip("…")
    if len(body) <= limit and not cut_before:
        return body
    cut = max(body.rfind(mark, 0, limit) for mark in SENTENCE_END)
    if cut < 0:  # one sentence longer than the limit: cut after its last clause that fits
        clause = max(body.rfind(mark, 0, limit) for mark in CLAUSE_END)
        return body[:clause if clause > 0 else limit] + "……"
    return body[:cut + 1] + ("……" if cut + 1 < len(body) or cut_before else "")


def sent_day(entry: dict | None, filed: str = "") -> str | None:
    """When a file was sent, from what travels with it: the mail's date, else the city's 填报日期
    (``filed``), else its own time on the ordering basis (workbook save time, zip member date), and
    only then when it arrived — never a copy's date on the province's disk when anything better exists."""
    entry = entry or {}
    mailed = (entry.get("message") or {}).get("date")
    if mailed or filed:
        return mailed or filed
    if entry.get("order_basis") in SENT_BASES and entry.get("order_time"):
        return entry["order_time"]
    return entry.get("received_at")
