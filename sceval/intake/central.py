"""The central feed: values the secretariat supplies per city (every catalog input whose source is
not "city", e.g. a centrally measured score rate or the citizen survey score).

`write_central_template` renders a fill-in workbook (a row per roster city, a column per such
input, with validation); `load_central` reads it back into exact Decimals, Issues per city and
Issues about the file, or raises CentralUnusable (`read_central`: the same as two plain values).
A blank cell is simply absent: no value is ever invented.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sctemplates.atomic import atomic_path
from sctemplates.issues import Issue, issue
from sctemplates.layout import SHEET_PASSPORT
from sctemplates.model import Catalog, Input

from sceval.evaluate import parse
from sceval.workbook.cell_refs import column_letters
from sceval.errors import ScevalError

SHEET = "秘书处统一数据"
CODE_KEY = "CITY_CODE"  # machine keys in a hidden row; headers for people are below them
LEAD_KEYS = (CODE_KEY, "CITY_NAME", "CITY_KIND")
LEAD_HEADERS = ("城市代码", "城市名称", "类型")
KEY_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3  # 0-based rows as written by xlsxwriter


@dataclass(frozen=True)
class FeedColumn:
    code: str  # the indicator that owns the input
    name: str
    item: Input

    @property
    def header(self) -> str:
        unit = f"，单位：{self.item.unit}" if self.item.unit else ""
        bounds = f"，{self.item.min}–{self.item.max}" if self.item.min is not None else ""
        return f"{self.code} {self.name}\n{self.item.label}（{unit.lstrip('，')}{bounds}）"


def feed_columns(catalog: Catalog) -> list[FeedColumn]:
    """Every input the city does not fill, in catalog order."""
    return [FeedColumn((sub or second).code, (sub or second).name, item)
            for second, sub, item in catalog.inputs() if not item.city_fills]


def _validation(item: Input) -> dict:
    low = float(item.min if item.min is not None else 0)
    high = float(item.max if item.max is not None else 100)
    return {"validate": "decimal", "criteria": "between", "minimum": low, "maximum": high,
            "error_title": "数值无效", "error_message": f"请填写 {low:g} 到 {high:g} 之间的数字；"
            "暂无数据请留空。", "input_title": "填写说明",
            "input_message": f"{item.label}：{low:g}–{high:g}，暂无数据请留空"}


def write_central_template(roster, path: str | Path, catalog: Catalog) -> Path:
    """A fill-in workbook for the secretariat: a row per roster city, a column per feed input."""
    import xlsxwriter

    columns = feed_columns(catalog)
    path = Path(path)
    with atomic_path(path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False,
                                                  "strings_to_numbers": False})
        _write_sheet(workbook, roster, columns, catalog)
        workbook.set_custom_property("sceval.kind", "central-feed")
        workbook.set_custom_property("sceval.fingerprint", catalog.fingerprint())
        workbook.close()
    return path


def _write_sheet(workbook, roster, columns: list[FeedColumn], catalog: Catalog) -> None:
    ws = workbook.add_worksheet(SHEET)
    bold = workbook.add_format({"bold": True, "font_size": 12})
    header = workbook.add_format({"bold": True, "text_wrap": True, "bg_color": "#DDEBF7",
                                  "border": 1, "valign": "vcenter"})
    locked = workbook.add_format({"border": 1, "bg_color": "#F2F2F2"})
    entry = workbook.add_format({"border": 1, "locked": False, "num_format": "0.00"})
    ws.write_string(0, 0, f"{roster.province_name}秘书处统一数据（{catalog.title}，指纹 "
                          f"{catalog.fingerprint()}）：请在白色单元格填写数值，暂无数据请留空", bold)
    for col, key in enumerate(list(LEAD_KEYS) + [c.item.name for c in columns]):
        ws.write_string(KEY_ROW, col, key)
    ws.set_row(KEY_ROW, None, None, {"hidden": True})
    for col, text in enumerate(list(LEAD_HEADERS) + [c.header for c in columns]):
        ws.write_string(HEADER_ROW, col, text, header)
    ws.set_row(HEADER_ROW, 60)
    for row, city in enumerate(roster.cities, start=FIRST_DATA_ROW):
        for col, text in enumerate((city.code, city.name, city.kind)):
            ws.write_string(row, col, text, locked)
        for col in range(len(LEAD_KEYS), len(LEAD_KEYS) + len(columns)):
            ws.write_blank(row, col, None, entry)
    last = FIRST_DATA_ROW + max(len(roster.cities), 1) - 1
    for col, column in enumerate(columns, start=len(LEAD_KEYS)):
        ws.data_validation(FIRST_DATA_ROW, col, last, col, _validation(column.item))
    ws.set_column(0, 2, 11)
    ws.set_column(len(LEAD_KEYS), len(LEAD_KEYS) + len(columns) - 1, 30)
    ws.freeze_panes(FIRST_DATA_ROW, len(LEAD_KEYS))
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True})


# --- reading -------------------------------------------------------------------------------
# The feed is typed by people too, and it is a file from the outside like any return: it goes
# through the same preflight (sceval.safety.preflight) and the same bounded reader
# (sceval.workbook.book), and its cells through the same tolerant parser as city cells
# (sceval.evaluate.parse). A file that cannot be used at all stops the run (CentralUnusable) —
# every city would silently lose those points otherwise; a cell that cannot be read is an error
# on that city's row, its points pending (待补分值) until the secretariat corrects it.

class CentralUnusable(ScevalError):
    """The feed file cannot be used at all; ``issue`` (CENTRAL_UNUSABLE) names the file and why,
    the message adds what to do."""

    code = "CENTRAL_UNUSABLE"

    def __init__(self, path: Path, why: str):
        self.issue = issue(self.code, f"秘书处统一数据文件 {path.name} 无法使用：{why}", file=path.name)
        super().__init__(f"{self.issue.message}\n本次回收未进行：请修正或更换秘书处统一数据文件后重新运行。")


@dataclass
class CentralFeed:
    """What the feed says: values per city, Issues per city (its cells), Issues about the file."""

    values: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    city_issues: dict[str, list[Issue]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        """A cell that could not be read: the run's results are written, and it exits 1."""
        return any(i.is_error for i in self.all_issues())

    def all_issues(self) -> list[Issue]:
        return self.issues + [i for found in self.city_issues.values() for i in found]


