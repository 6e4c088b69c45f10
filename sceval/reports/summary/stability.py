"""The 排名稳定性 sheet: each city's rank and the range it could take under other provisional
weights (results.json cities[].rank_interval, sceval.evaluate.sensitivity), a native chart of
both, and a sentence naming the neighbours whose order is not settled.

Written only when the results carry intervals (``--draws 0`` or results.json from before: none).
A national merge ranks all cities together, so its intervals are drawn again over all of them
(same draws, noise and seed as the runs'): a province's own ranks say nothing across provinces.
"""
from __future__ import annotations

from dataclasses import dataclass

from sceval.evaluate.sensitivity import rank_stability, unsettled_pairs
from sceval.reports.summary.data import SummaryData
from sceval.reports.summary.style import Styles, print_setup, write_headers, write_score, write_text, write_title

SHEET = "排名稳定性"
HEADERS = ["排名", "城市代码", "城市", "总分", "排名中位数", "区间下限（5%）", "区间上限（95%）", "图表基底", "区间跨度"]
CHART_COL = 10
BASE_COL, BAND_COL = 7, 8  # the chart's helper columns: lo − ½ and hi − lo + 1
PAIRS_SHOWN = 20


@dataclass(frozen=True)
class Placed:
    row: object  # sceval.reports.summary.data.CityRow
    rank: int
    low: int
    median: int
    high: int


def _block(data: SummaryData) -> dict:
    return next((p.results["sensitivity"] for p in data.provinces if p.results and p.results.get("sensitivity")), {})


def _placed(data: SummaryData) -> list[Placed]:
    rows = [row for row in data.scored_rows() if row.record.get("rank_interval")]
    if not data.national and not data.apart:  # else the runs' ranks count cities ranked apart: drawn again
        return [Placed(r, r.record["rank"], r.record["rank_interval"][0], r.record.get("rank_median") or r.record["rank"],
                       r.record["rank_interval"][1]) for r in rows]
    block = _block(data)
    if not rows or not block.get("draws"):
        return []
    found = rank_stability(data.catalog, [r.total for r in rows], [r.record.get("scores") or {} for r in rows],
                           block["draws"], block.get("noise", 0.25), block.get("seed", 2016))
    return [Placed(r, *values) for r, *values in zip(rows, found.ranks, found.lows, found.medians, found.highs)]


def _label(data: SummaryData, row) -> str:
    return f"{row.province_name}{row.name}" if data.national else row.name


def _explanation(data: SummaryData, rows: list[Placed]) -> list[tuple[str, str]]:
    block = _block(data)
    method = (f"方法：对 {len(block.get('varied') or [])} 个暂定权重各自随机扰动 ±{float(block.get('noise', 0.25)) * 100:g}%，"
              f"在同一上级指标内重新归一（上级指标分值不变，官方权重不变），抽样 {block.get('draws', '')} 次"
              f"（随机种子 {block.get('seed', '')}），每次重新排名；区间为第 5 至第 95 百分位的名次。"
              "公布的得分仍按目录权重精确计算，本表只说明名次对暂定权重有多敏感。")
    pairs = unsettled_pairs([_label(data, p.row) for p in rows], [p.rank for p in rows],
                            [p.low for p in rows], [p.high for p in rows])
    if not pairs:
        verdict = ("各城市的相邻名次在暂定权重的扰动下均未交叉：排名先后已确定。", "note")
    else:
        shown = "、".join(f"{a}与{b}" for a, b in pairs[:PAIRS_SHOWN])
        more = f"等 {len(pairs)} 对" if len(pairs) > PAIRS_SHOWN else f"共 {len(pairs)} 对"
        verdict = (f"名次先后尚未确定的相邻城市（区间重叠，官方权重公布后可能互换）：{shown}（{more}）。", "warn")
    return [(method, "note"), verdict]


def _table(ws, data: SummaryData, placed: list[Placed], styles: Styles, head: int) -> None:
    write_headers(ws, head, HEADERS, styles.header)
    for r, one in enumerate(sorted(placed, key=lambda p: (p.rank, p.row.province_code, p.row.code)), start=head + 1):
        ws.write_number(r, 0, one.rank, styles.integer)
        write_text(ws, r, 1, one.row.code, styles.text)
        write_text(ws, r, 2, _label(data, one.row), styles.text)
        write_score(ws, r, 3, one.row.total, styles.score)
        for col, value in ((4, one.median), (5, one.low), (6, one.high)):
            ws.write_number(r, col, value, styles.integer)
        ws.write_number(r, BASE_COL, one.low - 0.5, styles.score)
        ws.write_number(r, BAND_COL, one.high - one.low + 1, styles.score)


def _chart(workbook, head: int, count: int):
    """Each city's interval as a floating band (a stacked column on an invisible base, from
    lo − ½ to hi + ½) with its rank as a marker on it: drawn alike by Excel and LibreOffice."""
    first, last = head + 1, head + count
    categories = [SHEET, first, 2, last, 2]
    chart = workbook.add_chart({"type": "column", "subtype": "stacked"})
    chart.add_series({"name": "基底", "categories": categories, "values": [SHEET, first, BASE_COL, last, BASE_COL],
                      "fill": {"none": True}, "border": {"none": True}})
    chart.add_series({"name": "排名区间（5%–95% 分位）", "categories": categories,
                      "values": [SHEET, first, BAND_COL, last, BAND_COL], "gap": 120,
                      "fill": {"color": "#BDD7EE"}, "border": {"color": "#5B9BD5"}})
    marks = workbook.add_chart({"type": "line"})
    marks.add_series({"name": "排名", "categories": categories, "values": [SHEET, first, 0, last, 0],
                      "line": {"none": True}, "marker": {"type": "diamond", "size": 8,
                                                          "fill": {"color": "#C00000"}, "border": {"color": "#C00000"}}})
    chart.combine(marks)
    chart.set_title({"name": "各城市排名及其稳定区间"})
    # Whole-number gridlines (the labels are the ranks); 0 at the top is left unlabelled.
    chart.set_y_axis({"reverse": True, "min": 0, "max": count + 1, "major_unit": max(1, count // 10),
                      "name": "名次（1 为最高）", "major_gridlines": {"visible": True}, "num_format": "0;-0;;@"})
    chart.set_x_axis({"num_font": {"rotation": -45}})
    chart.set_legend({"position": "bottom", "delete_series": [0]})
    chart.set_size({"width": max(640, 28 * count), "height": 420})
    return chart


def write_stability(workbook, data: SummaryData, styles: Styles, title: list) -> None:
    rows = _placed(data)
    if not rows:
        return
    ws = workbook.add_worksheet(SHEET)
    head = write_title(ws, styles, title + _explanation(data, rows))
    _table(ws, data, rows, styles, head)
    ws.insert_chart(head, CHART_COL, _chart(workbook, head, len(rows)))
    for col, width in enumerate([6, 10, 14, 8, 10, 12, 12, 8, 8]):
        ws.set_column(col, col, width)
    ws.freeze_panes(head + 1, 3)
    print_setup(ws, head, 2)
