"""Which paragraphs are headings, at what level, and where the outline's sections are.

A paragraph is a heading of level N when (first that applies):
1. its own ``w:outlineLvl`` is N-1 (< 9);
2. a style on its ``w:basedOn`` chain is named ``heading N`` / ``Heading N`` / ``标题 N`` (Word
   writes the English name even in a Chinese Word; WPS and hand-made styles may use the Chinese),
   or has ``w:outlineLvl`` N-1 — the nearest style on the chain decides;
3. only when no paragraph of the document is a heading by 1 or 2: its text starts with numbering
   such as 一、 /（一）/ 1. / 1、 / 1）(levels from outline.yaml), or Word numbers it (w:numPr),
   and it is short.
The title is the paragraph in a style named Title/标题, else the first paragraph when it comes
before every section. Sections are matched among the top-level headings only, so that a
sub-heading such as “（二）特色服务” under 主要做法 is not taken for the 特色亮点 section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sceval.cases.outline import Outline, Section
from sceval.cases.structure import Body, Paragraph, w

HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
TITLE_NAMES = {"title", "标题"}
NOT_HEADING = 9  # w:outlineLvl 9 is body text
STRIP = re.compile(r"[\s\u3000:：、，,.．。;；!！?？·]+")


@dataclass(frozen=True)
class StyleInfo:
    name: str
    based_on: str
    outline_level: int | None


@dataclass
class Heading:
    index: int  # into Body.paragraphs
    level: int
    text: str  # without its numbering


def read_styles(styles_element) -> tuple[dict[str, "LazyStyle"], str]:
    """styleId -> its paragraph style (read when first asked for), and the default style's id."""
    styles, default = {}, ""
    for style in styles_element.iterchildren(w("style")):
        if style.get(w("type")) not in (None, "paragraph"):
            continue
        style_id = style.get(w("styleId"), "")
        styles[style_id] = LazyStyle(style)
        if style.get(w("default")) in ("1", "true", "on"):
            default = style_id
    return styles, default


class LazyStyle:
    """A style element, read into a StyleInfo only when a paragraph's chain reaches it (a
    document uses a handful of the ~160 styles its template declares)."""

    def __init__(self, element):
        self.element, self._info = element, None

    @property
    def info(self) -> StyleInfo:
        if self._info is None:
            name = self.element.find(w("name"))
            based = self.element.find(w("basedOn"))
            outline = self.element.find(f"{w('pPr')}/{w('outlineLvl')}")
            self._info = StyleInfo(name.get(w("val"), "") if name is not None else "",
                                   based.get(w("val"), "") if based is not None else "",
                                   _level(outline.get(w("val"))) if outline is not None else None)
        return self._info


def _level(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


class StyleChain:
    def __init__(self, styles: dict[str, LazyStyle], default: str):
        self.styles, self.default = styles, default
        self._levels: dict[str, int | None] = {}
        self._titles: dict[str, bool] = {}

    def chain(self, style_id: str):
        seen = set()
        current = style_id or self.default
        while current in self.styles and current not in seen and len(seen) < 32:  # loops are hostile
            seen.add(current)
            info = self.styles[current].info
            yield info
            current = info.based_on

    def level(self, style_id: str) -> int | None:
        if style_id not in self._levels:
            self._levels[style_id] = next(filter(None, map(_style_level, self.chain(style_id))), None)
        return self._levels[style_id]

    def is_title(self, style_id: str) -> bool:
        if style_id not in self._titles:
            self._titles[style_id] = any(info.name.strip().lower() in TITLE_NAMES for info in self.chain(style_id))
        return self._titles[style_id]


def _style_level(info: StyleInfo) -> int | None:
    match = HEADING_NAME.match(info.name.strip())
    if match:
        return int(match.group(1))
    if info.outline_level is not None and info.outline_level < NOT_HEADING:
        return info.outline_level + 1
    return None


def styled_level(paragraph: Paragraph, styles: StyleChain) -> int | None:
    if paragraph.outline_level is not None:
        return paragraph.outline_level + 1 if paragraph.outline_level < NOT_HEADING else None
    return styles.level(paragraph.style_id)


def numbered_level(paragraph: Paragraph, outline: Outline) -> tuple[int, str] | None:
    """(level, text without the number) for a short paragraph numbered like a heading."""
    text = paragraph.text.strip()
    if not text or len(text) > outline["heading_max_characters"] or text.endswith(("。", "；")):
        return None
    for level, pattern in enumerate(outline.numbering, start=1):
        match = pattern.match(text)
        if match:
            return level, text[match.end():]
    if paragraph.numbering_level is not None:
        return len(outline.numbering) + 1 + paragraph.numbering_level, text
    return None


def find_headings(body: Body, styles: StyleChain, outline: Outline) -> list[Heading]:
    """Every heading outside tables, by styles and outline levels, else by numbering.

    Styled headings that name no section at all (typically only the title put in Heading 1,
    the chapters typed as 一、… in body text) count as no heading styles.
    """
    candidates = [(i, p) for i, p in enumerate(body.paragraphs) if p.table is None and p.text.strip()]
    styled = [Heading(i, level, _without_number(p.text, outline)) for i, p in candidates
              if (level := styled_level(p, styles)) is not None]
    if any(section.matches(normalised(h.text)) for h in styled for section in outline.sections):
        return styled
    numbered = [Heading(i, found[0], found[1].strip()) for i, p in candidates
                if (found := numbered_level(p, outline)) is not None]
    return numbered + [h for h in styled if h.index not in {n.index for n in numbered}] if numbered else styled


def _without_number(text: str, outline: Outline) -> str:
    text = text.strip()
    for pattern in outline.numbering:
        match = pattern.match(text)
        if match:
            return text[match.end():].strip()
    return text


def normalised(text: str) -> str:
    return STRIP.sub("", text)


def find_title(body: Body, styles: StyleChain, headings: list[Heading],
               outline: Outline) -> int | None:
    """Index of the title paragraph, or None."""
    for index, paragraph in enumerate(body.paragraphs):
        if paragraph.table is None and paragraph.text.strip() and styles.is_title(paragraph.style_id):
            return index
    first = next((i for i, p in enumerate(body.paragraphs) if p.table is None and p.text.strip()), None)
    if first is None or len(body.paragraphs[first].text.strip()) > 80:
        return None
    heading = next((h for h in headings if h.index == first), None)
    if heading is not None and any(s.matches(normalised(heading.text)) for s in outline.sections):
        return None  # the document starts straight with 背景与需求: no title
    return first


def top_headings(headings: list[Heading], title: int | None) -> list[Heading]:
    rest = [h for h in headings if h.index != title]
    top = min((h.level for h in rest), default=None)
    return [h for h in rest if h.level == top]


def locate_sections(headings: list[Heading], title: int | None,
                    sections: tuple[Section, ...]) -> dict[str, Heading | None]:
    """Section key -> the first top-level heading that matches it (a heading serves one section)."""
    found: dict[str, Heading | None] = {}
    used: set[int] = set()
    top = top_headings(headings, title)
    for section in sections:
        match = next((h for h in top if h.index not in used and section.matches(normalised(h.text))), None)
        found[section.key] = match
        if match is not None:
            used.add(match.index)
    return found


def locate_subsections(headings: list[Heading], section: Section, start: Heading,
                       end: int | None) -> dict[str, Heading | None]:
    """Within a section (its heading to the next section's), the sub-sections' headings."""
    inside = [h for h in headings if start.index < h.index < (end if end is not None else 1 << 30)
              and h.level > start.level]
    return {sub.key: next((h for h in inside if sub.matches(normalised(h.text))), None)
            for sub in section.subsections}
