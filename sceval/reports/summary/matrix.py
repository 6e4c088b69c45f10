"""City × indicator score matrices: 一级指标, 二级指标, 分项得分 and 自选指标.

Each indicator column has its maximum in a 满分 row under the header, and the score cells are
coloured by 得分率 (score ÷ maximum) with conditional formatting that reads that row.
"""
from __future__ import annotations

from sceval.reports.summary.columns import Column, first_columns, leaf_columns, optional_columns, second_columns
from sceval.reports.summary.data import APART, CityRow, SummaryData, column_stats
from sceval.reports.summary.style import (
    Styles, colour_by_rate, print_setup, write_headers, write_score, write_text, write_title,
)

CATALOG_MATRICES = (("一级指标", first_columns), ("二级指标", second_columns),
                    ("分项得分", leaf_columns))
OPTIONAL_SHEET = "自选指标"


def _city_headers(national: bool) -> list[str]:
    return (["省份"] if national else []) + ["排名", "代码", "名称", "状态"]


def _city_cells(city: CityRow, national: bool) -> list:
    cells = [city.province_name] if national else []
    return cells + [APART if city.apart else city.rank, city.code, city.name, city.status_label]


def _write_city(ws, row: int, city: CityRow, national: bool, styles: Styles) -> int:
    for col, value in enumerate(_city_cells(city, national)):
        if isinstance(value, int):
            ws.write_number(row, col, value, styles.integer)
        else:
            write_text(ws, row, col, value, styles.text)
    return len(_city_cells(city, national))


def _write_head(ws, row: int, columns: list[Column], national: bool, styles: Styles) -> int:
    """Header row then 满分 row; returns the number of city columns before the indicators."""
    lead = _city_headers(national)
    write_headers(ws, row, lead + [c.header for c in columns], styles.header)
    for col in range(len(lead)):
        ws.write_blank(row + 1, col, None, styles.max)
    ws.write_string(row + 1, len(lead) - 2, "满分", styles.max)
    for col, column in enumerate(columns, start=len(lead)):
        write_score(ws, row + 1, col, column.max, styles.max)
    ws.set_row(row, 60)
    return len(lead)


def _write_stats(ws, row: int, lead: int, columns: list[Column], rows: list[CityRow],
                 styles: Styles) -> int:
    scored = [r for r in rows if r.scored and not r.apart]  # cities reporting to the nation: not averaged
    stats = [column_stats([v for v in (r.score(c.code) for r in scored) if v is not None])
             for c in columns]
    for offset, label in enumerate(("平均值", "中位数", "最高分", "最低分")):
        for col in range(lead):
            ws.write_blank(row + offset, col, None, styles.stat_blank)
        ws.write_string(row + offset, lead - 2, label, styles.stat_label)
        for col, values in enumerate(stats, start=lead):
            write_score(ws, row + offset, col, values.get(label), styles.stat_score)
    return row + 4


def write_matrix(ws, row: int, rows: list[CityRow], columns: list[Column], national: bool,
                 styles: Styles) -> int:
    """One block (header, 满分, a row per city, statistics); returns the row after it."""
    lead = _write_head(ws, row, columns, national, styles)
    first_city = row + 2
    for offset, city in enumerate(rows):
        _write_city(ws, first_city + offset, city, national, styles)
        for col, column in enumerate(columns, start=lead):
            write_score(ws, first_city + offset, col, city.score(column.code), styles.score)
    last_city = first_city + len(rows) - 1
    colour_by_rate(ws, styles, (first_city, lead, last_city, lead + len(columns) - 1), row + 1)
    return _write_stats(ws, last_city + 1, lead, columns, rows, styles)


def _set_widths(ws, national: bool, count: int) -> None:
    lead = len(_city_headers(national))
    ws.set_column(0, lead - 1, 9)
    ws.set_column(lead - 2, lead - 2, 12)
    ws.set_column(lead, lead + count - 1, 11)


SUB_SCALE_NOTE = ("分项得分按官方口径（分项分数 = 分项权重 × 得分比例 × 100），满分为分项权重；"
                  "计入总分的分值 = 二级指标权重 × 分项得分 ÷ 100（见“得分明细”的“计入总分满分”列）。")


def _matrix_note(sheet: str, columns: list[Column]) -> str:
    note = f"{sheet}：各城市得分；第二行为满分；颜色按得分率（≥80% 绿，60%–80% 黄，<60% 红）"
    return note + ("。" + SUB_SCALE_NOTE if any(c.level == "sub" for c in columns) else "")


def write_catalog_matrices(workbook, data: SummaryData, styles: Styles, title: list) -> None:
    for sheet, columns_of in CATALOG_MATRICES:
        ws = workbook.add_worksheet(sheet)
        columns = columns_of(data.catalog)
        head = write_title(ws, styles, title + [(_matrix_note(sheet, columns), "note")])
        write_matrix(ws, head, data.rows, columns, data.national, styles)
        _set_widths(ws, data.national, len(columns))
        lead = len(_city_headers(data.national))
        ws.freeze_panes(head + 2, lead)
        print_setup(ws, head, lead - 1, head + 1, lead + len(columns))


def write_optional_sheet(workbook, data: SummaryData, styles: Styles, title: list) -> bool:
    """One block per province that has optional indicators; False when none has."""
    blocks = [(p, optional_columns(p.optional)) for p in data.provinces if p.optional]
    if not blocks:
        return False
    ws = workbook.add_worksheet(OPTIONAL_SHEET)
    row = write_title(ws, styles, title)
    widest = 0
    for province, columns in blocks:
        ws.write_string(row, 0, f"{province.name}自选指标（满分见第二行）", styles.title)
        rows = [r for r in data.rows if r.province_code == province.code]
        row = write_matrix(ws, row + 1, rows, columns, data.national, styles) + 1
        widest = max(widest, len(columns))
    _set_widths(ws, data.national, widest)
    print_setup(ws, len(title), len(_city_headers(data.national)) - 1)
    return True
