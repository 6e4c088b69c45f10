"""二、经验总结 — 与上一轮对比 (issue 23): a paragraph and a table comparing the rounds, numbers
only from results.json (cities[].previous, change), and a 【请补充】 for the official's judgement.
A national report compares every province's cities together (sceval.reports.round_comparison)."""
from __future__ import annotations

from decimal import Decimal

from sctemplates.methods import round_score

from sceval.reports.report.document import Writer
from sceval.reports.report.facts import ReportFacts, outline
from sceval.reports.report.wording import points
from sceval.reports.round_comparison import Compared, compared_rows, has_previous, mean_change, movers


def write_previous_round(writer: Writer, facts: ReportFacts) -> None:
    data = _summary_data(facts)
    if not has_previous(data):
        return
    text = outline()["previous_round"]
    writer.heading(text["heading_national" if facts.national else "heading"], 2)
    rows = compared_rows(data)
    writer.paragraph(_paragraph(rows, data))
    writer.table("与上一轮对比", ["城市", "上一轮总分", "本轮总分", "变动", "上一轮名次", "本轮名次", "名次变动"],
                 [_table_row(one, facts.national) for one in sorted(rows, key=_order)], [4, 2, 2, 2, 2, 2, 2])
    writer.placeholder(text["prompt"])


def _summary_data(facts: ReportFacts):
    from sceval.reports.summary.data import build_summary_data
    from sceval.reports.summary.workbook import scored_catalog

    results = [p.results for p in facts.provinces]
    return build_summary_data(results, scored_catalog(results))


def _order(one: Compared):
    return (one.change is None, -(one.change or 0), one.province, one.code)


def _label(one: Compared, national: bool) -> str:
    return f"{one.province}{one.name}" if national else one.name


def _signed(value) -> str:
    return "—" if value is None else f"{value:+.2f}" if isinstance(value, Decimal) else f"{value:+d}"


def _rank(value: int | None) -> str:
    return "—" if value is None else str(value)


def _table_row(one: Compared, national: bool) -> list[str]:
    return [_label(one, national), points(one.before), points(one.now), _signed(one.change),
            _rank(one.rank_before), _rank(one.rank_now), _signed(one.rank_change)]


def _paragraph(rows: list[Compared], data) -> str:
    both = [one for one in rows if one.change is not None]
    rounds = "、".join(sorted({one.round for one in rows if one.round})) or "上一轮"
    if not both:
        return f"与上一轮（{rounds}）相比：没有两轮都已计分的城市，无法比较总分。"
    up, down = sum(1 for o in both if o.change > 0), sum(1 for o in both if o.change < 0)
    risers, fallers = movers(both, 1)
    sentence = (f"与上一轮（{rounds}）相比，两轮都已计分的{len(both)}个城市中，总分上升的{up}个、下降的{down}个、"
                f"持平的{len(both) - up - down}个，平均变动{_signed(mean_change(both))}分")
    if risers:
        sentence += f"；升幅最大的是{_label(risers[0], data.national)}（{_signed(risers[0].change)}分）"
    if fallers:
        sentence += f"；降幅最大的是{_label(fallers[0], data.national)}（{_signed(fallers[0].change)}分）"
    return sentence + "。" + _first_levels(both, data)


def _first_levels(both: list[Compared], data) -> str:
    parts = []
    for first in data.catalog.indicators:
        changes = [o.firsts.get(first.code) for o in both if o.firsts.get(first.code) is not None]
        if changes:
            parts.append(f"{first.name}{_signed(round_score(sum(changes, Decimal(0)) / len(changes)))}分")
    return f"各一级指标的平均变动：{'，'.join(parts)}。" if parts else ""
