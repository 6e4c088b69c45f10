"""The 得分明细 sheet: per city, total → first level → second level → sub-item with the inputs,
so any score can be checked by hand. One long table; Excel's outline groups each city's rows."""
from __future__ import annotations

from decimal import Decimal

from sctemplates.model import Catalog

from sceval.reports.summary.data import CityRow, SummaryData
from sceval.reports.summary.style import (
    Styles, print_setup, write_headers, write_score, write_text, write_title,
)

SHEET = "得分明细"
LEVEL_LABELS = {0: "总分", 1: "一级指标", 2: "二级指标", 3: "分项"}


def _format_value(value) -> str:
    if value is None or value == "":
        return "（未填）"
    return str(value)


def _inputs_text(inputs, city: CityRow) -> str:
    values = city.record.get("inputs") or {}
    # A review adjustment (sceval adjust) is scored instead of the value read; both are shown.
    adjusted = {a["input"]: a for a in city.record.get("adjustments") or []}
    parts = []
    for item in inputs:
        unit = item.unit if item.unit and item.unit != "%" else ""
        suffix = "%" if item.unit == "%" else ""
        change = adjusted.get(item.name)
        if change:
            parts.append(f"{item.label}：{_format_value(change['adjusted'])}{suffix}{unit}"
                         f"（审核调整，原填报 {_format_value(values.get(item.name))}；原因：{change['why']}）")
        else:
            parts.append(f"{item.label}：{_format_value(values.get(item.name))}{suffix}{unit}")
    return "；".join(parts)


def trace_lines(catalog: Catalog, city: CityRow) -> list[tuple]:
    """(level, code, name, max, max in the total, inputs text, score) from the total down.

    A sub-item's score and maximum are on the official scale (out of its weight); its most
    points in the 100-point total is the second column, so the rate never mixes the two."""
    total = catalog.total_points
    lines = [(0, "总分", "总分", total, total, "", city.total)]
    for first in catalog.first_levels():
        lines.append((1, first.code, first.name, first.weight, first.weight, "",
                      city.score(first.code)))
        for second in first.children:
            text = _inputs_text(second.inputs, city) if second.method else ""
            lines.append((2, second.code, second.name, second.weight, second.weight, text,
                          city.score(second.code)))
            for sub in second.sub_items:
                lines.append((3, sub.code, sub.name, sub.weight, second.weight * sub.weight / 100,
                              _inputs_text(sub.inputs, city), city.score(sub.code)))
    return lines


def _rate(score: Decimal | None, maximum: Decimal) -> Decimal | None:
    return None if score is None or not maximum else score / maximum


def _write_line(ws, row: int, lead: list, line: tuple, styles: Styles) -> None:
    level, code, name, maximum, in_total, inputs, score = line
    for col, value in enumerate(lead + [LEVEL_LABELS[level], code, "　" * level + name]):
        write_text(ws, row, col, value, styles.text)
    col = len(lead) + 3
    write_score(ws, row, col, maximum, styles.score)
    write_score(ws, row, col + 1, in_total, styles.score)
    write_text(ws, row, col + 2, inputs, styles.text)
    write_score(ws, row, col + 3, _rate(score, maximum), styles.rate)
    write_score(ws, row, col + 4, score, styles.score)
    if level >= 2:  # collapsible under the first-level line
        ws.set_row(row, None, None, {"level": level - 1})


def write_trace(workbook, data: SummaryData, styles: Styles, title: list) -> None:
    ws = workbook.add_worksheet(SHEET)
    note = ("得分明细：分项得分 = 分项权重 × 得分比例（满分为分项权重）；二级指标得分 = 二级指标权重 × "
            "各分项得分之和 ÷ 100；计入总分满分 = 二级指标权重 × 分项权重 ÷ 100；"
            "各级得分均四舍五入保留两位小数后逐级相加")
    head = write_title(ws, styles, title + [(note, "note")])
    lead_headers = (["省份"] if data.national else []) + ["城市代码", "城市名称"]
    write_headers(ws, head, lead_headers + ["层级", "指标代码", "指标名称", "满分", "计入总分满分",
                                            "填报数据", "得分率", "得分"], styles.header)
    row = head + 1
    for city in data.scored_rows():
        lead = ([city.province_name] if data.national else []) + [city.code, city.name]
        for line in trace_lines(data.catalog, city):
            _write_line(ws, row, lead, line, styles)
            row += 1
    base = len(lead_headers)
    for col, width in zip(range(base + 8), [10] * base + [9, 10, 40, 8, 8, 70, 8, 8]):
        ws.set_column(col, col, width)
    ws.autofilter(head, 0, max(row - 1, head), base + 7)
    ws.freeze_panes(head + 1, base)
    print_setup(ws, head, base - 1)
