"""Rosters: which cities take part in a province's round (model first, then the file loaders)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from sctemplates.issues import Issue, has_errors, issue
from sctemplates.roster_files import MAX_ROWS, read_table  # noqa: F401 - MAX_ROWS for callers

# Kinds of city that report straight to the national level and take no optional indicators.
DIRECT_KINDS = ("直辖市", "计划单列市")


@dataclass(frozen=True)
class City:
    code: str  # 6-digit GB/T 2260 code
    name: str
    kind: str  # 地级市 / 副省级市 / 直辖市 / 计划单列市 / 兵团 / 自治州 / 地区 / 盟
    # The city's contact for the round (roster columns 联系人, 邮箱, 电话; optional). Not part of
    # a city's identity: a city from a template's passport equals the same roster city.
    contact: str = field(default="", compare=False)
    email: str = field(default="", compare=False)  # one or more addresses, separated by ; or ，
    phone: str = field(default="", compare=False)

    @property
    def takes_optional(self) -> bool:
        return self.kind not in DIRECT_KINDS

    @property
    def emails(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in EMAIL_SEPARATORS.split(self.email) if part.strip())


@dataclass(frozen=True)
class Roster:
    province_code: str
    province_name: str
    cities: tuple[City, ...]
    source: str = ""

    def by_code(self) -> dict[str, City]:
        """Cities by code; built once per roster (frozen), as ingest asks for it once per file.
        Read-only by convention: callers never change the mapping."""
        return self._by_code

    @cached_property
    def _by_code(self) -> dict[str, City]:
        return {city.code: city for city in self.cities}


# --- loaders ------------------------------------------------------------------------------
# Everything below reads a roster file (CSV or .xlsx) into the model above. Bad data never
# raises mid-way: every broken row becomes an Issue, and load_roster raises one RosterError
# carrying them all so whoever keeps the roster can fix it in one pass.

REGIONS_FILE = Path(__file__).with_name("regions.yaml")
CODE_PATTERN = re.compile(r"^\d{6}$")
# Header spellings accepted for each column (Chinese as typed by provinces, English for tools).
HEADER_ALIASES = {
    "code": ("代码", "行政区划代码", "城市代码", "code"),
    "name": ("名称", "城市", "城市名称", "name"),
    "kind": ("类型", "城市类型", "kind"),
    "contact": ("联系人", "联系人姓名", "contact"),
    "email": ("邮箱", "电子邮箱", "联系邮箱", "email", "e-mail"),
    "phone": ("电话", "联系电话", "phone"),
}
EMAIL_SEPARATORS = re.compile(r"[;；,，、\s]+")
EMAIL_PATTERN = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
PHONE_SEPARATORS = re.compile(r"[\s\-－—()（）+]|转\d+$|ext\.?\d+$", re.I)
DEFAULT_KIND = "地级市"


class RosterError(ValueError):
    """A roster file that cannot be used; ``issues`` says every reason, each with its cell."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        lines = "\n".join(f"  - {i.cell or '-'} {i.message}" for i in issues)
        super().__init__(f"城市名单有 {len(issues)} 处错误：\n{lines}")


@lru_cache(maxsize=1)
def regions() -> dict:
    """The parsed regions.yaml: provinces, corps, national_direct, national, city_kinds."""
    return yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def province_by_code() -> dict[str, str]:
    """6-digit province-level code -> name, including 兵团 and the national pseudo-province."""
    data = regions()
    entries = [*data["provinces"], *data["corps"], data["national"]]
    return {entry["code"]: entry["name"] for entry in entries}


@lru_cache(maxsize=1)
def national_direct_cities() -> tuple[City, ...]:
    """The 直辖市 and 计划单列市 that report straight to the national level."""
    return tuple(City(e["code"], e["name"], e["kind"]) for e in regions()["national_direct"])


def reports_apart(kind: str, province_code: str) -> bool:
    """A 直辖市/计划单列市 in a province's roster evaluates itself and reports to the nation (2476号
    通知): a province's summary and report list it apart (直报国家), never ranked or averaged with
    the province's own cities. In the national roster it is one of the cities like any other."""
    return kind in DIRECT_KINDS and bool(province_code) and province_code != regions()["national"]["code"]


def apart_note(roster: "Roster") -> str:
    """What `roster check` says about the roster's cities that report to the nation ("" if none)."""
    apart = [c for c in roster.cities if reports_apart(c.kind, roster.province_code)]
    if not apart:
        return ""
    named = "、".join(f"{c.name}（{c.code}，{c.kind}）" for c in apart)
    return (f"{named}直接向国家报送，不填本省自选指标：本省的汇总表和评价工作报告将其单独列为“直报国家”，"
            "不参与本省排名、平均值等统计")


def load_roster(path: str | Path, province_code: str | None = None) -> Roster:
    """Read a roster (CSV in UTF-8/GBK, or the first sheet of an .xlsx); raise RosterError."""
    roster, issues = check_roster(path, province_code)
    if roster is None or has_errors(issues):
        raise RosterError(issues)
    return roster


