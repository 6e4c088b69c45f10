"""Real messages as Chinese mail clients write them, built with Python's ``email`` package.

Each builder returns the bytes of a whole message. Attachment names are written in the forms
found in the wild: RFC 2047 encoded words labelled gb2312/gbk/gb18030 (B and Q), encoded words
split in the middle of a character, RFC 2231 continuations split mid-character, a name only in
Content-Type ``name=``, and raw 8-bit GBK or UTF-8 bytes in the header.
"""
from __future__ import annotations

import base64
import email.policy
import io
import zipfile
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))
XLSX = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def when(day: int, hour: int = 9) -> str:
    return format_datetime(datetime(2016, 12, day, hour, 0, tzinfo=BEIJING))


def iso_utc(day: int, hour: int = 9) -> str:
    return datetime(2016, 12, day, hour, 0, tzinfo=BEIJING).astimezone(timezone.utc).isoformat()


def raw_text(data: bytes) -> str:
    """Bytes as a header string the compat32 generator writes back byte for byte."""
    return data.decode("ascii", "surrogateescape")


# --- how a name is written ------------------------------------------------------------------

def b_word(data: bytes, label: str) -> str:
    return f"=?{label}?B?{base64.b64encode(data).decode()}?="


def q_word(data: bytes, label: str) -> str:
    return f"=?{label}?Q?{''.join(chr(b) if 48 <= b < 127 and chr(b) not in '=?_' else f'={b:02X}' for b in data)}?="


def rfc2231_segments(data: bytes, charset: str, cut: int) -> str:
    """filename*0*=charset''…;filename*1*=… with the bytes cut at ``cut`` (mid-character)."""
    quoted = [_percent(part) for part in (data[:cut], data[cut:])]
    return f"attachment;\n filename*0*={charset}''{quoted[0]};\n filename*1*={quoted[1]}"


def name_styles(name: str) -> dict[str, tuple[str | None, str | None]]:
    """style -> (Content-Disposition, Content-Type params) writing ``name`` that way."""
    gbk, utf8 = name.encode("gbk"), name.encode("utf-8")
    middle = _mid_character(gbk)
    return {
        "2047-gb2312-label-gbk-bytes": (f'attachment; filename="{b_word(gbk, "gb2312")}"', None),
        "2047-gbk-q": (f'attachment; filename="{q_word(gbk, "gbk")}"', None),
        "2047-gb18030-split-mid-char": (
            f'attachment; filename="{b_word(gbk[:middle], "GB18030")}\n {b_word(gbk[middle:], "GB18030")}"', None),
        "2231-gbk-split-mid-char": (rfc2231_segments(gbk, "gbk", middle), None),
        "2231-utf8-split-mid-char": (rfc2231_segments(utf8, "utf-8", _mid_character(utf8)), None),
        "2231-single-gbk": (f"attachment; filename*=GBK''{_percent(gbk)}", None),
        "2231-beside-a-plain-fallback": (f'attachment; filename="fallback.xlsx"; filename*=UTF-8\'\'{_percent(utf8)}', None),
        "2231-single-utf8-in-name-only": (None, f"name*=UTF-8''{_percent(utf8)}"),
        "name-only-in-content-type": (None, f'name="{b_word(gbk, "gb2312")}"'),
        "raw-8bit-gbk": (f'attachment; filename="{raw_text(gbk)}"', None),
        "raw-8bit-utf8": (None, f'name="{raw_text(utf8)}"'),
    }


def _percent(data: bytes) -> str:
    return "".join(f"%{b:02X}" for b in data)


def _mid_character(data: bytes) -> int:
    """An offset inside a multi-byte character (the second byte of the first non-ASCII one)."""
    return next(i for i, b in enumerate(data) if b >= 0x80) + 1


# --- parts and messages ---------------------------------------------------------------------

def workbook_part(data: bytes, disposition: str | None, type_params: str | None, subtype: str = XLSX):
    part = MIMEApplication(data, subtype)
    del part["Content-Type"]
    part["Content-Type"] = f"application/{subtype}" + (f"; {type_params}" if type_params else "")
    if disposition:
        part["Content-Disposition"] = disposition
    return part


