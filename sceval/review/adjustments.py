"""Review adjustments: a reviewer's corrected value for one input of one city, kept in the ledger.

A province checks a city's evidence by phone and corrects one value; the city's workbook stays as
it was sent. Each adjustment is a row of the ledger's ``adjustments`` table (the same SQLite file
as the submissions, ``<out>/ledger.sqlite``), append-only: who (``by``), when (``at``), why. An
undo is a new row naming the one it undoes, never a delete. For each (city, input) the newest
adjustment not undone is in force; undoing it brings back the one before, or the value as read.

The next scoring applies them (``sceval ingest`` again, ``sceval rescore``, or ``sceval adjust``
itself, which rescores its results folder in place): sceval.review.rescore. results.json shows
``cities[].adjustments: [{"input", "original", "adjusted", "why", "by", "at"}]``; the city's
issues gain an ADJUST_APPLIED info naming both values and the reason (feedback, 问题清单), and
the summary's 得分明细 shows the adjusted value beside the original.
"""
from __future__ import annotations

import getpass
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sctemplates.issues import issue
from sctemplates.methods import show_number
from sctemplates.model import Catalog, Input

from sceval.evaluate.parse import RawCell, parse_input
from sceval.ledger.ledger import iso_time
from sceval.ledger.ordering import shown_time
from sceval.errors import ScevalError

SCHEMA = """CREATE TABLE IF NOT EXISTS adjustments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    city_code TEXT NOT NULL,
    input TEXT NOT NULL,           -- the input's defined name, e.g. SC_L1P1_A1_NUM
    value TEXT,                    -- Decimal text or a choice label; null on an undo row
    why TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,              -- ISO 8601 UTC
    undoes INTEGER REFERENCES adjustments (id),
    sha256 TEXT NOT NULL DEFAULT ''  -- the return whose value was adjusted (a newer return ends it)
)"""


class AdjustmentProblem(ValueError, ScevalError):
    """What the reviewer asked for cannot be recorded (Chinese message)."""


@dataclass(frozen=True)
class Adjustment:
    id: int
    city: str
    input: str
    value: object  # Decimal or a choice label
    why: str
    by: str
    at: str
    sha256: str = ""  # the counted return it was made on; "" applies to whichever counts


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container): say so rather than fail
        return "未知用户"


