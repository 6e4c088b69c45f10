"""The 图表 sheet: native Excel charts over small data tables written on the same sheet.

Charts: the ranking by total (bar), the 8 first-level score rates of the average and the top
cities (radar; more than a handful of series would be unreadable), cities per maturity stage.
"""
from __future__ import annotations

from decimal import Decimal

from sceval.reports.summary.columns import first_columns
from sceval.reports.summary.data import SummaryData
from sceval.reports.summary.style import Styles, write_headers, write_score, write_text

SHEET = "图表"
RADAR_TOP = 5  # cities on the radar besides the average
CHART_COL = 10  # charts start at column K, right of the data tables


def _city_label(data: SummaryData, row) -> str:
    return f"{row.province_name}{row.name}" if data.national else row.name


def _ranking_table(ws, data: SummaryData, styles: Styles, row: int) -> tuple[int, int]:
    write_headers(ws, row, ["排名", "城市", "总分"], styles.header)
    scored = data.scored_rows()
    for offset, city in enumerate(scored, start=1):
        ws.write_number(row + offset, 0, city.rank, styles.integer)
        write_text(ws, row + offset, 1, _city_label(data, city), styles.text)
        write_score(ws, row + offset, 2, city.total, styles.score)
    return row + 1, row + len(scored)


def _ranking_chart(workbook, first: int, last: int, count: int):
    chart = workbook.add_chart({"type": "bar"})
    chart.add_series({"name": "总分", "categories": [SHEET, first, 1, last, 1],
                      "values": [SHEET, first, 2, last, 2], "fill": {"color": "#4472C4"},
                      "data_labels": {"value": True, "num_format": "0.00"}})
    chart.set_title({"name": "城市总分排名"})
    chart.set_y_axis({"reverse": True})  # rank 1 at the top
    chart.set_x_axis({"min": 0, "max": 100, "major_gridlines": {"visible": True}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 640, "height": max(320, 60 + 22 * count)})
    return chart


def _rate(score: Decimal | None, maximum: Decimal) -> Decimal | None:
    return None if score is None else score * 100 / maximum


def _radar_table(ws, data: SummaryData, styles: Styles, row: int) -> tuple[int, int, int]:
    """Rows = first-level indicators, columns = 平均 then the top cities; values = 得分率 %."""
    columns = first_columns(data.catalog)
    top = data.scored_rows()[:RADAR_TOP]
    write_headers(ws, row, ["指标", "平均"] + [_city_label(data, c) for c in top], styles.header)
    for offset, column in enumerate(columns, start=1):
        write_text(ws, row + offset, 0, column.header, styles.text)
        average = data.stats(column.code).get("平均值")
        write_score(ws, row + offset, 1, _rate(average, column.max), styles.score)
        for col, city in enumerate(top, start=2):
            write_score(ws, row + offset, col, _rate(city.score(column.code), column.max),
                        styles.score)
    return row, row + len(columns), 1 + len(top)


def _radar_chart(workbook, head: int, last: int, series: int):
    chart = workbook.add_chart({"type": "radar", "subtype": "with_markers"})
    for col in range(1, series + 1):
        chart.add_series({"name": [SHEET, head, col], "categories": [SHEET, head + 1, 0, last, 0],
                          "values": [SHEET, head + 1, col, last, col],
                          "line": {"width": 2.5 if col == 1 else 1.25}})
    chart.set_title({"name": "一级指标得分率（%）：平均与前几名城市"})
    chart.set_y_axis({"min": 0, "max": 100})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 440})
    return chart


def _stage_table(ws, data: SummaryData, styles: Styles, row: int) -> tuple[int, int]:
    write_headers(ws, row, ["成熟度阶段", "分数区间", "城市数"], styles.header)
    stages = [data.catalog.maturity_stage(r.total) for r in data.scored_rows()]
    bands = data.catalog.maturity_bands  # the edition's, from the catalog the results were scored with
    for offset, band in enumerate(bands, start=1):
        write_text(ws, row + offset, 0, band.name, styles.text)
        write_text(ws, row + offset, 1, f"{band.low}–{band.high}", styles.text)
        ws.write_number(row + offset, 2, stages.count(band.name), styles.integer)
    return row + 1, row + len(bands)


def _stage_chart(workbook, first: int, last: int):
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({"name": "城市数", "categories": [SHEET, first, 0, last, 0],
                      "values": [SHEET, first, 2, last, 2], "fill": {"color": "#70AD47"},
                      "data_labels": {"value": True}})
    chart.set_title({"name": "各成熟度阶段城市数"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 640, "height": 320})
    return chart


def write_charts(workbook, data: SummaryData, styles: Styles, title: list) -> None:
    ws = workbook.add_worksheet(SHEET)
    for row, (text, kind) in enumerate(title):
        ws.write_string(row, 0, text, getattr(styles, kind))
    stage_first, stage_last = _stage_table(ws, data, styles, len(title) + 1)
    radar_head, radar_last, series = _radar_table(ws, data, styles, stage_last + 2)
    rank_first, rank_last = _ranking_table(ws, data, styles, radar_last + 2)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 8, 10)
    ws.set_landscape()  # tables and charts side by side on one page width when printed
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.insert_chart(len(title) + 1, CHART_COL, _stage_chart(workbook, stage_first, stage_last))
    ws.insert_chart(len(title) + 18, CHART_COL, _radar_chart(workbook, radar_head, radar_last,
                                                              series))
    if rank_last >= rank_first:
        ws.insert_chart(len(title) + 42, CHART_COL,
                        _ranking_chart(workbook, rank_first, rank_last, rank_last - rank_first + 1))
