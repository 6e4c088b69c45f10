"""The 总览 sheet: one row per roster city, ranked, with statistics rows below."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from sceval.reports.status_words import adjusted_mark, adjusted_note, adjusted_words
from sceval.reports.summary.columns import first_columns
from sceval.reports.summary.data import APART, STATUS_LABELS, CityRow, SummaryData, column_stats, to_decimal
from sceval.reports.summary.style import (
    Styles, colour_against, print_setup, write_headers, write_score, write_text, write_title,
)

SHEET = "总览"


@dataclass(frozen=True)
class Field:
    header: str
    width: float
    get: Callable[[CityRow], object]
    kind: str = "text"  # text | mark (text that must stand out) | score | integer | percent
    stats: bool = False  # statistics rows computed for this column
    maximum: Decimal | None = None  # the column's 满分: cells coloured by score ÷ this


def _count(row: CityRow, severity: str) -> int | None:
    """Blank for a city that sent nothing and has nothing said about it."""
    return row.count(severity) if row.scored or row.issues else None


def _optional_score(row: CityRow):
    """The optional score; "待补" when the city's optional indicators were refused (issue 20, item
    10), so it never reads like a city that has none (blank)."""
    pending = to_decimal(row.record.get("optional_pending"))
    return f"待补 {pending:.2f}" if pending is not None else to_decimal(row.record.get("optional_total"))


def _fields(data: SummaryData) -> list[Field]:
    fields = [Field("排名", 8, lambda r: APART if r.apart else r.rank, "integer")]
    if data.national:
        fields.append(Field("省份", 10, lambda r: r.province_name))
    fields += [
        Field("代码", 9, lambda r: r.code),
        Field("名称", 12, lambda r: r.name),
        Field("类型", 9, lambda r: r.kind),
        Field("状态", 10, lambda r: r.status_label),
        Field("总分", 8, lambda r: r.total, "score", True, data.catalog.total_points),
        # Beside the total: it includes review adjustments ("2 项"), so it is not the value as reported.
        Field(adjusted_words()["column"], 9, lambda r: adjusted_mark(r.record), "mark"),
        Field("自选指标得分", 9, _optional_score, "score", True),
    ]
    for col in first_columns(data.catalog):
        fields.append(Field(f"{col.code} {col.name}\n（{col.max}分）", 10,
                            lambda r, code=col.code: r.score(code), "score", True, col.max))
    fields += [
        Field("成熟度阶段", 10, lambda r: data.catalog.maturity_stage(r.total) if r.scored else ""),
        Field("完整度 %", 8, lambda r: to_decimal(r.record.get("completeness")), "percent"),
        Field("待补分值", 8, lambda r: to_decimal(r.record.get("points_at_stake")), "score"),
        Field("错误数", 7, lambda r: _count(r, "error"), "integer"),
        Field("警告数", 7, lambda r: _count(r, "warning"), "integer"),
    ]
    return fields


def _write_cell(ws, row: int, col: int, field: Field, value, styles: Styles) -> None:
    if field.kind == "mark":
        write_text(ws, row, col, value, styles.mark)
        return
    if field.kind == "text" or isinstance(value, str):  # a score's "待补", a rank's 直报国家: text
        write_text(ws, row, col, value, styles.text)
        return
    fmt = {"score": styles.score, "integer": styles.integer, "percent": styles.percent}
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt[field.kind])
    else:
        ws.write_number(row, col, float(value), fmt[field.kind])


def _write_stats(ws, row: int, fields: list[Field], data: SummaryData, styles: Styles) -> int:
    """平均值/中位数/最高分/最低分 rows over the cities that have a score."""
    scored = data.scored_rows()
    per_field = {i: column_stats([v for v in (f.get(r) for r in scored) if isinstance(v, Decimal)])
                 for i, f in enumerate(fields) if f.stats}
    label_col = next(i for i, f in enumerate(fields) if f.header == "名称")
    for offset, label in enumerate(("平均值", "中位数", "最高分", "最低分")):
        for col in range(len(fields)):
            ws.write_blank(row + offset, col, None, styles.stat_blank)
        ws.write_string(row + offset, label_col, label, styles.stat_label)
        for col, stats in per_field.items():
            write_score(ws, row + offset, col, stats.get(label), styles.stat_score)
    return row + 4


def _mark_status(ws, first_row: int, last_row: int, col: int, styles: Styles) -> None:
    """未报送 and 仅报回空白模板 (nothing to score) in grey, 有错误 and 已报送但无法采用 in red, so the
    cities to chase stand out."""
    if last_row < first_row:
        return
    marks = ((STATUS_LABELS["missing"], styles.missing_mark),
             (STATUS_LABELS["blank"], styles.missing_mark),
             (STATUS_LABELS["has_errors"], styles.error_mark),
             (STATUS_LABELS["rejected"], styles.error_mark))
    for label, fmt in marks:
        ws.conditional_format(first_row, col, last_row, col,
                              {"type": "cell", "criteria": "==", "value": f'"{label}"',
                               "format": fmt})


def _format_sheet(ws, fields: list[Field], header_row: int, last_row: int,
                  styles: Styles) -> None:
    for col, field in enumerate(fields):
        ws.set_column(col, col, field.width)
    ws.set_row(header_row, 42)
    name_col = next(i for i, f in enumerate(fields) if f.header == "名称")
    ws.freeze_panes(header_row + 1, name_col + 1)
    ws.autofilter(header_row, 0, max(last_row, header_row), len(fields) - 1)
    print_setup(ws, header_row, name_col)
    status_col = next(i for i, f in enumerate(fields) if f.header == "状态")
    _mark_status(ws, header_row + 1, last_row, status_col, styles)
    for col, field in enumerate(fields):
        if field.maximum:  # the same 得分率 bands as the matrices, never relative to the best city
            colour_against(ws, styles, (header_row + 1, col, last_row, col), field.maximum)


def write_overview(workbook, data: SummaryData, styles: Styles, title: list) -> None:
    ws = workbook.add_worksheet(SHEET)
    fields = _fields(data)
    header_row = write_title(ws, styles, title)
    write_headers(ws, header_row, [f.header for f in fields], styles.header)
    row = header_row
    for row, city in enumerate(data.rows, start=header_row + 1):
        for col, field in enumerate(fields):
            _write_cell(ws, row, col, field, field.get(city), styles)
    _format_sheet(ws, fields, header_row, row, styles)
    after = _write_stats(ws, row + 2, fields, data, styles)
    for offset, note in enumerate(_notes(data)):
        write_text(ws, after + 1 + offset, 0, note, styles.text)
    ws.activate()


def _notes(data: SummaryData) -> list[str]:
    """The notes under the table: cities reporting to the nation, totals with review adjustments."""
    notes = []
    if data.apart:
        names = "、".join(f"{r.name}（{r.kind}）" for r in data.apart)
        notes.append(f"说明：{names}直接向国家报送，列在表末（{APART}），不参与本省排名和"
                     "平均值、中位数、最高分、最低分的统计。")
    marked = [f"{r.province_name}{r.name}" if data.national else r.name for r in data.rows if adjusted_mark(r.record)]
    adjusted = adjusted_note("summary", marked)
    return notes + ([adjusted] if adjusted else [])
