"""An indicator sheet (基础指标, or 自选指标 for a province's optional catalog).

Rows go first level, second level, sub-item, then one row per input; columns are fixed below.
The 得分 column holds live formulas named layout.score_name(code): each sub-item is
ROUND(points, 2), each second level ROUND(points × Σ sub-items / 100, 2), each first level the
sum of its second levels. Three hidden columns carry, per input row, the input's name, an
invalid flag and a required flag, read by the conditional formatting and the cover.
"""
from __future__ import annotations

from dataclasses import dataclass

from sctemplates.layout import (
    COL_METHOD, COL_NAME, COL_REMARK, COL_REQUIREMENT, COL_SCORE, COL_SOURCE, COL_VALUE,
    COL_WEIGHT, INDICATOR_HEADERS, remark_name, score_name, source_name,
)
from sctemplates.methods import METHODS
from sctemplates.model import Catalog, FirstLevel, Input, SecondLevel, SubItem
from sctemplates.render import formulas
from sctemplates.render.input_cells import ROLE_LABELS, write_central_input, write_city_input
from sctemplates.render.context import INDICATOR_COLUMNS, SheetContext
from sctemplates.render.formats import MIN_ROW_HEIGHT, row_height

HEADERS = INDICATOR_HEADERS
COLUMNS = INDICATOR_COLUMNS
HEADER_ROWS = 2  # title row, column headings (repeated on every printed page)
PROVISIONAL_WORDS = {"weight": "权重", "method": "计分方法", "target": "目标值", "scale": "分档"}


@dataclass(frozen=True)
class SheetSummary:
    """What the cover needs from a written indicator sheet (qualified references)."""

    name: str
    first_scores: tuple[str, ...]
    required_count: int
    values: str
    invalid: str
    required: str
    last_row: int = 0  # 0-based, the sheet's last table row


def provisional_mark(words: tuple[str, ...]) -> str:
    if not words:
        return ""
    return "（暂定：" + "、".join(PROVISIONAL_WORDS.get(w, w) for w in words) + "）"


def write_indicator_sheet(sheet: SheetContext, catalog: Catalog, title: str) -> SheetSummary:
    _write_headers(sheet, title)
    row, first_scores = HEADER_ROWS, []
    for first in catalog.indicators:
        score, row = _write_first(sheet, first, row)
        first_scores.append(formulas.cell(*score, sheet.name))
    last = max(row - 1, HEADER_ROWS)
    _finish(sheet, last)
    cols = sheet.columns
    required = sum(1 for _s, _i, item in catalog.inputs() if item.city_fills)
    return SheetSummary(
        name=sheet.name, first_scores=tuple(first_scores), required_count=required,
        values=formulas.column_range(HEADER_ROWS, last, cols.value, sheet.name),
        invalid=formulas.column_range(HEADER_ROWS, last, cols.invalid, sheet.name),
        required=formulas.column_range(HEADER_ROWS, last, cols.required, sheet.name), last_row=last,
    )


def _write_headers(sheet: SheetContext, title: str) -> None:
    ws, fmt = sheet.worksheet, sheet.formats
    ws.merge_range(0, 0, 0, len(HEADERS) - 1, title, fmt["title"])
    ws.set_row(0, 30)
    for col, (heading, width) in enumerate(HEADERS):
        ws.write_string(1, col, heading, fmt["header"])
        ws.set_column(col, col, width)
    ws.set_column(COLUMNS.key, COLUMNS.required, None, None, {"hidden": True})


def _write_first(sheet: SheetContext, first: FirstLevel, row: int) -> tuple[tuple[int, int], int]:
    ws, fmt = sheet.worksheet, sheet.formats
    top = row
    _write_row(ws, top, fmt["first"], [first.code, first.name, None, first.kind], band=True)
    ws.write_number(top, COL_WEIGHT, float(first.weight), fmt["first_points"])
    row, seconds = top + 1, []
    for second in first.children:
        score, row = _write_second(sheet, second, row)
        seconds.append(formulas.cell(*score))
    _write_score(sheet, top, first.code, formulas.plain_sum(seconds), "score_bold")
    return (top, COL_SCORE), row


def _write_second(sheet: SheetContext, second: SecondLevel, row: int) -> tuple[tuple[int, int], int]:
    ws, fmt = sheet.worksheet, sheet.formats
    top = row
    method = METHODS[second.method].label if second.method else ""
    about = second.about or (METHODS[second.method].explain if second.method else "")
    name = second.name + provisional_mark(second.provisional)
    _write_row(ws, top, fmt["second"], [second.code, name, None, method, about], band=True)
    ws.write_number(top, COL_WEIGHT, float(second.weight), fmt["second_points"])
    if second.method:
        refs, row = _write_inputs(sheet, second.inputs, None, top + 1)
        formula = formulas.item_score(second.method, second.weight, refs, {})
        _write_score(sheet, top, second.code, formula, "score_bold")
        return (top, COL_SCORE), row
    row, subs = top + 1, []
    for sub in second.sub_items:
        subs.append(formulas.cell(row, COL_SCORE))
        row = _write_sub(sheet, sub, row)
    _write_score(sheet, top, second.code, formulas.weighted_sum(second.weight, subs), "score_bold")
    return (top, COL_SCORE), row