class AdjustmentBook:
    """The adjustments table of one ledger file; a context manager."""

    def __init__(self, ledger_path, busy_seconds: float = 10) -> None:
        Path(ledger_path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(ledger_path), isolation_level=None, timeout=busy_seconds)
        self._db.execute(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(adjustments)")}
        if "sha256" not in columns:  # a table from before adjustments were bound to their return
            self._db.execute("ALTER TABLE adjustments ADD COLUMN sha256 TEXT NOT NULL DEFAULT ''")

    def __enter__(self) -> "AdjustmentBook":
        return self

    def __exit__(self, *exc) -> None:
        self._db.close()

    def record(self, city: str, name: str, value, why: str, by: str = "", sha256: str = "") -> Adjustment:
        return self._insert(city, name, str(value), why, by, None, sha256)

    def undo(self, number: int, why: str = "", by: str = "") -> Adjustment:
        row = self._db.execute("SELECT city_code, input, undoes FROM adjustments WHERE id = ?", (number,)).fetchone()
        if row is None or row[2] is not None:
            raise AdjustmentProblem(f"台账中没有编号为 {number} 的调整记录（撤销记录本身不能再撤销）")
        if self._db.execute("SELECT 1 FROM adjustments WHERE undoes = ?", (number,)).fetchone():
            raise AdjustmentProblem(f"编号为 {number} 的调整已经撤销过")
        return self._insert(row[0], row[1], None, why or f"撤销调整 {number}", by, number)

    def _insert(self, city, name, value, why, by, undoes, sha256: str = "") -> Adjustment:
        at = iso_time()
        cursor = self._db.execute(
            "INSERT INTO adjustments (city_code, input, value, why, by, at, undoes, sha256) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (city, name, value, why, by or default_user(), at, undoes, sha256))
        return Adjustment(cursor.lastrowid, city, name, value, why, by or default_user(), at, sha256)

    def rows(self) -> list[tuple]:
        return self._db.execute("SELECT id, city_code, input, value, why, by, at, undoes, sha256 FROM adjustments "
                                "ORDER BY id").fetchall()

    def in_force(self, catalogs: list[Catalog]) -> dict[str, list[Adjustment]]:
        """city code -> its adjustments in force, one per input (the newest not undone)."""
        rows = self.rows()
        undone = {row[7] for row in rows if row[7] is not None}
        items = {item.name: item for c in catalogs for _, _, item in c.inputs()}
        latest: dict[tuple[str, str], Adjustment] = {}
        for number, city, name, value, why, by, at, undoes, sha256 in rows:
            if undoes is None and number not in undone and name in items:
                latest[(city, name)] = Adjustment(number, city, name, _typed(items[name], value), why, by, at, sha256)
        found: dict[str, list[Adjustment]] = {}
        for (city, _), adjustment in sorted(latest.items(), key=lambda pair: pair[1].id):
            found.setdefault(city, []).append(adjustment)
        return found


def restore_from(results_path, ledger_path) -> int:
    """Record again, under their own numbers, the adjustments in force that a results.json shows,
    into a ledger whose adjustments table is empty (it was rebuilt from that results.json)."""
    import json

    try:
        results = json.loads(Path(results_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    with AdjustmentBook(ledger_path) as book:
        if book.rows():
            return 0
        rows = [(a.get("id"), c["code"], a["input"], str(a["adjusted"]), a.get("why", ""), a.get("by", ""),
                 a.get("at", ""), c.get("sha256") or "")
                for c in results.get("cities") or [] for a in c.get("adjustments") or []]
        for row in rows:
            book._db.execute("INSERT INTO adjustments (id, city_code, input, value, why, by, at, sha256) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
        return len(rows)


def _typed(item: Input, text: str):
    return text if item.choices else Decimal(text)


def read_in_force(ledger_path, catalogs: list[Catalog]) -> dict[str, list[Adjustment]]:
    """The adjustments in force in a ledger file; none when the file does not exist yet."""
    if ledger_path is None or not Path(ledger_path).is_file():
        return {}
    with AdjustmentBook(ledger_path) as book:
        return book.in_force(catalogs)


# --- what the reviewer names: a city, an input, a value ---------------------------------------

def find_city(results: dict, text: str) -> dict:
    wanted = str(text).strip()
    for entry in results.get("cities") or []:
        if wanted in (entry.get("code"), entry.get("name")):
            return entry
    raise AdjustmentProblem(f"结果中没有城市“{wanted}”（请写城市代码或名称，如 330100 或 杭州市）")


def find_input(catalogs: list[Catalog], text: str, role: str = "") -> tuple[str, Input]:
    """(owning indicator code, input) by defined name, or by sub-item code with a role or label."""
    wanted, role = str(text).strip(), str(role or "").strip()
    every = [(code, item) for c in catalogs for code, item in c.city_inputs()]
    named = [(code, item) for code, item in every if item.name == wanted]
    if named:
        return named[0]
    owned = [(code, item) for code, item in every if code == wanted]
    if not owned:
        raise AdjustmentProblem(f"指标目录中没有城市填报的输入项或分项“{wanted}”（请写填报表中该单元格的定义名称，"
                                "或分项编码加 --role；见 sceval catalog --json）")
    chosen = [(code, item) for code, item in owned if role in (item.role, item.label)] if role else owned
    if len(chosen) != 1:
        choices = "、".join(f"{item.role}（{item.label}）" for _, item in owned)
        raise AdjustmentProblem(f"分项 {wanted} 有多个输入项，请用角色或名称指明调整哪一个：{choices}")
    return chosen[0]


def parse_value(code: str, item: Input, text) -> object:
    """The reviewer's value read by the same tolerant parser as a city's cell, then the catalog's
    range rules: a value the catalog would refuse is refused here, with the reason."""
    parsed = parse_input(RawCell(text if isinstance(text, str) else text), item, indicator=code)
    if not parsed.ok:
        reasons = "；".join(i.message for i in parsed.issues) or "未填写"
        raise AdjustmentProblem(f"调整值“{text}”无法作为 {code}（{item.label}）的数值使用：{reasons}")
    problems = _range_problems(item, parsed)
    if problems:
        raise AdjustmentProblem(f"调整值不符合指标目录的要求：{problems[0].message}")
    return parsed.value


def _range_problems(item: Input, parsed) -> list:
    from sceval.evaluate.checks import _check_value  # the very rule ingest applies to the cell

    return _check_value(item, parsed, _Nowhere())


class _Nowhere(dict):
    def __missing__(self, name):
        return {}


# --- what results.json, feedback and the summary show ---------------------------------------

def input_owners(catalogs: list[Catalog]) -> dict[str, tuple[str, Input]]:
    """input name -> (code of the indicator that owns it, the input)."""
    return {item.name: ((sub or second).code, item) for c in catalogs for second, sub, item in c.inputs()}


def adjusted_values(adjustments: list[Adjustment], owners: dict) -> dict:
    return {a.input: a.value for a in adjustments if a.input in owners}


def _shown(value) -> str:
    if value is None:
        return "（未填或无法使用）"
    return show_number(value) if isinstance(value, (int, float, Decimal)) else str(value)


def adjustment_note(adjustment: Adjustment, entry: dict, owners: dict) -> dict:
    """The ADJUST_APPLIED info on the city's row: original and adjusted value, reason, who, when."""
    code, item = owners[adjustment.input]
    original = (entry.get("inputs") or {}).get(adjustment.input)
    message = (f"审核调整（第 {adjustment.id} 号）：{code}（{item.label}，{adjustment.input}）原填报值 {_shown(original)}，"
               f"调整为 {_shown(adjustment.value)}；原因：{adjustment.why}；调整人：{adjustment.by}，"
               f"时间：{shown_time(adjustment.at)}")
    found = issue("ADJUST_APPLIED", message, indicator=code)
    return {key: getattr(found, key) for key in ("code", "severity", "sheet", "cell", "indicator", "message")}


def stale_note(adjustment: Adjustment, entry: dict) -> dict:
    """ADJUST_STALE: the city sent a newer return since; the reviewer's value no longer applies."""
    message = (f"第 {adjustment.id} 号审核调整（{adjustment.input} 调整为 {_shown(adjustment.value)}，"
               f"{shown_time(adjustment.at)}）针对的是该城市此前的报送（SHA-256 {adjustment.sha256[:12]}），城市已报送新的版本，"
               "按新版本填报的数值计分；如仍需调整，请重新运行 sceval adjust")
    found = issue("ADJUST_STALE", message)
    return {key: getattr(found, key) for key in ("code", "severity", "sheet", "cell", "indicator", "message")}


def adjustment_fields(adjustments: list[Adjustment], entry: dict) -> list[dict]:
    """results.json's cities[].adjustments; ``original`` is the value as read from the return."""
    from sceval.results.model import input_value

    stored = entry.get("inputs") or {}
    return [{"id": a.id, "input": a.input, "original": stored.get(a.input), "adjusted": input_value(a.value),
             "why": a.why, "by": a.by, "at": a.at} for a in adjustments]


# --- recording against a results folder, then rescoring it in place ----------------------------

@dataclass(frozen=True)
class Request:
    """One adjustment as a reviewer writes it (command line or a row of 调整.xlsx)."""

    city: str
    input: str
    value: object
    why: str
    role: str = ""
    by: str = ""
    where: str = ""  # e.g. "调整.xlsx 第 3 行", for messages


def resolve_request(results: dict, catalogs: list[Catalog], request: Request) -> tuple[str, str, object, str]:
    """(city code, input name, parsed value, sha256 of the city's counted return), or
    AdjustmentProblem naming the request."""
    try:
        city = find_city(results, request.city)
        if city.get("total") is None:
            raise AdjustmentProblem(f"城市“{city.get('name')}”没有计分的报送，无法调整")
        code, item = find_input(catalogs, request.input, request.role)
        if not str(request.why or "").strip():
            raise AdjustmentProblem("请用 --why 写明调整原因（如“电话核实，以佐证材料为准”）")
        value = parse_value(code, item, request.value)
        _check_pair(catalogs, code, item, value, city)
        return city["code"], item.name, value, city.get("sha256") or ""
    except AdjustmentProblem as problem:
        raise AdjustmentProblem(f"{request.where}：{problem}" if request.where else str(problem)) from None


def _check_pair(catalogs: list[Catalog], code: str, item: Input, value, city: dict) -> None:
    """A numerator or denominator is checked against the other value of its ratio as it stands
    (a zero denominator, a numerator above it where the method forbids): refused, not recorded."""
    from sceval.evaluate.checks import _check_ratio_values  # the rule ingest applies to the pair

    sub = next((s for c in catalogs for s in c.sub_items() if s.code == code), None)
    if sub is None or item.role not in ("numerator", "denominator"):
        return
    stored = city.get("inputs") or {}
    values = {role: stored.get(sub.input(role).name) for role in ("numerator", "denominator")}
    values[item.role] = value
    if any(v is None for v in values.values()):
        return
    numbers = {role: Decimal(str(v)) for role, v in values.items()}
    problems = _check_ratio_values(sub, numbers["numerator"], numbers["denominator"], _Nowhere())
    if problems:
        raise AdjustmentProblem(f"调整后 {code} 的分子、分母不符合计分规则：{problems[0].message}")
