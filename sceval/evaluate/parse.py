"""Read a cell the way the person who typed it meant it — pure functions, no I/O.

A city types ``１２３``, `` 1,234 ``, ``12个``, ``3.5万`` or ``—``; each is read as the number (or
the blank) it plainly means, and every such coercion is reported as an info Issue so the city
can confirm it. Anything that could mean two things (``12或13``, ``约100``, ``1,234.5.6``) is
VAL_AMBIGUOUS: never a guess. Numbers become exact Decimals.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from decimal import Decimal, InvalidOperation

from sctemplates.methods import HUNDRED, show_number

from sctemplates.issues import Issue, issue
from sctemplates.model import Input
from sctemplates.reading_rules import reading_rules

from sceval.workbook.cells import FULLWIDTH, RawCell  # noqa: F401  (RawCell: parse's callers name it here)

# Parsed states: what checks and scoring need to know about a value.
FILLED = "filled"
BLANK = "blank"
NOT_AVAILABLE = "not_available"
INVALID = "invalid"

SENTINELS = {"-", "—", "——", "–", "/", "\\", "--", "---", "…", "...", "、"}
NOT_AVAILABLE_WORDS = {"无", "不适用", "暂无", "没有", "无数据", "N/A", "NA", "n/a", "na"}
# Classifiers a person may type after a count ("12个") whatever the input's own unit is.
COUNT_CLASSIFIERS = ("项", "个", "家", "人", "户", "所", "间", "件", "路", "次", "条", "座", "台")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
@dataclass(frozen=True)
class Parsed:
    value: object  # Decimal, a choice label, text, ISO date text, or None
    state: str  # FILLED | BLANK | NOT_AVAILABLE | INVALID
    issues: tuple[Issue, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.state == FILLED


def _invalid(code: str, message: str, where: dict, notes: list[Issue]) -> Parsed:
    return Parsed(None, INVALID, (*notes, issue(code, message, **where)))


def place_text(where: dict) -> str:
    """'文件 a.xlsx 工作表“基础指标”单元格 G6' — every message says where, in Chinese."""
    return _place(where.get("file", ""), where.get("sheet", ""), where.get("cell", ""))


@lru_cache(maxsize=4096)
def _place(file: str, sheet: str, cell: str) -> str:
    file = re.split(r"[\\/]", file)[-1]
    parts = [f"文件 {file}" if file else "", f"工作表“{sheet}”" if sheet else "", f"单元格 {cell}" if cell else ""]
    return " ".join(p for p in parts if p) or "该单元格"


def decimal_from_float(number: float) -> Decimal:
    """A float read from a workbook as the decimal the person typed: 0.1 stays 0.1."""
    if number == int(number):
        return Decimal(int(number))
    return Decimal(repr(number))


def _unwrap_formula(raw: RawCell, where: dict, notes: list[Issue]) -> Parsed | None:
    """Excel errors and formulas: an Invalid result, or None to go on with the cached value."""
    if not (raw.error or raw.formula):
        return None
    place = place_text(where)
    if raw.error:
        return _invalid("VAL_EXCEL_ERROR", f"{place}：是 Excel 错误值 {raw.error}，应填写有效数据", where, notes)
    if raw.formula:
        if raw.value is None or raw.value == "":
            return _invalid("VAL_FORMULA_NO_VALUE",
                            f"{place}：是公式但没有保存计算结果，请直接填写数值（不要用公式）", where, notes)
        notes.append(issue("PARSE_FORMULA_CACHED",
                           f"{place}：是公式，已采用其保存的计算结果 {raw.value}，请确认", **where))
    return None


def _clean_text(text: str, where: dict, notes: list[Issue]) -> str:
    """Full-width → half-width, surrounding spaces removed; each change noted."""
    place = place_text(where)
    halfwidth = text.translate(FULLWIDTH)
    if halfwidth != text:
        notes.append(issue("PARSE_FULLWIDTH", f"{place}：全角字符“{text.strip()}”已转为半角", **where))
    stripped = halfwidth.strip()
    if stripped != halfwidth:
        notes.append(issue("PARSE_WHITESPACE", f"{place}：首尾空格已去除", **where))
    return stripped


def _blank_or_unavailable(text: str, where: dict, notes: list[Issue]) -> Parsed | None:
    place = place_text(where)
    if text == "":
        return Parsed(None, BLANK, tuple(notes))
    if text in SENTINELS:
        note = issue("PARSE_SENTINEL_BLANK", f"{place}：填写的“{text}”视为未填写", **where)
        return Parsed(None, BLANK, (*notes, note))
    if text in NOT_AVAILABLE_WORDS:
        note = issue("VAL_NOT_AVAILABLE",
                     f"{place}：填写了“{text}”，视为未提供数据，该分项计 0 分；如有数据请填写数值", **where)
        return Parsed(None, NOT_AVAILABLE, (*notes, note))
    return None


def parse_number(raw: RawCell, item: Input, **where) -> Parsed:
    """A number cell (numerator, denominator, value) read as the person meant it."""
    notes: list[Issue] = []
    stop = _unwrap_formula(raw, where, notes)
    if stop is not None:
        return stop
    value = raw.value
    if value is None:
        return Parsed(None, BLANK, tuple(notes))
    if type(value) in (int, float) and not raw.percent and math.isfinite(value):  # the usual case
        return Parsed(decimal_from_float(value) if type(value) is float else Decimal(value), FILLED, tuple(notes))
    place = place_text(where)
    if isinstance(value, bool):
        return _invalid("VAL_NOT_NUMBER", f"{place}：是逻辑值 {value}，应填写数字", where, notes)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return _invalid("VAL_AMBIGUOUS",
                        f"{place}：是日期/时间 {value}，应填写数字（可能把单元格格式设成了日期）", where, notes)
    if isinstance(value, (int, float)) and raw.percent:
        return _percent_value(value, item, place, where, notes)
    if isinstance(value, (int, float)):
        return _number_value(value, place, where, notes)
    return _number_text(str(value), item, where, notes)


def _number_value(value: int | float, place: str, where: dict, notes: list[Issue]) -> Parsed:
    if isinstance(value, float) and not math.isfinite(value):
        return _invalid("VAL_NOT_NUMBER", f"{place}：不是有效数字", where, notes)
    number = decimal_from_float(value) if isinstance(value, float) else Decimal(value)
    return Parsed(number, FILLED, tuple(notes))


def _percent_value(value: int | float, item: Input, place: str, where: dict, notes: list[Issue]) -> Parsed:
    """A cell formatted as 0.00% holds 0.035 when the city typed 3.5%: read it as the 3.5 shown."""
    parsed = _number_value(value, place, where, notes)
    if not parsed.ok:
        return parsed
    shown = show_number(parsed.value * HUNDRED)
    if item.unit != "%":
        return _invalid("VAL_PERCENT_FOR_COUNT",
                        f"{place}：显示为百分比“{shown}%”，此处应填写{item.label}的数量（单位：{item.unit}），"
                        "比例由系统计算；请把单元格格式改为“常规”后填写数量", where, notes)
    notes.append(issue("PARSE_PERCENT", f"{place}：显示为百分比“{shown}%”（存储值 {parsed.value}），"
                                        f"已按百分数 {shown} 读取", **where))
    return Parsed(Decimal(shown), FILLED, tuple(notes))


def _number_text(text: str, item: Input, where: dict, notes: list[Issue]) -> Parsed:
    original, place = text.strip(), place_text(where)
    first_note = len(notes)
    text = _clean_text(text, where, notes)
    stop = _blank_or_unavailable(text, where, notes)
    if stop is not None:
        return stop
    text, scale = _strip_suffixes(text, item, where, notes)
    if isinstance(text, Parsed):
        return text
    number = _plain_decimal(text, where, notes)
    if number is None:
        code = "VAL_AMBIGUOUS" if re.search(r"\d", text) else "VAL_NOT_NUMBER"
        expected = "请只填写一个明确的数字" if code == "VAL_AMBIGUOUS" else "应填写数字"
        del notes[first_note:]  # "约1200项": one error, not also a note that a unit was removed
        return _invalid(code, f"{place}：填写的“{original}”无法确定为一个数值，{expected}", where, notes)
    reading = f"已按数值 {show_number(number * scale)} 读取"
    if len(notes) > first_note:  # "8,710": the thousands note also says what was read, one note not two
        notes[-1] = replace(notes[-1], message=f"{notes[-1].message}，{reading}")
    else:
        notes.append(issue("PARSE_TEXT_NUMBER", f"{place}：文本“{original}”{reading}", **where))
    return Parsed(number * scale, FILLED, tuple(notes))


def _strip_suffixes(text: str, item: Input, where: dict, notes: list[Issue]):
    """Remove a %, the input's unit, a count classifier or 万; returns (text, scale) or a Parsed."""
    place = place_text(where)
    if text.endswith("%"):
        if item.unit != "%":
            return _invalid("VAL_PERCENT_FOR_COUNT",
                            f"{place}：填写了百分比“{text}”，此处应填写{item.label}的数量（单位：{item.unit}），"
                            "比例由系统计算", where, notes), 1
        notes.append(issue("PARSE_PERCENT", f"{place}：“{text}”已按百分数 {text[:-1].strip()} 读取", **where))
        return text[:-1].strip(), 1
    stripped = _strip_unit(text, item)
    if stripped != text:
        notes.append(issue("PARSE_UNIT_STRIPPED", f"{place}：数值后的单位“{text[len(stripped):]}”已去除", **where))
        text = stripped
    if text.endswith("万") and not item.unit.startswith("万"):
        notes.append(issue("PARSE_WAN", f"{place}：“{text}”已按 ×10000 换算", **where))
        return text[:-1].strip(), Decimal(10000)
    everyday = reading_rules()["unit_scale"]["units"].get(item.unit)  # “8500万元” in a 亿元 cell
    if everyday and text.endswith(everyday["typed_as"]) and text[: -len(everyday["typed_as"])].strip()[-1:].isdigit():
        notes.append(issue("PARSE_UNIT_CONVERTED", f"{place}：“{text}”写明的单位是“{everyday['typed_as']}”，"
                                                   f"已按 ÷{everyday['factor']} 换算为{item.unit}", **where))
        return text[: -len(everyday["typed_as"])].strip(), 1 / Decimal(everyday["factor"])
    return text, 1


