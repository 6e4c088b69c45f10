"""二、经验总结 (the rest): points lost to errors and blanks, data-quality problems by issue code,
the provinces compared (national variant), and the places for the official's judgement."""
from __future__ import annotations

from decimal import Decimal

from sceval.reports.report import charts
from sceval.reports.report import figures as fig
from sceval.reports.report.document import Writer
from sceval.reports.report.facts import ReportFacts, outline
from sceval.reports.report.wording import names, points


def write_quality(writer: Writer, facts: ReportFacts) -> None:
    text = outline()
    writer.heading(text["sections"]["at_stake"], 2)
    _at_stake(writer, facts)
    writer.heading(text["sections"]["quality"], 2)
    _issues(writer, facts)
    if facts.national:
        writer.heading(text["sections"]["provinces"], 2)
        _provinces(writer, facts)
    writer.heading(text["sections"]["judgement_national" if facts.national else "judgement"], 2)
    writer.placeholder(text["prompts"]["experience"])
    writer.placeholder(text["prompts"]["problems"])
    from sceval.reports.report.previous_round import write_previous_round  # issue 23, when there is one

    write_previous_round(writer, facts)


def _at_stake(writer: Writer, facts: ReportFacts) -> None:
    found = fig.at_stake(facts.scored())
    if not found:
        writer.paragraph("已计分的城市均未因数据错误或漏填而失分。")
        return
    total = sum(p for _, p in found)
    # An unreadable feed cell (CENTRAL_BAD) keeps points pending too, but it is the secretariat's to fix.
    feed = [facts.city_label(c) for c, _ in found
            if any(i.get("code") == "CENTRAL_BAD" for i in c.entry.get("issues") or [])]
    cause, who = ("数据错误、漏填或秘书处统一数据有误", "更正后") if feed else ("数据错误或漏填", "城市更正后")
    writer.paragraph(f"{len(found)}个城市因{cause}暂未得到共{points(total)}分，{who}可以得到；"
                     f"最多的是{facts.city_label(found[0][0])}（{points(found[0][1])}分）。"
                     + (f"其中{names(feed)}的未得分值含秘书处统一数据中无法读取的数值，由秘书处更正。" if feed else ""))
    rows = [[facts.city_label(c), points(p), sum(1 for i in c.entry.get("issues") or [] if i.get("severity") == "error")]
            for c, p in found]
    writer.table("因错误和漏填未得的分值", ["城市", "未得分值", "错误数"], rows)
    _errors_by_indicator(writer, facts)
    shown = found[: outline()["chart_top"]]
    title = "各城市因错误和漏填未得的分值" + (f"（最多的{len(shown)}个城市）" if len(shown) < len(found) else "")
    writer.picture(charts.bar_chart([facts.city_label(c) for c, _ in shown], [p for _, p in shown], title, "分值"))


def _errors_by_indicator(writer: Writer, facts: ReportFacts) -> None:
    found = fig.errors_by_indicator(facts)
    if not found:
        return
    name = {code: node.name for code, node in facts.nodes.items()}
    rows = [[code, name.get(code, ""), count] for code, count in found]
    writer.table("有错误的分项（按城市数）", ["编码", "分项", "有错误的城市数"], rows, [2, 7, 2])


def _issues(writer: Writer, facts: ReportFacts) -> None:
    found = fig.issue_counts(facts)
    if not found:
        writer.paragraph("回收的文件中未发现数据质量问题。")
        return
    occurrences = sum(c.occurrences for c in found)
    top = found[0]
    writer.paragraph(f"回收的文件中共记录问题{occurrences}处，分属{len(found)}种问题代码；出现最多的是{top.code}"
                     f"（{top.meaning}），{top.occurrences}处，涉及{top.cities}个城市或文件。")
    rows = [[c.code, c.meaning, outline()["severity"].get(c.severity, c.severity), c.occurrences, c.cities] for c in found]
    writer.table("数据质量问题（按问题代码）", ["问题代码", "含义", "严重程度", "出现次数", "涉及城市或文件数"], rows,
                 [5, 7, 2, 2, 2])
    shown = found[: outline()["chart_top"]]
    writer.picture(charts.bar_chart([c.code for c in shown], [Decimal(c.occurrences) for c in shown],
                                    "出现最多的问题代码", "出现次数", shown_as=str))


def _provinces(writer: Writer, facts: ReportFacts) -> None:
    found = fig.province_stats(facts)
    spread = fig.mean_spread(found)
    if spread is None:
        writer.paragraph("各省均没有已计分的城市。")
        return
    high, low, gap = spread
    writer.paragraph(f"{len(found)}个省（区、市）的城市平均分最高为{points(high)}分"
                     f"（{names(n for n, s in found if s.mean == high)}），最低为{points(low)}分"
                     f"（{names(n for n, s in found if s.mean == low)}），相差{points(gap)}分。")
    rows = [[name, s.count, points(s.mean), points(s.median), points(s.high), points(s.low), points(s.spread)]
            for name, s in found]
    writer.table("各省城市总分", ["省份", "已计分城市数", "平均分", "中位数", "最高分", "最低分", "省内极差"], rows)
    writer.picture(charts.range_chart([n for n, _ in found], [s.mean for _, s in found], [s.low for _, s in found],
                                      [s.high for _, s in found], "各省城市平均分及省内最高、最低分", "总分（分）"))