def check_roster(path: str | Path, province_code: str | None = None) -> tuple[Roster | None, list[Issue]]:
    """The roster and every problem found; never raises on bad data."""
    path = Path(path)
    table, issues = read_table(path, _bad_file)
    if table is None:
        return None, issues
    columns, problem = _map_columns(table[0][1], path)
    if problem:
        return None, [problem]
    rows = [(number, _row_fields(values, columns)) for number, values in table[1:]]
    if not rows:
        return None, [_bad_file(path, "名单中没有任何城市（表头下方为空）")]
    cities, issues = _check_rows(rows, columns, path)
    code, row_issues = _province_of(cities, province_code, path, columns)
    issues += row_issues
    name = province_by_code().get(code, "")
    return Roster(code, name, tuple(c for _, c in cities), source=str(path)), issues


def _bad_file(path: Path, message: str, cell: str = "") -> Issue:
    return issue("ROSTER_BAD_FILE", f"城市名单 {path.name}：{message}", file=str(path), cell=cell)


def _map_columns(header: list[str], path: Path) -> tuple[dict[str, int], Issue | None]:
    """field -> column index from the header row; code and name are required."""
    normal = [cell.strip().lower() for cell in header]
    columns = {}
    for field, aliases in HEADER_ALIASES.items():
        found = [i for i, cell in enumerate(normal) if cell in aliases]
        if found:
            columns[field] = found[0]
    missing = [HEADER_ALIASES[f][0] for f in ("code", "name") if f not in columns]
    if missing:
        wanted = "、".join(missing)
        return columns, _bad_file(path, f"第一行表头缺少必需的列：{wanted}（可用表头：代码、名称、类型）", "A1")
    return columns, None


def _row_fields(values: list[str], columns: dict[str, int]) -> dict[str, str]:
    return {field: values[i] if i < len(values) else "" for field, i in columns.items()}


def _cell(columns: dict[str, int], field: str, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(columns.get(field, 0) + 1)}{row}"


def _check_rows(rows, columns, path: Path) -> tuple[list[tuple[int, City]], list[Issue]]:
    """Cities that pass the row rules, each with its row number, and the row problems."""
    cities: list[tuple[int, City]] = []
    issues: list[Issue] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for number, fields in rows:
        found = _row_problems(fields, columns, number, path)
        found += _duplicate_problems(fields, columns, number, path, seen_codes, seen_names)
        issues += found
        if not has_errors(found):
            contact, contact_issues = _contact(fields, columns, number, path)
            issues += contact_issues
            cities.append((number, City(fields["code"], _canonical_name(fields, found), _kind(fields), **contact)))
    return cities, issues


def _canonical_name(fields: dict[str, str], found: list[Issue]) -> str:
    """A name written without (or with another) suffix is kept under the division's own name."""
    if any(i.code == "ROSTER_NAME_SUFFIX" for i in found):
        from sctemplates.divisions import prefectures

        return prefectures()[fields["code"]].name
    return fields["name"]


def _contact(fields, columns, number: int, path: Path) -> tuple[dict[str, str], list[Issue]]:
    """The optional contact columns; a malformed address or phone is a warning and is dropped."""
    contact = {key: fields.get(key, "") for key in ("contact", "email", "phone")}
    where = {"file": str(path), "indicator": fields["code"]}
    issues = []
    bad = [part for part in EMAIL_SEPARATORS.split(contact["email"]) if part and not EMAIL_PATTERN.match(part)]
    if bad:
        issues.append(issue("ROSTER_BAD_EMAIL", f"{path.name} 第{number}行：{fields['name']}的邮箱“{contact['email']}”"
                            "格式不正确（应如 name@example.gov.cn）", cell=_cell(columns, "email", number), **where))
        contact["email"] = ""
    digits = PHONE_SEPARATORS.sub("", contact["phone"])
    if contact["phone"] and not (digits.isdigit() and 7 <= len(digits) <= 13):
        issues.append(issue("ROSTER_BAD_PHONE", f"{path.name} 第{number}行：{fields['name']}的电话“{contact['phone']}”"
                            "不是有效号码（应为 7–13 位数字，如 0571-88888888 或 13800000000）",
                            cell=_cell(columns, "phone", number), **where))
    return contact, issues


def _kind(fields: dict[str, str]) -> str:
    """The stated kind, or the kind implied by the code when the 类型 cell is blank."""
    if fields.get("kind"):
        return fields["kind"]
    return _direct_kinds().get(fields["code"], DEFAULT_KIND)


@lru_cache(maxsize=1)
def _direct_kinds() -> dict[str, str]:
    """Code -> kind of the 直辖市 and 计划单列市 (looked up for every row: built once)."""
    return {c.code: c.kind for c in national_direct_cities()}


