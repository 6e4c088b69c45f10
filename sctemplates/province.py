"""Province configuration: who runs the round, whom cities call, and the deadline.

A province keeps these facts in a small YAML file (see workbooks/province_330000.yaml) so the
templates it sends out carry its own contact lines, never the 2016 notice's. Without a file,
``default_province`` gives a neutral configuration that tells cities to ask their province.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from sctemplates.display import neutral
from sctemplates.issues import Issue, has_errors, issue
from sctemplates.roster import Roster, province_by_code

# Notice 发改办高技[2016]2476号: cities complete their returns by 2016-12-30.
DEFAULT_DEADLINE = "2016-12-30"
DEFAULT_EDITION = "2016"
NO_CONTACT_TEXT = "请与本省评价工作牵头部门联系"
KNOWN_KEYS = {"code", "name", "organiser", "contacts", "deadline", "round_name", "mail_from", "mail_signature"}
CONTACT_KEYS = ("role", "name", "phone", "email")
CONTROLS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")  # C0, DEL, NEL, line/paragraph separators
MULTILINE_CONTROLS = "\n\r"  # a signature may span lines (its body, never a header)


@dataclass(frozen=True)
class Contact:
    role: str  # e.g. 评价组织、数据填报技术支持
    name: str
    phone: str = ""
    email: str = ""

    def line(self) -> str:
        reach = "，".join(part for part in (self.phone, self.email) if part)
        return f"{self.role}：{self.name}　{reach}".strip()


@dataclass(frozen=True)
class ProvinceConfig:
    code: str
    name: str
    organiser: str
    contacts: tuple[Contact, ...]
    deadline: str  # ISO date, YYYY-MM-DD
    round_name: str
    source: str = ""
    # Mail wording (sceval mail): the From line of drafts ("姓名 <地址>"; default: the first
    # contact with an e-mail) and the signature under every message (default: the organiser).
    mail_from: str = ""
    mail_signature: str = ""

    def sender(self) -> str:
        """The From header, built from a parsed address and a display name (never by joining
        strings: an organiser "Evil <evil@x>, y" must stay a name, not become two senders)."""
        from email.utils import parseaddr

        if self.mail_from:
            return mailbox(*parseaddr(self.mail_from))
        first = next((c for c in self.contacts if c.email), None)
        return mailbox(self.organiser, first.email) if first else ""


    def contact_lines(self) -> tuple[str, ...]:
        """Lines for a template's cover; the neutral sentence when no one is named."""
        if not self.contacts:
            return (NO_CONTACT_TEXT,)
        return tuple(contact.line() for contact in self.contacts)


class ProvinceError(ValueError):
    """A province configuration that cannot be used; ``issues`` lists every reason."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        lines = "\n".join(f"  - {i.message}" for i in issues)
        super().__init__(f"省级评价配置有 {len(issues)} 处错误：\n{lines}")


def default_province(roster: Roster, edition: str = DEFAULT_EDITION) -> ProvinceConfig:
    """A configuration from the roster alone: no contacts, the notice's deadline."""
    name = roster.province_name
    return ProvinceConfig(
        code=roster.province_code, name=name, organiser=f"{name}新型智慧城市评价工作牵头部门",
        contacts=(), deadline=DEFAULT_DEADLINE, round_name=f"{edition}年{name}新型智慧城市评价",
    )


def load_province(path: str | Path) -> ProvinceConfig:
    config, issues = check_province(path)
    if config is None or has_errors(issues):
        raise ProvinceError(issues)
    return config


def check_province(path: str | Path) -> tuple[ProvinceConfig | None, list[Issue]]:
    """The configuration and its problems; never raises on bad data."""
    path = Path(path)
    data, problem = _read_yaml(path)
    if problem:
        return None, [problem]
    problems = (_key_problems(data) + _code_problems(data) + _deadline_problems(data) + _mail_problems(data)
                + _control_problems(data))
    contacts, contact_problems = _contacts(data.get("contacts"))
    problems += contact_problems
    config = _build(data, contacts, path)
    return config, [_bad(path, message) for message in problems]


def _bad(path: Path, message: str) -> Issue:
    return issue("PROVINCE_BAD_CONFIG", f"省级评价配置 {path.name}：{message}", file=str(path))


def _read_yaml(path: Path) -> tuple[dict, Issue | None]:
    import yaml

    from sctemplates.strict_yaml import MAX_YAML_BYTES, StrictYamlError, strict_load, yaml_reason

    if not path.is_file():
        return {}, _bad(path, "文件不存在")
    try:
        with open(path, "rb") as stream:  # bounded: a configuration is a few kB
            raw = stream.read(MAX_YAML_BYTES + 1)
        data = strict_load(raw.decode("utf-8"))
    except StrictYamlError as exc:
        return {}, _bad(path, exc.reason)
    except yaml.YAMLError as exc:
        return {}, _bad(path, yaml_reason(exc))
    except UnicodeDecodeError:
        return {}, _bad(path, "不是 UTF-8 编码的文本文件（请在编辑器中另存为 UTF-8）")
    except OSError as exc:
        return {}, _bad(path, f"无法读取（{type(exc).__name__}）")
    if not isinstance(data, dict):
        return {}, _bad(path, "顶层应为映射（code、name、organiser、contacts、deadline、round_name）")
    return data, None


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _key_problems(data: dict) -> list[str]:
    unknown = sorted(str(key) for key in data if key not in KNOWN_KEYS)
    return [f"未知的配置项 {key}（可用：{'、'.join(sorted(KNOWN_KEYS))}）" for key in unknown]


