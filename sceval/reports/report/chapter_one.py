"""一、本省组织评价工作概况: organisation, cities, optional indicators, process, completeness."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal
from types import SimpleNamespace

from sctemplates.layout import FILER_DATE
from sctemplates.methods import round_score

from sceval.reports.report.document import Writer
from sceval.reports.report.late_returns import write_blank_templates, write_late_returns
from sceval.reports.report.facts import ProvinceRound, ReportFacts, exact, feed_inputs, outline, provisional_subs
from sceval.reports.report.naming import file_label, reason_text, sent_day, sentence
from sceval.reports.report.wording import (beijing_day, chinese_date, kind_counts, names, percent, points,
                                           weight)
from sceval.reports.status_words import adjusted_mark, adjusted_note, adjusted_words

FILE_STATUSES = ("counted", "superseded", "rejected", "duplicate", "invalidated")
BLANK = "blank"  # a blank template standing for its city: a column of its own only when there is one


def _file_statuses(files: list[dict]) -> tuple[str, ...]:
    if not any(f.get("status") == BLANK for f in files):
        return FILE_STATUSES
    return FILE_STATUSES[:1] + (BLANK,) + FILE_STATUSES[1:]


def write_chapter_one(writer: Writer, facts: ReportFacts) -> None:
    text = outline()
    writer.heading(facts.chapter("one"), 1)
    writer.heading(text["sections"]["organisation"], 2)
    _organisation(writer, facts)
    writer.heading(text["sections"]["cities"], 2)
    _cities(writer, facts)
    writer.heading(text["sections"]["optional"], 2)
    for province in facts.provinces:
        _optional(writer, facts, province)
    writer.heading(text["sections"]["process"], 2)
    for province in facts.provinces:
        _process(writer, facts, province)
    writer.placeholder(text["prompts"]["process"])
    writer.heading(text["sections"]["completeness"], 2)
    _completeness(writer, facts)


def province_config(province: ProvinceRound):
    """The configuration given, else the neutral one the templates were rendered with."""
    from sctemplates.province import default_province

    if province.config is not None:
        return province.config
    # default_province reads only the roster's province code and name.
    return default_province(SimpleNamespace(province_code=province.code, province_name=province.name))


def _organisation(writer: Writer, facts: ReportFacts) -> None:
    if facts.national:
        listed = names(p.name for p in facts.provinces)
        writer.paragraph(f"本轮评价由{outline()['national_organiser']}共同组织开展。本报告汇总了"
                         f"{len(facts.provinces)}个省（区、市）的评价结果：{listed}。")
    else:
        config = province_config(facts.provinces[0])
        writer.paragraph(f"{config.round_name}由{config.organiser}组织开展，"
                         f"城市报送截止日期为{chinese_date(config.deadline)}。")
        if config.contacts:
            writer.paragraph("评价工作联系人：" + "；".join(config.contact_lines()) + "。")
    for note in facts.catalog_notes:
        writer.paragraph(note)
    writer.placeholder(outline()["prompts"]["organisation"])


def status_label(status: str) -> str:
    return outline()["city_status"].get(status, status)


def _cities(writer: Writer, facts: ReportFacts) -> None:
    cities = facts.cities
    scored = facts.scored()
    writer.paragraph(f"列入评价名单的城市共{len(cities)}个，其中{kind_counts([c.kind for c in cities])}；"
                     f"已计分的城市{len(scored)}个。")
    if facts.national:
        rows = [[p.name, len(p.cities), len(p.scored()), len(p.cities) - len(p.scored())] for p in facts.provinces]
        writer.table("各省参评城市", ["省份", "名单城市数", "已计分", "未计分"], rows)
        return
    province = facts.provinces[0]
    rows = [[number, c.name, c.kind, status_label(c.status), chinese_date(beijing_day(_received(province, c))),
             points(c.total), adjusted_mark(c.entry)] for number, c in enumerate(cities, start=1)]
    # The 审核调整 column is there for every round, so verify matches this table by its header
    # whether or not a city was adjusted, and a stale mark (or a missing one) is a difference.
    writer.table("参评城市及报送情况", ["序号", "城市", "类型", "报送状态", "报送日期", "总分", adjusted_words()["column"]],
                 rows, [7, 11, 11, 14, 21, 9, 11])  # a date and a total on one line (checked in a PDF)
    note = adjusted_note("report", [c.name for c in cities if adjusted_mark(c.entry)])
    if note:
        writer.paragraph(note)
    _apart(writer, province)


def _apart(writer: Writer, province) -> None:
    """直辖市/计划单列市 in the province's roster report to the nation: said apart, never ranked here."""
    if not province.apart:
        return
    said = "、".join(f"{c.name}（{c.kind}，{status_label(c.status)}" + (f"，{points(c.total)}分）" if c.scored else "）")
                     for c in province.apart)
    writer.paragraph(f"另有{said}直接向国家报送评价结果，不填本省自选指标，未计入上表，也不参与本报告的排名、"
                     "平均分等统计。")


