"""The central feed: values the secretariat supplies per city (every catalog input whose source is
not "city", e.g. a centrally measured score rate or the citizen survey score).

`write_central_template` renders a fill-in workbook (a row per roster city, a column per such
input, with validation); `read_central` reads it back into exact Decimals plus Issues. A blank
cell is simply absent: no value is ever invented.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sctemplates.atomic import atomic_path
from sctemplates.issues import Issue, issue
from sctemplates.model import Catalog, Input

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

def _bad(path: Path, message: str, **location) -> Issue:
    return issue("CENTRAL_BAD", f"秘书处统一数据文件 {path.name}：{message}", file=path.name,
                 **location)


def _open_rows(path: Path):
    """(sheet title, rows of cells) of the sheet holding the key row, or an Issue."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — any unreadable file becomes one Issue
        return None, _bad(path, f"无法读取（{type(exc).__name__}）")
    for ws in workbook.worksheets:
        rows = [list(r) for r in ws.iter_rows()]
        for index, row in enumerate(rows[:10]):
            if any(getattr(c, "value", None) == CODE_KEY for c in row):
                return (ws.title, rows, index), None
    return None, _bad(path, "找不到模板的列标识行，请使用 sceval central template 生成的文件")


def _key_map(row: list, wanted: dict[str, FeedColumn]) -> tuple[int | None, dict[int, FeedColumn]]:
    code_col, columns = None, {}
    for col, cell in enumerate(row):
        value = getattr(cell, "value", None)
        if value == CODE_KEY:
            code_col = col
        elif value in wanted:
            columns[col] = wanted[value]
    return code_col, columns


def _number(cell) -> Decimal | None | str:
    """The cell's value as a Decimal, None when blank, or the text that is not a number."""
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            return value
        return number if number.is_finite() else value
    number = Decimal(str(value))
    # A cell shown as "85%" holds 0.85: the secretariat meant the number it sees.
    return number * 100 if "%" in str(getattr(cell, "number_format", "")) else number


def _check_value(path: Path, sheet: str, cell, column: FeedColumn) -> tuple[Decimal | None, list]:
    value = _number(cell)
    if value is None:
        return None, []
    where = dict(sheet=sheet, cell=cell.coordinate, indicator=column.code)
    item = column.item
    if isinstance(value, str):
        return None, [_bad(path, f"{sheet}!{cell.coordinate}（{column.code} {item.label}）"
                                 f"应为数字，实际为“{value}”", **where)]
    if (item.min is not None and value < item.min) or (item.max is not None and value > item.max):
        return None, [_bad(path, f"{sheet}!{cell.coordinate}（{column.code} {item.label}）"
                                 f"为 {value}，超出允许范围 {item.min}–{item.max}", **where)]
    return value, []


def _city_code(cell) -> str:
    value = getattr(cell, "value", None)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _read_row(path, sheet, row, code_col, columns) -> tuple[dict, list]:
    values, issues = {}, []
    for col, column in columns.items():
        if col < len(row) and hasattr(row[col], "coordinate"):
            value, found = _check_value(path, sheet, row[col], column)
            issues += found
            if value is not None:
                values[column.item.name] = value
    return values, issues


def _row_city(path, sheet, row, code_col, roster, seen) -> tuple[str | None, list]:
    code = _city_code(_at(row, code_col))
    where = dict(sheet=sheet, cell=getattr(_at(row, code_col), "coordinate", ""))
    if not code:
        return None, [_bad(path, f"{sheet}!{where['cell']} 城市代码为空，该行数据未读取", **where)]
    if code in seen:
        return None, [_bad(path, f"{sheet}!{where['cell']} 城市 {code} 重复出现，只读取第一行",
                           **where)]
    if roster is not None and code not in roster.by_code():
        return None, [issue("CENTRAL_UNKNOWN_CITY", f"秘书处统一数据文件 {path.name}："
                            f"{sheet}!{where['cell']} 城市 {code} 不在本批次名单中，已忽略",
                            file=path.name, **where)]
    return code, []


def read_central(path: str | Path, catalog: Catalog,
                 roster=None) -> tuple[dict[str, dict[str, Decimal]], list[Issue]]:
    """city code -> {input name: Decimal} for every filled cell, and every problem found."""
    path = Path(path)
    opened, problem = _open_rows(path)
    if problem:
        return {}, [problem]
    sheet, rows, key_index = opened
    code_col, columns = _key_map(rows[key_index], {c.item.name: c for c in feed_columns(catalog)})
    if code_col is None:
        return {}, [_bad(path, "缺少城市代码列")]
    feed, issues = {}, []
    for row in rows[key_index + 2:]:
        values, found = _read_row(path, sheet, row, code_col, columns)
        if not values and not found and not _city_code(_at(row, code_col)):
            continue  # an empty row
        code, city_issues = _row_city(path, sheet, row, code_col, roster, feed)
        issues += city_issues + found
        if code is not None:
            feed[code] = values
    return {code: values for code, values in feed.items() if values}, issues


def _at(row: list, col: int):
    return row[col] if col < len(row) else None
