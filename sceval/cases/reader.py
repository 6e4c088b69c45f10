"""From a checked package to `Read`: python-docx for the document, defusedxml for the parts it
does not cover (custom properties, footnotes, endnotes)."""
from __future__ import annotations

import io
import zipfile

import docx
from defusedxml import ElementTree

from sceval.cases.findings import Read
from sceval.cases.headings import (
    StyleChain, find_headings, find_title, locate_sections, locate_subsections, read_styles,
)
from sceval.cases.outline import Outline
from sceval.cases.package import Package
from sceval.cases.props import read_custom_properties
from sceval.cases.structure import W, read_body
from sceval.cases.template import GUIDANCE_STYLE_ID
from sceval.cases.wordcount import count_paragraphs

DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"
NOTE_PARTS = ("word/footnotes.xml", "word/endnotes.xml")
SEPARATOR_TYPES = {"separator", "continuationSeparator", "continuationNotice"}


def read_case(package: Package, display: str, outline: Outline) -> tuple[Read, dict[str, str], list[str]]:
    """(what the checker reads, the custom properties, the footnote and endnote texts)."""
    document = docx.Document(io.BytesIO(_as_docx(package)))
    body = read_body(document.element.body)
    styles = StyleChain(*read_styles(document.styles.element))
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


def _as_docx(package: Package) -> bytes:
    """python-docx refuses a .docm's content type; the macro part is never touched either way."""
    types = package.part("[Content_Types].xml") or b""
    if DOCM_MAIN not in types:
        return package.data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package.data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data.replace(DOCM_MAIN, DOCX_MAIN) if info.filename == "[Content_Types].xml" else data)
    return out.getvalue()


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
