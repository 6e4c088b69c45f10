"""二、经验总结 (scores): distribution of totals, first-level rates, strengths and weaknesses,
indicator groups, leaders. The data-quality sections and the judgement follow in ``quality``."""
from __future__ import annotations

from sceval.reports.report import charts
from sceval.reports.report import figures as fig
from sceval.reports.report.document import Writer
from sceval.reports.report.facts import CityRecord, ReportFacts, outline
from sceval.reports.report.wording import names, percent, points, weight
from sceval.reports.status_words import adjusted_mark, adjusted_note, adjusted_words


def write_scores(writer: Writer, facts: ReportFacts) -> None:
    text = outline()
    writer.heading(facts.chapter("two"), 1)
    if not facts.scored():
        writer.paragraph("本轮没有已计分的城市，无法进行得分分析。")
        return
    for key, section in (("totals", _totals), ("first_levels", _first_levels), ("strong_weak", _strong_weak),
                         ("groups", _groups), ("leaders", _leaders)):
        writer.heading(text["sections"][key], 2)
        section(writer, facts)


def ranking(cities: list[CityRecord]) -> list[tuple[int, CityRecord]]:
    """Competition ranking by total (1, 2, 2, 4); ties in roster order."""
    ordered = sorted((c for c in cities if c.scored), key=lambda c: -c.total)
    ranked, rank, previous = [], 0, None
    for position, city in enumerate(ordered, start=1):
        if city.total != previous:
            rank, previous = position, city.total
        ranked.append((rank, city))
    return ranked


def _totals(writer: Writer, facts: ReportFacts) -> None:
    scored = facts.scored()
    s = fig.total_stats(scored)
    best = [facts.city_label(c) for c in scored if c.total == s.high]
    worst = [facts.city_label(c) for c in scored if c.total == s.low]
    writer.paragraph(f"已计分的{s.count}个城市总分平均为{points(s.mean)}分，中位数为{points(s.median)}分；"
                     f"最高为{points(s.high)}分（{names(best)}），最低为{points(s.low)}分（{names(worst)}），"
                     f"相差{points(s.spread)}分。")
    stages = [facts.stage(c.total) for c in scored]
    if facts.bands():  # the catalog's edition rule; without one the report names no stage
        rows = [[name, f"{weight(low)}–{weight(high)}", stages.count(name)] for name, low, high in facts.bands()]
        writer.table("各成熟度阶段城市数", ["成熟度阶段", "总分区间（分）", "城市数"], rows)
    writer.picture(charts.histogram_chart(fig.histogram([c.total for c in scored]), "城市总分分布"))
    ranked = ranking(scored)
    rows = [[rank, facts.city_label(c), points(c.total), facts.stage(c.total) or "—", adjusted_mark(c.entry)]
            for rank, c in ranked]
    writer.table("城市总分排名", ["排名", "城市", "总分", "成熟度阶段", adjusted_words()["column"]], rows, [2, 4, 2, 3, 3])
    if facts.national:  # a province's report explained the mark under its table of cities (表1)
        note = adjusted_note("report", [facts.city_label(c) for _, c in ranked if adjusted_mark(c.entry)])
        if note:
            writer.paragraph(note)


def _rate_rows(found: list[fig.Rate]) -> list[list[str]]:
    return [[r.node.code, r.node.name, weight(r.node.maximum), points(r.average), percent(r.rate)] for r in found]


RATE_HEADERS = ["编码", "指标", "满分", "平均得分", "平均得分率"]


def _first_levels(writer: Writer, facts: ReportFacts) -> None:
    found = fig.rates(facts, 1)
    ordered = sorted(found, key=lambda r: -r.rate)
    high, low = ordered[0], ordered[-1]
    writer.paragraph(f"按各一级指标得分占其满分的比例计算，全部已计分城市平均得分率最高的是{high.node.name}"
                     f"（{percent(high.rate)}），最低的是{low.node.name}（{percent(low.rate)}）。")
    writer.table("一级指标平均得分率", RATE_HEADERS, _rate_rows(found), [3, 8, 2, 3, 3])
    writer.picture(charts.bar_chart([f"{r.node.code} {r.node.name}" for r in found], [r.rate for r in found],
                                    "一级指标平均得分率（%）", "平均得分率（%）", limit=fig.HUNDRED))


def _phrase(found: list[fig.Rate]) -> str:
    return names(f"{r.node.name}（{r.node.code}，{percent(r.rate)}）" for r in found)


def _strong_weak(writer: Writer, facts: ReportFacts) -> None:
    count = outline()["strong_weak_count"]
    for level, label, key in ((2, "二级指标", "second"), (3, "二级指标分项", "sub")):
        strong, weak = fig.strongest_weakest(fig.rates(facts, level), count[key])
        if not strong:
            continue
        writer.paragraph(f"{label}中平均得分率最高的是{_phrase(strong)}；最低的是{_phrase(weak)}。")
        rows = [["优势", *row] for row in _rate_rows(strong)] + [["短板", *row] for row in _rate_rows(weak)]
        writer.table(f"平均得分率最高和最低的{label}", ["类别", *RATE_HEADERS], rows, [2, 3, 8, 2, 3, 3])


def _groups(writer: Writer, facts: ReportFacts) -> None:
    found = fig.groups(facts)
    if not found:
        writer.paragraph("指标目录未标注一级指标的分组（成效类、引导性等），本报告不作分组分析。")
        return
    first = {n.code: n for n in facts.level(1)}
    text = "按指标目录对一级指标的分组，全部已计分城市的平均得分率为：" + names(f"{g.kind}{percent(g.rate)}" for g in found)
    high, low = max(found, key=lambda g: g.rate), min(found, key=lambda g: g.rate)
    if high.rate != low.rate:
        text += f"；{high.kind}最高，比{low.kind}高{points(high.rate - low.rate)}个百分点"
    writer.paragraph(text + "。")
    rows = [[g.kind, names(f"{first[c].name}（{c}）" for c in g.codes), weight(g.maximum), percent(g.rate)]
            for g in found]
    writer.table("各组一级指标平均得分率", ["分组", "一级指标", "满分", "平均得分率"], rows, [2, 7, 1, 2])


def _leaders(writer: Writer, facts: ReportFacts) -> None:
    rows = [[node.code, node.name, weight(node.maximum), points(best), names(facts.city_label(c) for c in cities)]
            for node, best, cities in fig.leaders(facts)]
    writer.paragraph("各一级指标得分最高的城市见下表（得分相同的城市并列）。")
    writer.table("各一级指标领先城市", ["编码", "一级指标", "满分", "最高得分", "城市"], rows)