def _bad(path: Path, message: str, **location) -> Issue:
    return issue("CENTRAL_BAD", f"秘书处统一数据文件 {path.name}：{message}", **{**location, "file": path.name})


def _open_book(path: Path, limits=None):
    """The feed as a Book, read like a return; CentralUnusable for what cannot be used."""
    from sceval.safety.preflight import Limits, inspect
    from sceval.workbook.book import read_book, wanted_part

    parts: dict[str, bytes] = {}
    found = inspect(path, limits or Limits(), parts, wanted_part)
    errors = [i for i in found.issues if i.is_error]
    if errors:
        raise CentralUnusable(path, _after_name(errors[0].message, path))
    book, problems = read_book(str(path), path.name, parts, found.members)
    if book is None:
        raise CentralUnusable(path, _after_name(problems[0].message, path) if problems else "无法读取")
    if SHEET_PASSPORT in book.sheet_names and book.properties.get("sceval.kind") != "central-feed":
        raise CentralUnusable(path, "这是城市的填报表，不是秘书处统一数据文件；请使用 sceval central template "
                                    "生成、由秘书处填写的文件")
    return book


def _after_name(message: str, path: Path) -> str:
    """Preflight's sentence with 该文件 for its own 文件“…” lead (the message names the file once)."""
    for lead in (f"文件“{path.name}”", f"文件 {path.name} "):
        if message.startswith(lead):
            return "该文件" + message[len(lead):].lstrip("：")
    return message


def _key_sheet(path: Path, book) -> tuple[str, list[list], int]:
    """(sheet name, rows of values, index of the key row) of the sheet holding the key row."""
    for name, sheet in book.sheets.items():
        rows = sheet.rows()
        for index, row in enumerate(rows[:10]):
            if CODE_KEY in row:
                return name, rows, index
    raise CentralUnusable(path, "找不到模板的列标识行，请使用 sceval central template 生成的文件")


def _key_map(row: list, wanted: dict[str, FeedColumn]) -> tuple[int | None, dict[int, FeedColumn]]:
    code_col, columns = None, {}
    for col, value in enumerate(row):
        if value == CODE_KEY:
            code_col = col
        elif value in wanted:
            columns[col] = wanted[value]
    return code_col, columns


def _city_code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


