"""Send drafts through an SMTP server (163/QQ/政务邮箱 or a local relay), bounded in time.

The password — for 163/QQ mail the "授权码", not the login password — is read from the
environment variable SCEVAL_SMTP_PASSWORD only, never from the command line (where it would
show in the shell history and the process list). A draft becomes a real message on the way out:
``X-Unsent`` is dropped, Date and Message-ID are added.
"""
from __future__ import annotations

import copy
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

PASSWORD_VARIABLE = "SCEVAL_SMTP_PASSWORD"
TIMEOUT_SECONDS = 30
IMPLICIT_TLS_PORT = 465  # smtp.163.com:465, smtp.qq.com:465: TLS from the first byte, not STARTTLS


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    starttls: bool = False
    user: str = ""
    implicit_tls: bool | None = None  # None: by the port (465)
    cafile: str = ""  # extra trusted certificates (a relay with its own CA); the system's are always used

    @property
    def uses_implicit_tls(self) -> bool:
        return self.port == IMPLICIT_TLS_PORT if self.implicit_tls is None else self.implicit_tls

    def tls_context(self):
        """Certificates and host names are verified: an authorisation code never goes to an impostor."""
        import ssl

        context = ssl.create_default_context()
        if self.cafile:
            context.load_verify_locations(cafile=self.cafile)
        return context

    @classmethod
    def parse(cls, address: str, starttls: bool = False, user: str = "") -> "SmtpSettings":
        host, _, port = address.rpartition(":") if ":" in address else (address, "", "25")
        if not host or not port.isdigit():
            raise ValueError(f"SMTP 服务器应写作“主机:端口”，如 smtp.163.com:25，而不是“{address}”")
        return cls(host, int(port), starttls, user)


def outgoing_copy(message: EmailMessage) -> EmailMessage:
    """The message as sent: no X-Unsent, with Date and Message-ID."""
    sent = copy.deepcopy(message)
    del sent["X-Unsent"]
    if not sent["Date"]:
        sent["Date"] = formatdate(localtime=True)
    if not sent["Message-ID"]:
        domain = parseaddr(str(sent["From"] or ""))[1].rpartition("@")[2] or "sceval.invalid"
        sent["Message-ID"] = make_msgid(domain=domain)
    return sent


def send_all(messages: list[EmailMessage], settings: SmtpSettings, password: str | None = None) -> list[str]:
    """Send each message that has a recipient; returns one Chinese line per message (sent or why not)."""
    password = password if password is not None else os.environ.get(PASSWORD_VARIABLE, "")
    if settings.user and not password:
        raise ValueError(f"已指定 SMTP 用户 {settings.user}，但环境变量 {PASSWORD_VARIABLE} 中没有授权码")
    report = []
    with _connect(settings) as server:
        if settings.starttls and not settings.uses_implicit_tls:
            server.starttls(context=settings.tls_context())
        if settings.user:
            server.login(settings.user, password)
        for message in messages:
            report.append(_send_one(server, message))
    return report


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.uses_implicit_tls:
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=settings.tls_context())
    return smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)


def _send_one(server: smtplib.SMTP, message: EmailMessage) -> str:
    subject = str(message["Subject"] or "")
    if not message["To"]:
        return f"未发送（没有收件人）：{subject}"
    try:
        server.send_message(outgoing_copy(message))
    except smtplib.SMTPException as exc:
        return f"发送失败（{exc}）：{subject}"
    return f"已发送至 {message['To']}：{subject}"
