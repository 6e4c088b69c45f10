"""The demo round over e-mail: drafts out, one mailbox of answers back.

The province's drafts (one .eml per city, its template attached) are written into the demo
output; the simulated cities' returns are then packed into one mbox the way they arrive in a real
inbox: attachment names and subjects written by Foxmail/QQ mail (GBK bytes under a gb2312 label),
one name as raw 8-bit GBK, one as RFC 2231 continuations; the corrected return forwarded by a
colleague; the zip of two returns sent by one city's contact (so the other city's return comes
from an address that is not its contact: MAIL_SENDER_UNKNOWN); and a message without its
attachment from the city that never sends its return. Each message's Date is when the return
"arrived" (the file's mtime set by the demo), so the ordering is the same as before.
"""
from __future__ import annotations

import base64
import email.policy
from datetime import datetime, timedelta, timezone
from email import encoders
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, parseaddr
from pathlib import Path

from sctemplates.atomic import atomic_path

MAILBOX = "收件箱.mbox"
DRAFTS_DIR = "1_邮件草稿"
BEIJING = timezone(timedelta(hours=8))
RAW_GBK_CITY, RFC2231_CITY = 3, 4  # by roster position, like the demo's other planted behaviours


def write_drafts(out: Path, roster, templates_dir: Path, province, data_cutoff: str) -> list[Path]:
    """The province's drafts of the round, one per city (sceval mail drafts)."""
    from sceval.mail.compose import write_all
    from sceval.mail.letters import template_drafts

    drafts = template_drafts(roster, templates_dir, province, data_cutoff)
    return [item.path for item in write_all(drafts, out / DRAFTS_DIR, "填报通知")]


def pack_mailbox(returns: list[Path], inbox: Path, roster, province, silent_city: int, corrected_city: int,
                 notes: list[str]) -> Path:
    """Replace the loose returns in ``inbox`` by one mbox of the messages that carried them."""
    by_code = {city.code: (index, city) for index, city in enumerate(roster.cities)}
    to = parseaddr(province.sender())[1] or "pg@example.invalid"
    messages = [_message_for(path, by_code, to, corrected_city, notes) for path in returns]
    silent = roster.cities[silent_city] if silent_city < len(roster.cities) else None
    if silent is not None:
        when = _date(returns[-1], 1)
        messages.append((when, _city_message(silent, to, f"{silent.name}：附件稍后补发", when, [])))
        notes.append(f"{silent.name}：来信未附填报表（MAIL_NO_ATTACHMENT）")
    messages.sort(key=lambda pair: pair[0])
    target = inbox / MAILBOX
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"".join(_mbox_entry(msg) for _when, msg in messages))
    for path in returns:
        path.unlink()
    return target


def _message_for(path: Path, by_code: dict, to: str, corrected_city: int, notes: list[str]):
    when = _date(path)
    if path.suffix == ".zip":
        index, sender = _zip_sender(path, by_code)
        notes.append(f"压缩包由{sender.name}的联系人一并发送：其中另一城市的发件人不是其联系邮箱（MAIL_SENDER_UNKNOWN）")
        return when, _city_message(sender, to, f"{sender.name}等两市填报表（压缩包）", when, [_part(path, "zip", 0)])
    index, city = by_code[path.name[:6]]
    style = {RAW_GBK_CITY: 1, RFC2231_CITY: 2}.get(index, 0)
    subject = f"{city.name}新型智慧城市评价填报表"
    message = _city_message(city, to, subject, when, [_part(path, "xlsx", style)])
    if index == corrected_city and "更正" in path.name:
        notes.append(f"{city.name}：更正版由同事转发（message/rfc822）")
        return when, _forward(message, subject, when)
    return when, message


def _zip_sender(path: Path, by_code: dict):
    import zipfile

    with zipfile.ZipFile(path) as archive:
        code = archive.namelist()[0][:6]
    return by_code[code]


def _date(path: Path, hours: int = 0) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, BEIJING) + timedelta(hours=hours)


def _gbk_word(text: str) -> str:
    """RFC 2047 as Foxmail writes it: GBK bytes under a gb2312 label."""
    return f"=?gb2312?B?{base64.b64encode(text.encode('gbk')).decode()}?="


def _city_message(city, to: str, subject: str, when: datetime, parts: list) -> MIMEMultipart:
    message = MIMEMultipart()
    message["From"] = f"{_gbk_word(city.contact or city.name)} <{city.emails[0] if city.emails else 'city@example.invalid'}>"
    message["To"] = to
    message["Subject"] = _gbk_word(subject)
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<{city.code}.{int(when.timestamp())}@example.invalid>"
    message.attach(MIMEText("您好，附件是我市的填报表，请查收。", "plain", "gbk"))
    for part in parts:
        message.attach(part)
    return message


def _forward(inner: MIMEMultipart, subject: str, when: datetime) -> MIMEMultipart:
    outer = MIMEMultipart()
    outer["From"] = f"{_gbk_word('省评价办公室同事（虚构）')} <office@example.invalid>"
    outer["To"] = inner["To"]
    outer["Subject"] = _gbk_word(f"转发：{subject}")
    outer["Date"] = format_datetime(when + timedelta(minutes=30))
    outer["Message-ID"] = f"<fwd.{int(when.timestamp())}@example.invalid>"
    outer.attach(MIMEText("转发城市的更正版。", "plain", "gbk"))
    outer.attach(MIMEMessage(inner))
    return outer


def _part(path: Path, subtype: str, style: int) -> MIMEBase:
    """The file as an attachment; ``style`` 0: encoded words, 1: raw 8-bit GBK, 2: RFC 2231 GBK."""
    kind = ("application", "zip") if subtype == "zip" else (
        "application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    part = MIMEBase(*kind)
    part.set_payload(path.read_bytes())
    encoders.encode_base64(part)
    gbk = path.name.encode("gbk")
    if style == 1:
        part["Content-Disposition"] = f'attachment; filename="{gbk.decode("ascii", "surrogateescape")}"'
    elif style == 2:
        cut = _inside_a_character(path.name)
        quoted = ["".join(f"%{b:02X}" for b in piece) for piece in (gbk[:cut], gbk[cut:])]
        part["Content-Disposition"] = f"attachment;\n filename*0*=gbk''{quoted[0]};\n filename*1*={quoted[1]}"
    else:
        word = _gbk_word(path.name)
        part.set_param("name", word)
        part["Content-Disposition"] = f'attachment; filename="{word}"'
    return part


def _inside_a_character(name: str) -> int:
    """A GBK byte offset in the middle of the name's middle two-byte character (clients cut there)."""
    offsets, position = [], 0
    for char in name:
        size = len(char.encode("gbk"))
        if size == 2:
            offsets.append(position + 1)
        position += size
    return offsets[len(offsets) // 2]


def _mbox_entry(message) -> bytes:
    raw = message.as_bytes(policy=email.policy.compat32).replace(b"\r\n", b"\n")
    lines = [b">" + line if line.lstrip(b">").startswith(b"From ") else line for line in raw.split(b"\n")]
    return b"From MAILER@example.invalid Tue Dec 20 00:00:00 2016\n" + b"\n".join(lines).rstrip(b"\n") + b"\n\n"