def _mail_problems(data: dict) -> list[str]:
    sender = _text(data.get("mail_from"))
    if sender and not _one_address(sender):
        return [f"发件人 mail_from“{neutral(sender[:80])}”应写作“姓名 <邮箱>”或邮箱地址（只能有一个地址）"]
    return []


def _one_address(text: str) -> bool:
    """Exactly one address with an @ (a comma or a second <…> would add recipients to From)."""
    from email.utils import getaddresses

    found = getaddresses([text])
    return len(found) == 1 and found[0][1].count("@") == 1 and not CONTROLS.search(text)


def _control_problems(data: dict) -> list[str]:
    """CR/LF and other control characters would break a mail header or a workbook's XML (item 13)."""
    problems = []
    for key in sorted(KNOWN_KEYS - {"contacts"}):
        value = data.get(key)
        allowed = MULTILINE_CONTROLS if key == "mail_signature" else ""
        if isinstance(value, str) and _has_controls(value, allowed):
            problems.append(f"配置项 {key} 含换行符或控制字符，请改为一行文字")
    for number, entry in enumerate(data.get("contacts") or [], start=1):
        for key in CONTACT_KEYS:
            value = entry.get(key) if isinstance(entry, dict) else None
            if isinstance(value, str) and _has_controls(value, ""):
                problems.append(f"第{number}位联系人的 {key} 含换行符或控制字符，请改为一行文字")
    return problems


def _has_controls(text: str, allowed: str) -> bool:
    return any(character not in allowed for character in CONTROLS.findall(text.strip()))


def _code_problems(data: dict) -> list[str]:
    code, name = _text(data.get("code")), _text(data.get("name"))
    known = province_by_code()
    if code not in known:
        return [f"省级行政区划代码 code“{code}”无效（应为 6 位代码，如 330000）"]
    if name and name != known[code]:
        return [f"名称 name“{name}”与代码 {code} 对应的“{known[code]}”不一致"]
    return []


def _deadline_problems(data: dict) -> list[str]:
    value = data.get("deadline", DEFAULT_DEADLINE)
    if isinstance(value, dt.date):
        return []
    try:
        dt.date.fromisoformat(_text(value))
    except ValueError:
        return [f"截止日期 deadline“{value}”应为 YYYY-MM-DD 格式的日期"]
    return []


def _contacts(raw) -> tuple[tuple[Contact, ...], list[str]]:
    if raw is None:
        return (), []
    if not isinstance(raw, list):
        return (), ["contacts 应为联系人列表"]
    contacts, problems = [], []
    for number, entry in enumerate(raw, start=1):
        fields = {key: _text(entry.get(key)) for key in CONTACT_KEYS} if isinstance(entry, dict) else {}
        problem = _contact_problem(fields, number)
        if problem:
            problems.append(problem)
        else:
            contacts.append(Contact(**fields))
    return tuple(contacts), problems


def _contact_problem(fields: dict, number: int) -> str:
    if not fields.get("name") or not fields.get("role"):
        return f"第{number}位联系人应填写 role（职责）和 name（姓名）"
    if not fields["phone"] and not fields["email"]:
        return f"第{number}位联系人 {fields['name']} 应至少填写电话或邮箱之一"
    if fields["email"] and "@" not in fields["email"]:
        return f"第{number}位联系人 {fields['name']} 的邮箱“{fields['email']}”格式不正确"
    return ""


def _build(data: dict, contacts: tuple[Contact, ...], path: Path) -> ProvinceConfig:
    code = _text(data.get("code"))
    name = _text(data.get("name")) or province_by_code().get(code, "")
    deadline = data.get("deadline", DEFAULT_DEADLINE)
    deadline = deadline.isoformat() if isinstance(deadline, dt.date) else _text(deadline)
    return ProvinceConfig(
        code=code, name=name, organiser=_text(data.get("organiser")) or f"{name}新型智慧城市评价工作牵头部门",
        contacts=contacts, deadline=deadline,
        round_name=_text(data.get("round_name")) or f"{DEFAULT_EDITION}年{name}新型智慧城市评价",
        source=str(path), mail_from=_text(data.get("mail_from")), mail_signature=_text(data.get("mail_signature")),
    )


def roster_mismatch(config: ProvinceConfig, roster: Roster) -> list[Issue]:
    """A configuration for another province than the roster's is a setup mistake worth naming."""
    if config.code == roster.province_code:
        return []
    return [issue(
        "PROVINCE_BAD_CONFIG",
        f"省级评价配置属于{config.name}（{config.code}），城市名单属于{roster.province_name}（{roster.province_code}）",
        file=config.source,
    )]


def mailbox(name: str, address: str) -> str:
    """"名称 <地址>" with the name quoted when it holds <, >, comma…; Unicode kept (the mail policy
    encodes it when the message is written)."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address
    from email.utils import formataddr

    try:
        return str(Address(display_name=name, addr_spec=address))
    except (ValueError, IndexError, HeaderParseError):
        return formataddr((name, address))