def _received(province: ProvinceRound, city) -> str | None:
    """When the counted file was sent (sceval.reports.report.naming.sent_day); for a city whose files
    were all unusable, the latest of them."""
    counted = next((f for f in province.files if f.get("status") in ("counted", BLANK) and f.get("city") == city.code
                    and f.get("sha256") == city.entry.get("sha256")), None)
    filed = str((city.entry.get("filer") or {}).get(FILER_DATE) or "")
    if counted is not None or city.entry.get("received_at"):
        return sent_day(counted or city.entry, filed)
    stamps = [sent_day(f) for f in province.files if f.get("city") == city.code and sent_day(f)]
    return max(stamps, key=beijing_day, default=None)


def _optional(writer: Writer, facts: ReportFacts, province: ProvinceRound) -> None:
    tree = province.results.get("optional_catalog")
    prefix = province.name if facts.national else "本省"
    if not tree:
        writer.paragraph(f"{prefix}未设置自选指标。")
        return
    seconds = [s for f in tree.get("indicators") or [] for s in f.get("children") or []]
    maximum = sum((Decimal(str(f["weight"])) for f in tree.get("indicators") or []), Decimal(0))
    taking = [c for c in province.scored() if c.entry.get("optional_total") is not None]
    text = (f"{prefix}设置自选指标{len(seconds)}项（二级指标），满分{weight(maximum)}分；"
            f"已计分的城市中有{len(taking)}个参加自选指标评价")
    if taking and maximum:
        points_taken = sum(exact(c.entry["optional_total"]) for c in taking)
        text += (f"，平均得分{points(round_score(points_taken / len(taking)))}分，"
                 f"得分率{percent(round_score(points_taken * 100 / (len(taking) * maximum)))}")
    pending = [c.name for c in province.scored() if c.entry.get("optional_pending") is not None]
    if pending:  # refused (an older definition): pending, not "none" (issue 20, item 10)
        text += f"；{names(pending)}的自选指标因模板定义与现行不一致未计分，列为待补分值，未计入上述平均"
    writer.paragraph(text + "。")
    rows = []
    for second in seconds:
        rows.append([second["code"], second["name"], f"{weight(Decimal(str(second['weight'])))}分", "—"])
        for sub in second.get("sub_items") or []:
            rows.append([sub["code"], sub["name"], f"占{weight(Decimal(str(sub['weight_in_parent'])))}%",
                         sub.get("method_label") or sub.get("method", "")])
    writer.table(f"{province.name}自选指标", ["编码", "名称", "分值或权重", "计分方法"], rows, [2, 6, 2, 2])


def _process(writer: Writer, facts: ReportFacts, province: ProvinceRound) -> None:
    files = province.files
    prefix = f"{province.name}：" if facts.national else ""
    status = Counter(f.get("status") for f in files)
    issued = len(province.cities) + len(province.apart)  # the roster's cities reporting to the nation got one too
    blank = f"未填写数据的空白模板（该市没有已填报的报送，未计分）{status[BLANK]}份、" if status[BLANK] else ""
    writer.paragraph(f"{prefix}向名单中的{issued}个城市各下发填报模板1份，共{issued}份；"
                     f"共收到报送文件{len(files)}份（压缩包中的文件逐个计），其中计入计分{status['counted']}份、{blank}"
                     f"被同一城市更正后的报送替代{status['superseded']}份、无法使用{status['rejected']}份、"
                     f"与已收到文件完全相同{status['duplicate']}份、人工作废{status['invalidated']}份。")
    if province.ledger is not None:
        _ledger(writer, province.ledger, prefix)
    if not facts.national:
        _by_day(writer, files)
    _outcomes(writer, province, prefix)
    write_late_returns(writer, province, prefix)
    write_blank_templates(writer, province, prefix)
    _central(writer, facts, province, prefix)


def _ledger(writer: Writer, view, prefix: str) -> None:
    """The round across every ingest run, as the ledger recorded it (each file once)."""
    counts = view.statuses
    blank = f"未填写数据的空白模板（未计分）{counts[BLANK]}份、" if counts[BLANK] else ""
    writer.paragraph(f"{prefix}报送台账记录了本轮历次回收收到的全部文件{view.submissions}份（同一文件只记一次），"
                     f"其中计入计分{counts['counted']}份、{blank}被更正替代{counts['superseded']}份、"
                     f"无法使用{counts['rejected']}份、人工作废{counts['invalidated']}份；"
                     f"最早于{chinese_date(beijing_day(view.first))}收到，最晚于{chinese_date(beijing_day(view.last))}收到。")