def _row_problems(fields, columns, number: int, path: Path) -> list[Issue]:
    code, name = fields["code"], fields["name"]
    at = {"file": str(path), "indicator": code}
    problems = []
    if not CODE_PATTERN.match(code):
        problems.append(issue(
            "ROSTER_BAD_CODE", f"{path.name} 第{number}行：代码“{code}”应为 6 位数字（GB/T 2260 行政区划代码）",
            cell=_cell(columns, "code", number), **at))
    elif code[:2] + "0000" not in province_by_code():
        problems.append(issue(
            "ROSTER_BAD_CODE", f"{path.name} 第{number}行：代码“{code}”不属于任何省级行政区",
            cell=_cell(columns, "code", number), **at))
    if not name:
        problems.append(issue(
            "ROSTER_MISSING_NAME", f"{path.name} 第{number}行：城市名称为空",
            cell=_cell(columns, "name", number), **at))
    elif CODE_PATTERN.match(code) and code[:2] + "0000" in province_by_code() and _is_prefecture(fields):
        problems += _division_problems(code, name, path.name, number, _cell(columns, "name", number), at)
    if name:
        problems += _file_name_problems(code, name, path.name, number, _cell(columns, "name", number), at)
    kind_problem = _kind_problem(fields, path.name, number)
    if kind_problem:
        problems.append(issue("ROSTER_UNKNOWN_KIND", kind_problem, cell=_cell(columns, "kind", number), **at))
    return problems


def _file_name_problems(code: str, name: str, file_name: str, number: int, cell: str, at: dict) -> list[Issue]:
    """A name that cannot stand in a file name as it is (兵团 names such as 第八师:石河子市): a
    warning, since every file sceval writes takes the safe form (sctemplates.file_names)."""
    from sctemplates.file_names import file_name_problem, safe_file_name

    reason = file_name_problem(f"{code}_{name}")  # as in every file name: "<code>_<name>_…"
    if reason is None:
        return []
    shown = safe_file_name(f"{code}_{name}")
    return [issue("ROSTER_NAME_NOT_FILE_NAME", f"{file_name} 第{number}行：名称“{name}”{reason}，不能直接用作文件名；"
                                               f"生成的文件名中写作“{shown}_…”", cell=cell, **at)]


def _is_prefecture(fields: dict[str, str]) -> bool:
    """直辖市 carry provincial codes and 兵团 none of GB/T 2260's: checked by kind, not here."""
    return _kind(fields) not in ("直辖市", "兵团")


def _division_problems(code: str, name: str, file_name: str, number: int, cell: str, at: dict) -> list[Issue]:
    from sctemplates.divisions import name_problem

    found = name_problem(code, name)
    if found is None:
        return []
    issue_code, reason = found
    return [issue(issue_code, f"{file_name} 第{number}行：{reason}", cell=cell, **at)]


def _kind_problem(fields: dict[str, str], file_name: str, number: int) -> str:
    """Why the kind is wrong, or ''. Direct kinds matter: they decide who takes optional items."""
    kind, code = _kind(fields), fields["code"]
    where = f"{file_name} 第{number}行：{fields['name']}（{code}）"
    if kind not in regions()["city_kinds"]:
        return f"{where}类型“{kind}”未知，应为 {'、'.join(regions()['city_kinds'])} 之一"
    direct = _direct_kinds()
    if kind in DIRECT_KINDS and direct.get(code) != kind:
        return f"{where}不在国家确定的{kind}名单中，类型应为地级市等"
    if code in direct and kind != direct[code]:
        return f"{where}是{direct[code]}（不设自选指标），类型应填写“{direct[code]}”"
    return ""


def _duplicate_problems(fields, columns, number, path, seen_codes, seen_names) -> list[Issue]:
    problems = []
    for field, seen, label in (("code", seen_codes, "代码"), ("name", seen_names, "名称")):
        value = fields[field]
        if value and value in seen:
            problems.append(issue(
                "ROSTER_DUPLICATE", f"{path.name} 第{number}行：城市{label}“{value}”与第{seen[value]}行重复",
                file=str(path), cell=_cell(columns, field, number), indicator=fields["code"]))
        elif value:
            seen[value] = number
    return problems


def _province_of(cities, wanted: str | None, path: Path, columns) -> tuple[str, list[Issue]]:
    """The roster's province code, and the cities that fall outside it."""
    code = wanted or _guess_province(cities)
    national = regions()["national"]["code"]
    if code == national:
        direct = {c.code for c in national_direct_cities()}
        outside = [(n, c) for n, c in cities if c.code not in direct]
    else:
        outside = [(n, c) for n, c in cities if c.code[:2] != code[:2]]
    name = province_by_code().get(code, code)
    return code, [
        issue("ROSTER_OUTSIDE_PROVINCE",
              f"{path.name} 第{n}行：{c.name}（{c.code}）不属于{name}（{code}）",
              file=str(path), cell=_cell(columns, "code", n), indicator=c.code)
        for n, c in outside
    ]


def _guess_province(cities) -> str:
    """The most common province among non-direct cities; a direct-only roster is national."""
    direct = {c.code for c in national_direct_cities()}
    prefixes = [c.code[:2] for _, c in cities if c.code not in direct]
    if not prefixes:
        return regions()["national"]["code"]
    return Counter(prefixes).most_common(1)[0][0] + "0000"