def named_part(data: bytes, name: str, subtype: str = XLSX, maintype: str = "application"):
    """An attachment named in the plainest common way (RFC 2047 UTF-8 name and filename)."""
    word = b_word(name.encode("utf-8"), "utf-8")
    part = MIMEBase(maintype, subtype, name=word)
    part.set_payload(data)
    from email import encoders

    encoders.encode_base64(part)
    part["Content-Disposition"] = f'attachment; filename="{word}"'
    return part


def message(sender: str, subject: str, date: str, parts=(), to: str = "评价办 <pg@example.invalid>",
            body: str = "附件是我市的填报表，请查收。", message_id: str = "") -> MIMEMultipart:
    outer = MIMEMultipart()
    outer["From"] = sender
    outer["To"] = to
    outer["Subject"] = b_word(subject.encode("gbk"), "gb2312")  # Foxmail's way: GBK under a gb2312 label
    outer["Date"] = date
    outer["Message-ID"] = message_id or f"<{abs(hash((sender, subject, date)))}@example.invalid>"
    outer.attach(MIMEText(body, "plain", "utf-8"))
    for part in parts:
        outer.attach(part)
    return outer


def forwarded(sender: str, subject: str, date: str, inner) -> MIMEMultipart:
    """A forward: the original message attached as message/rfc822."""
    outer = message(sender, subject, date, body="转发城市报送的邮件。")
    outer.attach(MIMEMessage(inner))
    return outer


def bounce(original) -> MIMEMultipart:
    """A delivery failure report (multipart/report) carrying the original message back."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "Mail Delivery System <MAILER-DAEMON@example.invalid>"
    report["To"] = "pg@example.invalid"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Date"] = when(21)
    report.attach(MIMEText("投递失败：收件人地址不存在。", "plain", "utf-8"))
    report.attach(_delivery_status({"Reporting-MTA": "dns; example.invalid"},
                                   {"Final-Recipient": "rfc822; nobody@example.invalid", "Action": "failed",
                                    "Status": "5.1.1"}))
    report.attach(MIMEMessage(original))
    return report


def _delivery_status(*blocks: dict):
    """message/delivery-status: blocks of header fields (RFC 3464), as MTAs write them."""
    from email.message import Message

    status = Message()
    status.set_type("message/delivery-status")
    fields = []
    for block in blocks:
        part = Message()
        for key, value in block.items():
            part[key] = value
        fields.append(part)
    status.set_payload(fields)
    return status


def as_bytes(msg) -> bytes:
    return msg.as_bytes(policy=email.policy.compat32)


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip as Chinese Windows tools write it: member names in GBK bytes, no UTF-8 flag.

    zipfile writes non-ASCII names as flagged UTF-8, so each name is written as a placeholder of
    the same byte length and then replaced by its GBK bytes (offsets stay valid)."""
    buffer = io.BytesIO()
    names = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (name, data) in enumerate(members.items()):
            gbk = name.encode("gbk")
            placeholder = (f"@{number}@".encode() * len(gbk))[:len(gbk)]
            names[placeholder] = gbk
            archive.writestr(zipfile.ZipInfo(placeholder.decode(), (2016, 12, 20, 9, 0, 0)), data)
    raw = buffer.getvalue()
    for placeholder, gbk in names.items():
        assert raw.count(placeholder) == 2  # the local header and the central directory
        raw = raw.replace(placeholder, gbk)
    return raw


def mbox(messages: list[bytes]) -> bytes:
    """An mboxrd file: a From_ line before each message, body lines starting "From " escaped."""
    out = []
    for raw in messages:
        lines = raw.replace(b"\r\n", b"\n").split(b"\n")
        escaped = [b">" + line if line.lstrip(b">").startswith(b"From ") else line for line in lines]
        out.append(b"From sender@example.invalid Tue Dec 20 09:00:00 2016\n" + b"\n".join(escaped).rstrip(b"\n") + b"\n\n")
    return b"".join(out)
