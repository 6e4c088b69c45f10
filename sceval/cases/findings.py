"""The 附件3 rules applied to a read case document; every finding an Issue naming file, section
and paragraph. Limits, section titles and word lists come from outline.yaml / advertising.yaml."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from sctemplates.issues import Issue, issue

from sceval.cases.headings import Heading
from sceval.cases.inputs import short
from sceval.cases.outline import Outline, advertising
from sceval.cases.structure import Body

SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
MAX_LISTED = 10  # places listed in one message
MAX_ADVERTISING = 40  # advertising warnings per document


@dataclass
class Read:
    """A case document as the checker sees it."""

    display: str
    body: Body
    headings: list[Heading]
    title: int | None  # index into body.paragraphs
    sections: dict[str, Heading | None]
    subsections: dict[str, dict[str, Heading | None]]
    guidance: list[int] = field(default_factory=list)  # paragraphs in the template's guidance style
    characters: int = 0
    extra_text: list[str] = field(default_factory=list)  # footnotes and text boxes


class Places:
    """'第 N 段（位于“主要做法”）' for a paragraph index: the section it falls in."""

    def __init__(self, read: Read, outline: Outline):
        self.body = read.body
        names = {s.key: s.name for s in outline.sections}
        self.starts = sorted((h.index, names[key]) for key, h in read.sections.items() if h is not None)
        self.numbers = _numbers_so_far(read.body)
        self.filled = [i for i, p in enumerate(read.body.paragraphs) if p.text.strip()]  # for _nearby

    def section(self, index: int) -> str:
        inside = [name for start, name in self.starts if start <= index]
        return inside[-1] if inside else ""

    def of(self, index: int) -> str:
        number = self.numbers[index]
        where = f"第 {number} 段" if number else "文首"
        section = self.section(index)
        return f"{where}（位于“{section}”）" if section else where


def _numbers_so_far(body: Body) -> list[int | None]:
    """Each paragraph's number, or for a blank one the number of the last paragraph before it."""
    numbers, last = [], None
    for paragraph in body.paragraphs:
        last = paragraph.number or last
        numbers.append(last)
    return numbers


def all_findings(read: Read, outline: Outline) -> list[Issue]:
    places = Places(read, outline)
    return (title_findings(read, outline) + section_findings(read, outline)
            + guidance_findings(read, places) + limit_findings(read, outline)
            + layout_table_findings(read, places) + source_findings(read, outline, places)
            + advertising_findings(read, places))


def _issue(read: Read, code: str, message: str) -> Issue:
    return issue(code, f"文件“{short(read.display)}”{message}", file=read.display)


def title_findings(read: Read, outline: Outline) -> list[Issue]:
    text = read.body.paragraphs[read.title].text.strip() if read.title is not None else ""
    if text and text != outline["title"]["placeholder"]:
        return []
    said = "的案例名称仍是模板中的占位文字" if text else "没有案例名称"
    return [_issue(read, "CASE_TITLE_MISSING", f"{said}：请在文首自拟案例名称（需要突出主题、特点鲜明）。")]


def section_findings(read: Read, outline: Outline) -> list[Issue]:
    found = []
    for section in outline.sections:
        heading = read.sections.get(section.key)
        if heading is None:
            found.append(_issue(read, "CASE_SECTION_MISSING", f"缺少“{section.label}”章节（编写大纲要求的"
                                                              "一级标题，标题可以自拟，但应能看出是该章节）。"))
            continue
        for sub in section.subsections:
            if read.subsections.get(section.key, {}).get(sub.key) is None:
                found.append(_issue(read, "CASE_SUBSECTION_MISSING", f"的“{section.name}”章节（第 "
                                    f"{read.body.paragraphs[heading.index].number} 段起）下未找到“{sub.label}”小节。"))
    present = [(h.index, s.name) for s in outline.sections if (h := read.sections.get(s.key)) is not None]
    if [name for _, name in sorted(present)] != [name for _, name in present]:
        order = "、".join(name for _, name in sorted(present))
        found.append(_issue(read, "CASE_SECTION_ORDER", f"的章节顺序为 {order}，与编写大纲的顺序"
                                                        f"（{'、'.join(s.name for s in outline.sections)}）不一致。"))
    return found


def guidance_findings(read: Read, places: Places) -> list[Issue]:
    if not read.guidance:
        return []
    first = places.of(read.guidance[0])
    return [_issue(read, "CASE_GUIDANCE_LEFT", f"仍有 {len(read.guidance)} 段模板中的填写说明（灰色斜体），"
                                               f"第一处在{first}，定稿前请删除。")]


