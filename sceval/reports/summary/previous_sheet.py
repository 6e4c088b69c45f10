"""The 与上一轮对比 sheet: per city its previous and current total, the change, the rank change
and each first-level change; the largest risers and fallers; a bar chart of the changes.

Written only when the results carry a previous round (``sceval ingest --previous``). In a
national merge the cities of every province are compared and ranked together.
"""
from __future__ import annotations

from sceval.reports.round_comparison import Compared, compared_rows, has_previous, mean_change, movers
from sceval.reports.summary.data import SummaryData
from sceval.reports.summary.style import Styles, print_setup, write_headers, write_score, write_text, write_title

SHEET = "与上一轮对比"
LEAD = ["城市代码", "城市", "上一轮总分", "本轮总分", "总分变动", "上一轮名次", "本轮名次", "名次变动"]
CHANGE_COL = 4


def write_previous_sheet(workbook, data: SummaryData, styles: Styles, title: list) -> None:
    if not has_previous(data):
        return
    rows = sorted(compared_rows(data), key=_order)
    ws = workbook.add_worksheet(SHEET)
    head = write_title(ws, styles, title + [(_about(rows), "note")])
    firsts = list(data.catalog.indicators)
    write_headers(ws, head, LEAD + [f"{f.code} {f.name}变动" for f in firsts], styles.header)
    for r, one in enumerate(rows, start=head + 1):
        _row(ws, r, one, data, styles, [f.code for f in firsts])
    below = _movers(ws, head + len(rows) + 2, rows, data, styles)
    if any(one.change is not None for one in rows):
        ws.insert_chart(below + 1, 0, _chart(workbook, head, rows))
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 16)
    ws.set_column(2, len(LEAD) + len(firsts) - 1, 11)
    ws.freeze_panes(head + 1, 2)
    print_setup(ws, head, 1, columns=len(LEAD) + len(firsts))


def _order(one: Compared):
    """Largest rise first; cities without a change (not scored this or last time) last."""
    return (one.change is None, -(one.change or 0), one.province, one.code)


def _about(rows: list[Compared]) -> str:
    rounds = "、".join(sorted({one.round for one in rows if one.round}))
    average = mean_change(rows)
    mean = f"，平均变动 {average:+.2f} 分" if average is not None else ""
    return (f"上一轮：{rounds}；两轮都有总分的城市 {sum(1 for r in rows if r.change is not None)} 个{mean}。"
            "名次变动为正表示上升。变动均按两位小数的得分精确相减。")


def _label(data: SummaryData, one: Compared) -> str:
    return f"{one.province}{one.name}" if data.national else one.name


def _row(ws, r: int, one: Compared, data: SummaryData, styles: Styles, firsts: list[str]) -> None:
    write_text(ws, r, 0, one.code, styles.text)
    write_text(ws, r, 1, _label(data, one), styles.text)
    for col, value in ((2, one.before), (3, one.now), (CHANGE_COL, one.change)):
        write_score(ws, r, col, value, styles.score)
    for col, value in ((5, one.rank_before), (6, one.rank_now), (7, one.rank_change)):
        if value is None:
            ws.write_blank(r, col, None, styles.integer)
        else:
            ws.write_number(r, col, value, styles.integer)
    for offset, code in enumerate(firsts):
        write_score(ws, r, len(LEAD) + offset, one.firsts.get(code), styles.score)


def _movers(ws, row: int, rows: list[Compared], data: SummaryData, styles: Styles) -> int:
    risers, fallers = movers(rows)
    for heading, group in (("升幅最大的城市", risers), ("降幅最大的城市", fallers)):
        write_text(ws, row, 0, heading, styles.header)
        write_text(ws, row, 1, "、".join(f"{_label(data, one)}（{one.change:+.2f}）" for one in group) or "无",
                   styles.text)
        row += 1
    return row


def _chart(workbook, head: int, rows: list[Compared]):
    """Each city's total change as a bar (rises and falls alike, ordered as the table)."""
    count = sum(1 for one in rows if one.change is not None)
    first, last = head + 1, head + count
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({"name": "总分变动（分）", "categories": [SHEET, first, 1, last, 1],
                      "values": [SHEET, first, CHANGE_COL, last, CHANGE_COL], "invert_if_negative": False,
                      "fill": {"color": "#5B9BD5"}, "data_labels": {"value": True, "num_format": "+0.00;-0.00;0"}})
    chart.set_title({"name": "各城市总分与上一轮相比的变动"})
    chart.set_x_axis({"num_font": {"rotation": -45}, "label_position": "low"})  # names clear of falling bars
    chart.set_y_axis({"name": "分", "major_gridlines": {"visible": True}})
    chart.set_legend({"none": True})
    chart.set_size({"width": max(640, 36 * count), "height": 400})
    return chart
