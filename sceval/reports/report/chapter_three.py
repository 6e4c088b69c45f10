"""三、优秀案例: each checked case of cases.json (``sceval cases check``) with its city, title,
字数, figures and tables, compliance with 附件3 and its opening lines."""
from __future__ import annotations

from sceval.cases.who import SOURCE_LABELS
from sceval.reports.report.document import Writer
from sceval.reports.report.facts import ReportFacts, outline
from sceval.reports.report.naming import attachment_name, reason_text, sentence, whole_sentences
from sceval.reports.report.wording import names

OPENING_LIMIT = 200  # characters of the opening quoted; the reader opens the case for the rest


def write_chapter_three(writer: Writer, facts: ReportFacts) -> None:
    text = outline()
    writer.heading(facts.chapter("three"), 1)
    cases = list((facts.cases or {}).get("files") or [])
    if not cases:
        writer.paragraph("本次未提供优秀案例检查结果（cases.json）。")
        writer.placeholder(text["prompts"]["cases_missing"])
        return
    _overview(writer, cases)
    for number, case in enumerate(cases, start=1):
        _case(writer, number, case)
    writer.placeholder(text["prompts"]["cases_judgement"])


def city_name(case: dict) -> str:
    city = case.get("city") or {}
    return city.get("name") or "（未识别城市）"


def status_label(case: dict) -> str:
    status = case.get("status", "")
    return outline()["case_status"].get(status, status)


def _overview(writer: Writer, cases: list[dict]) -> None:
    counts = {s: sum(1 for c in cases if c.get("status") == s) for s in outline()["case_status"]}
    labels = outline()["case_status"]
    writer.paragraph(f"共检查优秀案例{len(cases)}篇，其中" + names(f"{labels[s]}{n}篇" for s, n in counts.items()) + "。")
    rows = [[number, city_name(c), c.get("title") or "（无标题）", c.get("characters", ""),
             int(c.get("figures") or 0) + int(c.get("tables") or 0), status_label(c)]
            for number, c in enumerate(cases, start=1)]
    writer.table("优秀案例检查结果", ["序号", "城市", "案例名称", "字数", "图表数", "符合情况"], rows, [1, 2, 7, 2, 2, 3])


def _missing_sections(case: dict) -> list[str]:
    return [s.get("name", "") for s in case.get("sections") or [] if not s.get("found")]


def _case(writer: Writer, number: int, case: dict) -> None:
    writer.heading(f"（{_chinese_number(number)}）{city_name(case)}：{case.get('title') or '（无标题）'}", 2)
    text = (f"字数{case.get('characters', '')}，图{case.get('figures', 0)}个、表{case.get('tables', 0)}个；"
            f"符合情况：{status_label(case)}")
    if case.get("city_basis") in SOURCE_LABELS:  # where the city came from (issue 20 defect 6)
        text += f"；所属城市依据{SOURCE_LABELS[case['city_basis']]}确定"
    missing = _missing_sections(case)
    if missing:
        text += f"；缺少{names(missing)}部分"
    writer.paragraph(text + "。")
    findings = list(dict.fromkeys(sentence(_short(i["message"], case)) for i in case.get("issues") or []
                                  if i.get("message")))
    if findings:
        writer.paragraph("检查提示：" + "".join(findings))
    opening = str(case.get("opening") or "").strip()
    if opening:
        writer.paragraph(f"开篇：{whole_sentences(opening, OPENING_LIMIT)}")


def case_file_name(case: dict) -> str:
    """The case as the official knows it: the attachment's (or file's) own name, no subject or folder."""
    return attachment_name(str(case.get("file") or ""))


def _short(message: str, case: dict) -> str:
    """The checker names the file by its whole path (a mail's subject and sender, a local folder);
    the report's reader needs the document's own name, and no address."""
    path = str(case.get("file") or "")
    return reason_text(message, path, named=case_file_name(case)) if path else message


CHINESE_DIGITS = "零一二三四五六七八九"


def _chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99: enough for one province's cases)."""
    if number > 99:
        return str(number)
    if number < 10:
        return CHINESE_DIGITS[number]
    tens, ones = divmod(number, 10)
    return (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (CHINESE_DIGITS[ones] if ones else "")