def _by_day(writer: Writer, files: list[dict]) -> None:
    days: dict = {}
    for entry in files:
        day = beijing_day(entry.get("received_at"))
        days.setdefault(day, Counter())[entry.get("status")] += 1
    labels, statuses = outline()["file_status"], _file_statuses(files)
    rows = [[chinese_date(day), sum(c.values()), *(c[s] for s in statuses)]
            for day, c in sorted(days.items(), key=lambda item: (item[0] is None, item[0] or 0))]
    if rows:
        writer.table("按日期统计的报送文件（北京时间）", ["日期", "收到文件数", *(labels[s] for s in statuses)], rows,
                     [4, 2] + [2] * len(statuses))


def _outcomes(writer: Writer, province: ProvinceRound, prefix: str) -> None:
    by_status = {s: [c.name for c in province.cities if c.status == s]
                 for s in ("corrected", "rejected", BLANK, "missing")}
    parts = []
    if by_status["corrected"]:
        parts.append(f"{len(by_status['corrected'])}个城市报送了更正版（{names(by_status['corrected'])}），按更正后的报送计分")
    if by_status["rejected"]:
        parts.append(f"{len(by_status['rejected'])}个城市的报送均无法采用（{names(by_status['rejected'])}）")
    if by_status[BLANK]:
        parts.append(f"{len(by_status[BLANK])}个城市只报回了未填写数据的空白模板（{names(by_status[BLANK])}），"
                     "未计分，不参与排名和统计（请其填写后重新报送）")
    if by_status["missing"]:
        parts.append(f"{len(by_status['missing'])}个城市未报送（{names(by_status['missing'])}）")
    writer.paragraph(prefix + ("；".join(parts) if parts else "名单中的城市均已报送且可以采用") + "。")
    rejected = [f for f in province.files if f.get("status") == "rejected"]
    if rejected:
        cities = {c.code: c.name for c in province.cities + province.apart}
        rows = [[file_label(f, cities), chinese_date(beijing_day(sent_day(f))), _reason(f)] for f in rejected]
        writer.table(f"{province.name}无法使用的报送文件", ["城市：文件", "报送日期", "原因"], rows, [5, 2, 5])


def _reason(entry: dict) -> str:
    """The errors that made a file unusable (else whatever was found about it), each a whole
    sentence without the file's description (the 文件 column names it) or any address."""
    issues = entry.get("issues") or []
    errors = [i for i in issues if i.get("severity") == "error"] or issues
    said = dict.fromkeys(sentence(reason_text(i.get("message", ""), str(entry.get("path") or ""))) for i in errors)
    return "".join(said) or "原因见问题清单。"


def _central(writer: Writer, facts: ReportFacts, province: ProvinceRound, prefix: str) -> None:
    feed = feed_inputs(facts.tree)
    scored = province.scored()
    fed = [c for c in scored if feed and all((c.entry.get("inputs") or {}).get(n) is not None for n in feed)]
    # The feed's file-level problems (run_issues) and its unreadable cells, which ingest puts on
    # the city's row (CENTRAL_BAD “八十分”): both are problems found in the feed file.
    cells = [i for c in province.cities for i in c.entry.get("issues") or []
             if str(i.get("code", "")).startswith("CENTRAL_") and i.get("severity") in ("error", "warning")]
    problems = [i for i in province.run_issues if str(i.get("code", "")).startswith("CENTRAL_")] + cells
    text = (f"{prefix}秘书处统一测算数据和市民体验调查结果覆盖了已计分的{len(scored)}个城市中的{len(fed)}个；"
            f"统一数据文件中发现问题{len(problems)}处。")
    provisional = provisional_subs(facts.tree)
    if provisional:
        text += f"本轮计分所用指标目录中有{len(provisional)}个分项的权重或计分方法为暂定值，得分仅供参考。"
    writer.paragraph(text)
    for item in problems:
        writer.paragraph(f"统一数据问题：{item.get('message', '')}")


def _completeness(writer: Writer, facts: ReportFacts) -> None:
    scored = facts.scored()
    values = [(c, exact(c.entry.get("completeness"))) for c in scored]
    values = [(c, v) for c, v in values if v is not None]
    if not values:
        writer.paragraph("没有已计分的城市，无法统计数据完整性。")
        return
    average = round_score(sum(v for _, v in values) / len(values))
    full = [c for c, v in values if v == 100]
    short = sorted([(c, v) for c, v in values if v < 100], key=lambda item: item[1])
    text = (f"已计分的{len(values)}个城市中，城市填报的必填数据平均完整率为{percent(average)}，"
            f"{len(full)}个城市全部填齐")
    if short:
        text += "；未填齐的有" + names(f"{facts.city_label(c)}（{percent(v)}）" for c, v in short)
    writer.paragraph(text + "。")