@dataclass
class _Reading:
    path: Path
    sheet: str
    book: object
    feed: CentralFeed

    def cell(self, row: int, col: int, column: FeedColumn, city: str) -> None:
        """One feed cell through the city cells' parser; its value, or an Issue on the city."""
        ref = f"{column_letters(col)}{row + 1}"
        where = dict(file=self.path.name, sheet=self.sheet, cell=ref, indicator=column.code)
        parsed = parse.parse_number(self.book.cell(self.sheet, ref), column.item, **where)
        notes = self.feed.city_issues.setdefault(city, [])
        notes += [i for i in parsed.issues if not i.is_error]
        if parsed.state == parse.INVALID:
            reason = next(i.message for i in parsed.issues if i.is_error).removeprefix(f"文件 {self.path.name} ")
            notes.append(_bad(self.path, f"{reason}（{column.code} {column.item.label}，城市 {city}）。"
                                         "该项暂计 0 分、列入待补分值，请秘书处更正后重新回收", **where))
        elif parsed.ok:
            self._in_range(parsed.value, column, city, where)

    def _in_range(self, value: Decimal, column: FeedColumn, city: str, where: dict) -> None:
        item = column.item
        if (item.min is not None and value < item.min) or (item.max is not None and value > item.max):
            self.feed.city_issues.setdefault(city, []).append(_bad(
                self.path, f"{where['sheet']}!{where['cell']}（{column.code} {item.label}，城市 {city}）为 "
                           f"{value}，超出允许范围 {item.min}–{item.max}。该项暂计 0 分、列入待补分值", **where))
        else:
            self.feed.values.setdefault(city, {})[item.name] = value


def load_central(path: str | Path, catalog: Catalog, roster=None, limits=None) -> CentralFeed:
    """Read the feed; CentralUnusable when the file cannot be used at all (the run must stop)."""
    path = Path(path)
    book = _open_book(path, limits)
    sheet, rows, key_index = _key_sheet(path, book)
    code_col, columns = _key_map(rows[key_index], {c.item.name: c for c in feed_columns(catalog)})
    if code_col is None:
        raise CentralUnusable(path, "缺少城市代码列")
    reading = _Reading(path, sheet, book, CentralFeed())
    seen: set[str] = set()
    for index in range(key_index + 2, len(rows)):
        row = rows[index]
        filled = [col for col in columns if col < len(row) and row[col] != ""]
        code = _row_city(reading, index, _city_code(_at(row, code_col)), code_col, roster, seen, filled)
        for col in filled if code else ():
            reading.cell(index, col, columns[col], code)
    reading.feed.values = {code: values for code, values in reading.feed.values.items() if values}
    reading.feed.city_issues = {code: found for code, found in reading.feed.city_issues.items() if found}
    return reading.feed


def _row_city(reading: _Reading, index: int, code: str, code_col: int, roster, seen: set, filled) -> str | None:
    ref = f"{column_letters(code_col)}{index + 1}"
    where = dict(sheet=reading.sheet, cell=ref)
    problem = None
    if not code and filled:
        problem = _bad(reading.path, f"{reading.sheet}!{ref} 城市代码为空，该行数据未读取", **where)
    elif code in seen:
        problem = _bad(reading.path, f"{reading.sheet}!{ref} 城市 {code} 重复出现，只读取第一行", **where)
    elif code and roster is not None and code not in roster.by_code():
        problem = issue("CENTRAL_UNKNOWN_CITY", f"秘书处统一数据文件 {reading.path.name}：{reading.sheet}!{ref} "
                        f"城市 {code} 不在本批次名单中，已忽略", file=reading.path.name, **where)
    if problem is not None:
        reading.feed.issues.append(problem)
        return None
    seen.add(code)
    return code or None


def read_central(path: str | Path, catalog: Catalog,
                 roster=None) -> tuple[dict[str, dict[str, Decimal]], list[Issue]]:
    """city code -> {input name: Decimal}, and every Issue (the file's and its cells'); a file
    that cannot be used gives ({}, [CENTRAL_UNUSABLE]). For callers that need no per-city split."""
    try:
        feed = load_central(path, catalog, roster)
    except CentralUnusable as exc:
        return {}, [exc.issue]
    return feed.values, feed.all_issues()


def unplaced_feed_issues(city_issues: dict[str, list[Issue]], counted: dict) -> list[Issue]:
    """Feed Issues of cities with no return scored in this run: kept with the run's own issues,
    so that nothing the secretariat must correct goes unsaid."""
    return [i for code, found in city_issues.items() if code not in counted for i in found if i.is_error]


def _at(row: list, col: int):
    return row[col] if col < len(row) else None
