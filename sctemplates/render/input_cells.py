"""One input cell: its defined name, data validation, input message, error alert and flags.

Validation stops typing mistakes; the hidden flag columns (invalid, required) feed one
conditional-formatting rule per sheet and the cover's status, which also catch pasted values
that bypass validation.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sctemplates.methods import METHODS
from sctemplates.model import Input, SubItem
from sctemplates.render import formulas

ROLE_LABELS = {
    "numerator": "分子", "denominator": "分母", "choice": "选择档次", "value": "数值",
    "feed": "统一数据",
}
CENTRAL_TEXT = "由秘书处统一提供"
BLANK_RULE = "数据无法提供时请留空并在“说明”栏注明原因"
TITLE_LIMIT, MESSAGE_LIMIT = 32, 255


@dataclass(frozen=True)
class InputColumns:
    value: int
    key: int  # hidden: the input's defined name, for reading a file whose names were lost
    invalid: int  # hidden: 1 when the value breaks a rule
    required: int  # hidden: 1 on rows the city must fill


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _literal(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def number_rule(item: Input, sub: SubItem | None) -> str:
    """The Chinese one-liner of what this number cell accepts."""
    parts = ["请填写整数" if item.integer else "请填写数字"]
    if item.min is not None:
        parts.append(f"不小于{formulas.number(item.min)}")
    if item.max is not None:
        parts.append(f"不大于{formulas.number(item.max)}")
    if item.role == "denominator":
        parts.append("须大于0")
    if item.role == "numerator" and sub is not None and METHODS[sub.method].numerator_at_most_denominator:
        parts.append("不大于分母")
    if item.role in ("numerator", "denominator"):
        parts.append("填数量，不填百分比")
    return "，".join(parts)


def validation(item: Input, sub: SubItem | None, labels: str | None) -> dict:
    """xlsxwriter data_validation options for a city input."""
    if item.choices:
        options = {"validate": "list", "source": "=" + labels}
        rule = "请从下拉列表中选择一档"
    else:
        options = {"validate": "integer" if item.integer else "decimal", **_bounds(item)}
        rule = number_rule(item, sub)
    # The label sits beside the cell; leaving it out of the message lets identical rules share one
    # validation over many cells (far fewer XML records, faster to write and to open).
    title = f"{ROLE_LABELS.get(item.role, item.role)}（单位：{item.unit}）" if item.unit else "填写说明"
    message = f"{rule}{'，单位：' + item.unit if item.unit else ''}。{BLANK_RULE}。"
    options.update(
        input_title=clip(title, TITLE_LIMIT), input_message=clip(message, MESSAGE_LIMIT),
        error_type="stop", error_title="输入无效",
        error_message=clip(f"{rule}。{BLANK_RULE}。", MESSAGE_LIMIT),
    )
    return options


def _bounds(item: Input) -> dict:
    low, high = item.min, item.max
    if low is not None and high is not None:
        return {"criteria": "between", "minimum": _literal(low), "maximum": _literal(high)}
    if low is not None:
        return {"criteria": ">=", "value": _literal(low)}
    if high is not None:
        return {"criteria": "<=", "value": _literal(high)}
    return {"criteria": "between", "minimum": -1e15, "maximum": 1e15}


class ValidationGroups:
    """Data validations collected per identical rule, written as one multi-range each."""

    def __init__(self):
        self.groups: dict[tuple, list[tuple[int, int]]] = {}

    def add(self, options: dict, row: int, col: int) -> None:
        self.groups.setdefault(tuple(options.items()), []).append((row, col))

    def write(self, worksheet) -> None:
        from xlsxwriter.utility import xl_rowcol_to_cell

        for key, cells in self.groups.items():
            (row, col), options = cells[0], dict(key)
            options["multi_range"] = " ".join(xl_rowcol_to_cell(r, c) for r, c in cells)
            worksheet.data_validation(row, col, row, col, options)


def write_city_input(sheet, row: int, item: Input, sub: SubItem | None,
                     partner: str | None, labels: str | None) -> str:
    """Write the yellow input cell and its flags; return its absolute address."""
    ws, cols = sheet.worksheet, sheet.columns
    ws.write_blank(row, cols.value, None, sheet.formats["input"])
    address = formulas.cell(row, cols.value)
    sheet.workbook.define_name(item.name, "=" + formulas.cell(row, cols.value, sheet.name))
    sheet.validations.add(validation(item, sub, labels), row, cols.value)
    flag = (formulas.choice_flag(address, labels) if item.choices
            else formulas.number_flag(address, item, sub, partner))
    ws.write_formula(row, cols.invalid, flag, None, "")
    ws.write_number(row, cols.required, 1)
    ws.write_string(row, cols.key, item.name)
    return address


def write_central_input(sheet, row: int, item: Input) -> str:
    """A grey locked cell: the secretariat supplies it; text, so the live score counts it 0."""
    ws, cols = sheet.worksheet, sheet.columns
    ws.write_string(row, cols.value, CENTRAL_TEXT, sheet.formats["central"])
    sheet.workbook.define_name(item.name, "=" + formulas.cell(row, cols.value, sheet.name))
    ws.write_string(row, cols.key, item.name)
    return formulas.cell(row, cols.value)
