"""From a checked package to `Read`: the body streamed block by block (sceval.cases.stream), the
styles, custom properties, footnotes and endnotes each read under a cap on inflated bytes."""
from __future__ import annotations

from defusedxml import ElementTree
from lxml import etree

from sceval.cases.findings import Read
from sceval.cases.headings import (
    StyleChain, find_headings, find_title, locate_sections, locate_subsections, read_styles,
)
from sceval.cases.outline import Outline
from sceval.cases.package import Package
from sceval.cases.props import read_custom_properties
from sceval.cases.stream import parse_part, stream_body
from sceval.cases.structure import W
from sceval.cases.template import GUIDANCE_STYLE_ID
from sceval.cases.wordcount import count_paragraphs

DOCUMENT_PART, STYLES_PART = "word/document.xml", "word/styles.xml"
NOTE_PARTS = ("word/footnotes.xml", "word/endnotes.xml")
SEPARATOR_TYPES = {"separator", "continuationSeparator", "continuationNotice"}


def read_case(package: Package, display: str, outline: Outline) -> tuple[Read, dict[str, str], list[str]]:
    """(what the checker reads, the custom properties, the footnote and endnote texts)."""
    body = stream_body(package.data, DOCUMENT_PART)
    styles = StyleChain(*read_styles(_styles(package)))
    headings = find_headings(body, styles, outline)
    title = find_title(body, styles, headings, outline)
    sections = locate_sections(headings, title, outline.sections)
    notes = [text for part in NOTE_PARTS for text in _note_texts(package.part(part))]
    read = Read(display=display, body=body, headings=headings, title=title, sections=sections,
                subsections=_subsections(headings, sections, outline),
                guidance=[i for i, p in enumerate(body.paragraphs)
                          if p.style_id == GUIDANCE_STYLE_ID and p.text.strip()],
                characters=count_paragraphs(p.text for p in body.paragraphs),
                extra_text=notes + body.textboxes)
    return read, read_custom_properties(package.part("docProps/custom.xml")), notes


def _subsections(headings, sections, outline: Outline) -> dict:
    starts = sorted(h.index for h in sections.values() if h is not None)
    found = {}
    for section in outline.sections:
        start = sections.get(section.key)
        if section.subsections and start is not None:
            end = next((s for s in starts if s > start.index), None)
            found[section.key] = locate_subsections(headings, section, start, end)
    return found


def _styles(package: Package):
    """word/styles.xml's root; an empty one when the package has none (every style then unknown)."""
    if STYLES_PART not in package.members:
        return etree.Element(f"{{{W}}}styles")
    return parse_part(package.data, STYLES_PART)


def _note_texts(data: bytes | None) -> list[str]:
    if not data:
        return []
    root = ElementTree.fromstring(data)
    texts = []
    for note in root:
        if note.get(f"{{{W}}}type") in SEPARATOR_TYPES:
            continue
        for paragraph in note.iter(f"{{{W}}}p"):
            texts.append("".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t")))
    return texts
