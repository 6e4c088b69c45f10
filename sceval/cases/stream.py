"""A case document's parts read streaming, within caps on inflated bytes, text and elements.

python-docx parses the whole ``word/document.xml`` into one tree and every other part besides:
an 18 MB .docx whose document.xml inflates to 190 MB (under every ratio limit) took `cases check`
to 4.9 GB (issue 21, item 1). Here the body is read with lxml's iterparse straight from the zip
member: each top-level block (paragraph, table, content control) is walked by
sceval.cases.structure as soon as it ends and then dropped, so memory holds one block at a time.
The caps stop what no case can need — a case is ≤ 8,000 characters — with DocumentTooLarge,
which the checker turns into one CASE_BODY_TOO_LARGE row:
- MAX_PART_BYTES inflated bytes of any one part (counted as they come out, whatever the zip
  directory declares);
- MAX_TEXT characters of text, and MAX_PENDING elements inside one unfinished block (a single
  300,000-row table is one block).
"""
from __future__ import annotations

import io
import zipfile

from lxml import etree

from sceval.cases.structure import Body, T, _Walker, number_paragraphs, w

MAX_PART_BYTES = 32 * 1024 * 1024  # a real case's document.xml: < 5 MB
MAX_TEXT = 400_000  # characters: 50 times the 8,000 a case may have, so CASE_TOO_LONG still counts
MAX_PENDING = 200_000  # elements of one block not yet walked (~40 MB of lxml nodes)
BODY = w("body")


class DocumentTooLarge(Exception):
    """A part past a cap; ``reason`` says which, in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Capped(io.RawIOBase):
    """A zip member's stream that raises once more than ``cap`` bytes have come out of it."""

    def __init__(self, source, name: str, cap: int):
        self.source, self.name, self.cap, self.total = source, name, cap, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        block = self.source.read(min(len(buffer), 1 << 16))
        self.total += len(block)
        if self.total > self.cap:
            raise DocumentTooLarge(f"部件 {self.name} 解压后超过 {self.cap // (1024 * 1024)} MB")
        buffer[:len(block)] = block
        return len(block)


def read_part(data: bytes, name: str, cap: int = MAX_PART_BYTES) -> bytes:
    """A part's bytes, inflated under ``cap`` (DocumentTooLarge past it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(name) as member:
        return _Capped(member, name, cap).read()


def parse_part(data: bytes, name: str, cap: int = MAX_PART_BYTES):
    """The part's root element, parsed without entities or network (prologs were checked before)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    return etree.fromstring(read_part(data, name, cap), parser)


def stream_body(data: bytes, name: str = "word/document.xml") -> Body:
    """The body of ``name`` walked block by block; DocumentTooLarge past a cap."""
    walker = _Walker()
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(name) as member:
        events = etree.iterparse(_Capped(member, name, MAX_PART_BYTES), events=("end",), resolve_entities=False,
                                 no_network=True, huge_tree=False, remove_comments=True)
        _walk_blocks(events, walker)
    number_paragraphs(walker.found)
    return walker.found


def _walk_blocks(events, walker: _Walker) -> None:
    text = pending = 0
    for _, element in events:
        pending += 1
        if element.tag == T:
            text += len(element.text or "")
        parent = element.getparent()
        if parent is not None and parent.tag == BODY:
            walker.child(element, None)
            _drop(element, parent)
            pending = 0
        if text > MAX_TEXT or pending > MAX_PENDING:
            said = f"文字超过 {MAX_TEXT:,} 字" if text > MAX_TEXT else f"单个段落或表格超过 {MAX_PENDING:,} 个元素"
            raise DocumentTooLarge(f"正文{said}")


def _drop(element, parent) -> None:
    """Free a walked block (and any earlier sibling iterparse kept) so memory holds one block."""
    element.clear()
    while element.getprevious() is not None:
        del parent[0]
