"""Top-level catalog settings beyond the indicator tree (e.g. ``maturity_bands``,
``optional_indicators``), each on a sheet of its own so an official edits them as a table.

Keys added to the YAML later need no code here: a list of flat mappings becomes a table (one
column per field), a flat mapping becomes 项目/键/值 rows, anything nested is kept as YAML text on
其他设置. Headers carry the YAML key in brackets — 下限（含）[from] — so the reader needs no list of
fields; known keys only get a Chinese label.
"""
from __future__ import annotations

import re

from sctemplates.catalog_workbook import sheets as S

SHEET_LABELS = {"maturity_bands": "成熟度阶段", "optional_indicators": "自选指标规则",
                "year_on_year": "与上一轮对比阈值"}
FIELD_LABELS = {"name": "名称", "from": "下限（含）", "to": "上限（不含，最后一档含）", "code": "编码",
                "points": "分值", "max_second": "二级指标个数上限", "max_sub": "每个二级指标的分项个数上限",
                "max_ratio": "变化倍数上限", "sign_change": "正负号改变时提示", "to_empty": "由数值变为空时提示"}
FIELDS_HEADERS = ("项目", "键（请勿修改）", "值")
KEYED = re.compile(r"^(?P<label>.*)\[(?P<key>[^\[\]]+)\]$")
SCALAR = (str, int, float, bool)


def layout_of(value) -> str:
    """table | fields | yaml: how a top-level value is laid out."""
    if isinstance(value, list) and value and all(_flat(v) for v in value):
        return "table"
    if _flat(value) and value:
        return "fields"
    return "yaml"


def _flat(value) -> bool:
    return isinstance(value, dict) and all(isinstance(v, SCALAR) or v is None for v in value.values())


def sheet_title(key: str) -> str:
    return SHEET_LABELS.get(key, key)[:31]


def key_of_title(title: str) -> str:
    reverse = {label: key for key, label in SHEET_LABELS.items()}
    return reverse.get(title, title)


def header(key: str) -> str:
    label = FIELD_LABELS.get(key)
    return f"{label}[{key}]" if label else key


def key_of_header(text: str) -> str:
    match = KEYED.match(text.strip())
    return match.group("key") if match else text.strip()


def rows_of(value) -> tuple[list[str], list[list]]:
    """(headers, rows) of a table or fields value, as written."""
    if layout_of(value) == "table":
        keys = list(dict.fromkeys(k for item in value for k in item))
        return [header(k) for k in keys], [[item.get(k) for k in keys] for item in value]
    return list(FIELDS_HEADERS), [[FIELD_LABELS.get(k, k), k, v] for k, v in value.items()]


def value_of(headers: list[str], rows: list[list]):
    """The YAML value of an extra sheet, back from its headers and (non-blank) rows."""
    if tuple(headers[:3]) == FIELDS_HEADERS:
        return {row[1]: row[2] for row in rows if row[1] is not None}
    keys = [key_of_header(h) for h in headers]
    return [{k: v for k, v in zip(keys, row) if v is not None} for row in rows]


def extra_sheet_names(sheetnames: list[str]) -> list[str]:
    known = {S.SHEET_GUIDE, S.SHEET_LISTS, *S.SHEET_COLUMNS}
    return [name for name in sheetnames if name not in known]
