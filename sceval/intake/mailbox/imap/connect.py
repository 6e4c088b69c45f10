"""A verified, logged-in IMAP connection, and every way it can fail said in Chinese.

Port 993 is TLS from the first byte (imap.163.com, imap.qq.com, most Coremail systems); any other
port must offer STARTTLS, except a loopback address (tests, local bridges), where plain IMAP is
allowed because nothing leaves the machine. Certificates and host names are always verified.
After LOGIN the client sends RFC 2971 ID: Coremail (163/126 and government systems) otherwise lets
LOGIN succeed and then refuses SELECT with "Unsafe Login". The password is never part of a
message: failures are rebuilt from what happened, and any echo of it is masked.
"""
from __future__ import annotations

import ipaddress
import socket
import ssl
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from sctemplates.issues import Issue, issue

from sceval.errors import ScevalError

PASSWORD_VARIABLE = "SCEVAL_IMAP_PASSWORD"
IMPLICIT_TLS_PORT = 993
TIMEOUT_SECONDS = 30
LOOPBACK_NAMES = {"localhost"}
MASKED_MIN_LENGTH = 6
SETUP_HINT = ("请先在邮箱网页版“设置”中开启 IMAP 服务，并使用客户端授权码（不是网页登录密码），"
              "经环境变量 SCEVAL_IMAP_PASSWORD 或运行时的提示输入")


class ImapFailure(RuntimeError, ScevalError):
    """The mailbox cannot be read (exit 2); ``problem`` is the Issue with the Chinese message."""

    def __init__(self, problem: Issue):
        super().__init__(problem.message)
        self.problem = problem
        self.code = problem.code  # said before the message (IMAP_LOGIN …), as the docs list them


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int = IMPLICIT_TLS_PORT
    user: str = ""
    timeout: float = TIMEOUT_SECONDS
    cafile: str = ""  # extra trusted certificates (a bridge with its own CA); the system's are always used

    @classmethod
    def parse(cls, address: str, user: str, **extra) -> "ImapSettings":
        """``imap.163.com`` (port 993) or ``HOST:PORT``; ``[::1]:1143`` for an IPv6 address."""
        host, port = address.strip(), str(IMPLICIT_TLS_PORT)
        if host.startswith("["):
            host, _, rest = host[1:].partition("]")
            port = rest.lstrip(":") or port
        elif host.count(":") == 1:
            host, port = host.split(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ImapFailure(issue("IMAP_BAD_ADDRESS", f"IMAP 服务器应写作“主机”或“主机:端口”，如 imap.163.com 或 "
                                                        f"imap.qq.com:993，而不是“{address}”"))
        return cls(host, int(port), user, **extra)

    @property
    def shown(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def implicit_tls(self) -> bool:
        return self.port == IMPLICIT_TLS_PORT

    @property
    def loopback(self) -> bool:
        if self.host.lower() in LOOPBACK_NAMES:
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.cafile:
            context.load_verify_locations(cafile=self.cafile)
        return context


def client_id() -> dict:
    """What the ID command says (Coremail rejects an ID line with a trailing space: no empty values)."""
    try:
        release = version("sceval")
    except PackageNotFoundError:
        release = "0"
    return {"name": "sceval", "version": release, "vendor": "sceval"}


@contextmanager
def logged_in(settings: ImapSettings, password: str):
    """An IMAPClient connected, secured, logged in and identified; logged out afterwards."""
    from imapclient import IMAPClient

    with translated(settings, password):
        client = IMAPClient(settings.host, settings.port, ssl=settings.implicit_tls,
                            ssl_context=settings.tls_context(), timeout=settings.timeout)
    try:
        with translated(settings, password):
            _secure(client, settings)
            client.login(settings.user, password)
            if client.has_capability("ID"):
                client.id_(client_id())
        yield client
    finally:
        _quietly_logout(client)


def _secure(client, settings: ImapSettings) -> None:
    if settings.implicit_tls:
        return
    if client.has_capability("STARTTLS"):
        client.starttls(settings.tls_context())
    elif not settings.loopback:
        raise ImapFailure(issue("IMAP_NO_TLS", f"IMAP 服务器 {settings.shown} 不支持 STARTTLS 加密，授权码不能以明文发送。"
                                               "请改用端口 993（如 imap.163.com:993），或向邮箱管理员确认加密端口"))


def _quietly_logout(client) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the work is done or has already failed; a dead socket is fine here
        pass


@contextmanager
def translated(settings: ImapSettings, password: str):
    """Every failure of the library or the network → ImapFailure in Chinese, the password masked."""
    try:
        yield
    except ImapFailure:
        raise
    except Exception as exc:  # noqa: BLE001 - each kind is named in _problem; the rest is still a message
        problem = _problem(exc, settings)
        raise ImapFailure(_masked(problem, password)) from None


def _masked(problem: Issue, password: str) -> Issue:
    """Should a server ever echo the code back; a code too short to be one is not searched for
    (masking "x" would mangle host names), real authorisation codes are 16 characters."""
    if len(password) < MASKED_MIN_LENGTH:
        return problem
    return Issue(problem.code, problem.severity, problem.message.replace(password, "******"))


def _problem(exc: Exception, settings: ImapSettings) -> Issue:
    from imapclient.exceptions import IMAPClientError, LoginError

    where = settings.shown
    detail = server_words(exc)
    if isinstance(exc, LoginError):
        return issue("IMAP_LOGIN", f"登录 {where} 失败（{settings.user}）：用户名或授权码不正确，或未开启 IMAP 服务。"
                                   f"{SETUP_HINT}。服务器答复：{detail}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return issue("IMAP_CERTIFICATE", f"{where} 的证书校验失败（{exc.verify_message}）：连接的可能不是真正的邮箱服务器。"
                                         "请核对服务器地址（如 imap.163.com、imap.qq.com，或单位邮箱管理员给出的地址），"
                                         "不要在不可信的网络中收取")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return issue("IMAP_TIMEOUT", f"连接 {where} 超时（{settings.timeout:g} 秒无响应）：请检查网络、服务器地址和端口，稍后重试")
    if isinstance(exc, ssl.SSLError):
        return issue("IMAP_TLS", f"与 {where} 建立加密连接失败（{detail}）：请确认端口（993 为 SSL 端口）和服务器地址")
    if isinstance(exc, socket.gaierror):
        return issue("IMAP_CONNECT", f"找不到 IMAP 服务器 {settings.host}：请核对地址（163 邮箱为 imap.163.com，QQ 邮箱为 "
                                     "imap.qq.com，单位邮箱请问管理员）和网络")
    if isinstance(exc, OSError):
        return issue("IMAP_CONNECT", f"无法连接 IMAP 服务器 {where}（{detail}）：请核对地址和端口，确认网络可以访问该服务器")
    if isinstance(exc, IMAPClientError):
        return issue("IMAP_PROTOCOL", f"IMAP 服务器 {where} 拒绝了请求：{detail}")
    return issue("IMAP_PROTOCOL", f"与 IMAP 服务器 {where} 通信出错（{type(exc).__name__}）")


def server_words(exc: Exception) -> str:
    """What the server or the system said, as text and bounded (quoted inside the Chinese message)."""
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else (exc.args[0] if exc.args else str(exc))
    if isinstance(text, bytes):  # the server's own words (imapclient passes its bytes on)
        text = text.decode("utf-8", "replace")
    return str(text).strip()[:200] or type(exc).__name__