def limit_findings(read: Read, outline: Outline) -> list[Issue]:
    found = []
    if read.characters > outline.max_characters:
        found.append(_issue(read, "CASE_TOO_LONG", f"正文（含表格）共 {read.characters:,} 字，超过 "
                                                   f"{outline.max_characters:,} 字的上限，请精简。"))
    figures, tables = len(read.body.figures), len(read.body.tables)
    if figures + tables > outline.max_figures:
        found.append(_issue(read, "CASE_TOO_MANY_FIGURES", f"共有图 {figures} 张、表 {tables} 张，合计 "
                                                           f"{figures + tables} 张，超过 {outline.max_figures} 张的上限。"))
    return found


def layout_table_findings(read: Read, places: Places) -> list[Issue]:
    return [_issue(read, "CASE_LAYOUT_TABLE", f"的第 {table.number} 个表格（{places.of(table.first)}）只有一个单元格，"
                                              "看起来是排版用的表格，仍按一张表计数；如只为排版，请改为普通段落。")
            for table in read.body.tables if table.cells == 1]


def source_findings(read: Read, outline: Outline, places: Places) -> list[Issue]:
    words = tuple(outline["source_words"])
    items = _figure_and_table_spans(read, places)
    if not items:
        return []
    texts = [p.text for p in read.body.paragraphs] + read.extra_text
    if not any(word in text for text in texts for word in words):
        listed = "、".join(where for where, _, _ in items[:MAX_LISTED])
        return [_issue(read, "CASE_NO_SOURCE", f"有 {len(items)} 张图表，但全文没有标明任何数据或资料来源"
                                               f"（{listed}）：所引证的数据和资料需要标明出处。")]
    window = outline["source_window"]
    missing = [where for where, first, last in items
               if not any(word in text for text in _nearby(read.body, places.filled, first, last, window)
                          for word in words)]
    if not missing:
        return []
    return [_issue(read, "CASE_SOURCE_MISSING", f"有 {len(missing)} 张图表附近没有标明来源"
                                                f"（{'、'.join(missing[:MAX_LISTED])}）：请在图表标题或其下一段注明“资料来源：…”。")]


def _figure_and_table_spans(read: Read, places: Places) -> list[tuple[str, int, int]]:
    spans = [(f.paragraph, f"{places.of(f.paragraph)}的{f.kind}", f.paragraph, f.paragraph)
             for f in read.body.figures]
    spans += [(t.first, f"第 {t.number} 个表格（{places.of(t.first)}）", t.first, t.last)
              for t in read.body.tables]
    return [(where, first, last) for _, where, first, last in sorted(spans)]


def _nearby(body: Body, filled: list[int], first: int, last: int, window: dict) -> list[str]:
    """The figure's (table's) own text and that of the non-blank paragraphs around it
    (``filled``: indices of the non-blank paragraphs, in order; bisected, so a document with
    thousands of figures costs no more than a scan)."""
    start, end = bisect_left(filled, first), bisect_right(filled, last)
    before = filled[max(0, start - int(window["before"])):start]
    after = filled[end:end + int(window["after"])]
    own = range(first, last + 1)
    return [body.paragraphs[i].text for i in [*before, *own, *after]]


def advertising_findings(read: Read, places: Places) -> list[Issue]:
    words = advertising()
    kinds = (("CASE_AD_COMPANY", words.company, "提及企业名称"), ("CASE_AD_TRADEMARK", words.trademark, "含商标符号"),
             ("CASE_AD_SUPERLATIVE", words.superlative, "含绝对化或宣传性用语"))
    found: list[Issue] = []
    for index, paragraph in enumerate(read.body.paragraphs):
        if not any(pattern.search(paragraph.text) for _, pattern, _ in kinds):
            continue  # most paragraphs: one scan each, no sentence splitting
        for sentence in filter(str.strip, SENTENCE_END.split(paragraph.text)):
            for code, pattern, said in kinds:
                hits = sorted({m.group(0) for m in pattern.finditer(sentence)})
                if hits:
                    found.append(_issue(read, code, f"{places.of(index)}{said}“{'、'.join(hits)}”："
                                                    f"“{_quote(sentence)}”（避免体现企业宣传色彩，请核实）。"))
    return found[:MAX_ADVERTISING]


def _quote(sentence: str, limit: int = 80) -> str:
    sentence = sentence.strip()
    return sentence if len(sentence) <= limit else sentence[:limit] + "…"