def _write_sub(sheet: SheetContext, sub: SubItem, row: int) -> int:
    ws, fmt = sheet.worksheet, sheet.formats
    style = fmt["provisional"] if sub.is_provisional else fmt["cell"]
    method_style = fmt["provisional"] if "method" in sub.provisional else fmt["cell"]
    requirement = sub.requirement or METHODS[sub.method].explain
    _write_row(ws, row, style, [sub.code, sub.name + provisional_mark(sub.provisional)],
               extra=((COL_REQUIREMENT, requirement),))
    weight_style = "provisional_weight" if "weight" in sub.provisional else "percent_weight"
    ws.write_number(row, COL_WEIGHT, float(sub.weight), fmt[weight_style])
    ws.write_string(row, COL_METHOD, METHODS[sub.method].label, method_style)
    ws.write_string(row, COL_REQUIREMENT, requirement, fmt["cell"])
    _write_text_input(sheet, row, COL_SOURCE, source_name(sub.code))
    _write_text_input(sheet, row, COL_REMARK, remark_name(sub.code))
    refs, next_row = _write_inputs(sheet, sub.inputs, sub, row + 1)
    flags = formulas.column_range(row + 1, next_row - 1, sheet.columns.invalid)
    _write_score(sheet, row, sub.code,
                 formulas.item_score(sub.method, sub.weight, refs, dict(sub.params), flags), "score")
    return next_row


def _write_inputs(sheet: SheetContext, inputs: tuple[Input, ...], sub: SubItem | None,
                  row: int) -> tuple[dict[str, str], int]:
    """One row per input; returns role -> the reference the points formula uses."""
    addresses = {item.role: formulas.cell(row + i, COL_VALUE) for i, item in enumerate(inputs)}
    refs = {}
    for offset, item in enumerate(inputs):
        refs[item.role] = _write_input_row(sheet, row + offset, item, sub, addresses)
    return refs, row + len(inputs)


def _write_input_row(sheet: SheetContext, row: int, item: Input, sub: SubItem | None,
                     addresses: dict[str, str]) -> str:
    ws, fmt = sheet.worksheet, sheet.formats
    label = f"{ROLE_LABELS.get(item.role, item.role)}：{item.label}"
    choices = "；".join(f"{c.label}（{formulas.number(c.fraction * 100)}%）" for c in item.choices)
    _write_row(ws, row, fmt["muted"], [None, label, None, None, "可选档次（得分比例）：" + choices
                                       if choices else None, item.unit, None, None, None, None])
    if sheet.previous is not None:
        sheet.previous(row, item)
    if not item.city_fills:
        return write_central_input(sheet, row, item)
    labels = sheet.lists.labels(item.choices) if item.choices else None
    address = write_city_input(sheet, row, item, sub, addresses.get("denominator"), labels)
    if item.choices:
        return formulas.choice_fraction(address, labels, sheet.lists.fractions(item.choices))
    return formulas.shown(address, item)


def _write_row(ws, row: int, style, values: list, extra=(), band: bool = False) -> None:
    """Write a row's leading cells in one style and size the row so wrapped text shows.

    Empty cells are skipped (printed gridlines draw the table) except on ``band`` rows, whose
    fill runs across the table. ``extra`` holds (col, text) written elsewhere in the row.
    """
    if band:
        values = values + [None] * (COL_SCORE - len(values))
    for col, value in enumerate(values):
        if value:
            ws.write_string(row, col, str(value), style)
        elif band:
            ws.write_blank(row, col, None, style)
    texts = [(str(v), HEADERS[c][1]) for c, v in enumerate(values) if isinstance(v, str)]
    texts += [(text, HEADERS[col][1]) for col, text in extra]
    height = row_height(texts)
    if height > MIN_ROW_HEIGHT:
        ws.set_row(row, height)


def _write_text_input(sheet: SheetContext, row: int, col: int, name: str) -> None:
    sheet.worksheet.write_blank(row, col, None, sheet.formats["text_input"])
    sheet.workbook.define_name(name, "=" + formulas.cell(row, col, sheet.name))


def _write_score(sheet: SheetContext, row: int, code: str, formula: str, style: str) -> None:
    sheet.worksheet.write_formula(row, COL_SCORE, formula, sheet.formats[style], "")
    sheet.workbook.define_name(score_name(code), "=" + formulas.cell(row, COL_SCORE, sheet.name))


def _finish(sheet: SheetContext, last: int) -> None:
    ws, fmt, cols = sheet.worksheet, sheet.formats, sheet.columns
    top = formulas.cell(HEADER_ROWS, cols.value).replace("$", "")  # relative: the range's first cell
    invalid = formulas.cell(HEADER_ROWS, cols.invalid).replace("$", "")
    required = formulas.cell(HEADER_ROWS, cols.required).replace("$", "")
    rules = (
        (f"=${invalid}=1", fmt["cf_invalid"]),
        (f"=AND(${required}=1,LEN({top})=0)", fmt["cf_missing"]),
    )
    for criteria, style in rules:
        ws.conditional_format(HEADER_ROWS, cols.value, last, cols.value,
                              {"type": "formula", "criteria": criteria, "format": style})
    sheet.validations.write(ws)
    _page_setup(ws, last)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True,
                    "format_columns": True, "format_rows": True})


def _page_setup(ws, last: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.repeat_rows(0, HEADER_ROWS - 1)
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, last, COL_SCORE)
    ws.freeze_panes(HEADER_ROWS, COL_NAME + 1)
    ws.hide_gridlines(0)  # gridlines on screen and on paper draw the table's inner lines
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