def _strip_unit(text: str, item: Input) -> str:
    candidates = [item.unit] if item.unit and item.unit != "%" else []
    if item.integer:
        candidates += list(COUNT_CLASSIFIERS)
    for unit in sorted(candidates, key=len, reverse=True):
        if not text.endswith(unit):
            continue
        head = text[: -len(unit)].strip()
        if head and (head[-1].isdigit() or head.endswith("万")):
            return head
    return text


def _plain_decimal(text: str, where: dict, notes: list[Issue]) -> Decimal | None:
    if THOUSANDS.match(text):
        notes.append(issue("PARSE_THOUSANDS", f"{place_text(where)}：千位分隔符已去除", **where))
        text = text.replace(",", "")
    if not PLAIN_NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _normalise_label(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(FULLWIDTH))


def parse_choice(raw: RawCell, item: Input, **where) -> Parsed:
    """A drop-down cell: the exact label, or a label equal after normalising spaces/width."""
    notes: list[Issue] = []
    stop = _unwrap_formula(raw, where, notes)
    if stop is not None:
        return stop
    text = "" if raw.value is None else str(raw.value)
    labels = [c.label for c in item.choices]
    if text in labels:
        return Parsed(text, FILLED, tuple(notes))
    place = place_text(where)
    cleaned = text.translate(FULLWIDTH).strip()
    stop = _blank_or_unavailable(cleaned, where, notes)
    if stop is not None:
        return stop
    matches = [label for label in labels if _normalise_label(label) == _normalise_label(text)]
    if len(matches) == 1:
        notes.append(issue("PARSE_CHOICE_NORMALISED",
                           f"{place}：“{text}”已按选项“{matches[0]}”读取", **where))
        return Parsed(matches[0], FILLED, tuple(notes))
    return _invalid("VAL_NOT_A_CHOICE",
                    f"{place}：填写的“{text}”不是下拉选项，应从以下选项中选择：{'、'.join(labels)}", where, notes)


def parse_text(raw: RawCell, **where) -> Parsed:
    """Free text (sources, remarks, filer fields): trimmed; numbers shown as typed."""
    value = raw.value
    if raw.error or value is None or (isinstance(value, str) and not value.strip()):
        return Parsed(None, BLANK)
    if isinstance(value, float):
        value = decimal_from_float(value)
    return Parsed(str(value).strip(), FILLED)


def parse_date(raw: RawCell, **where) -> Parsed:
    """The filer date: a real date or a date typed as text, as ISO text (PARSE_DATE)."""
    value, place = raw.value, place_text(where)
    if isinstance(value, (dt.date, dt.datetime)):  # a real date cell: nothing was interpreted
        day = value.date() if isinstance(value, dt.datetime) else value
        return Parsed(day.isoformat(), FILLED)
    text = parse_text(raw, **where)
    if not text.ok:
        return text
    match = DATE_TEXT.match(text.value.translate(FULLWIDTH))
    if match and ISO_DATE.match(text.value):
        return text  # already a plain ISO date: nothing was interpreted
    if match:
        try:
            day = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            return text
        note = issue("PARSE_DATE", f"{place}：“{text.value}”已按日期 {day.isoformat()} 读取", **where)
        return Parsed(day.isoformat(), FILLED, (note,))
    return text


def parse_input(raw: RawCell, item: Input, **where) -> Parsed:
    """Dispatch on the input's kind: a drop-down choice or a number."""
    if item.choices:
        return parse_choice(raw, item, **where)
    return parse_number(raw, item, **where)


def parse_city_inputs(catalog, lookup, file: str) -> dict[str, Parsed]:
    """Every city-filled input of a catalog, parsed; ``lookup(name)`` -> (RawCell, sheet, cell).

    An input whose defined name cannot be found at all reads as blank at no location, so the
    missing-value check still names the indicator.
    """
    parsed = {}
    for code, item in catalog.city_inputs():
        raw, sheet, cell = lookup(item.name) or (RawCell(), "", "")
        parse = parse_choice if item.choices else parse_number
        parsed[item.name] = parse(raw, item, file=file, sheet=sheet, cell=cell, indicator=code)
    return parsed
