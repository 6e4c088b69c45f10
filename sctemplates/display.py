"""Text from strangers made safe to show: bidi controls neutralised, length bounded.

A file name or a cell may carry Unicode bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE
makes "填报\u202excod.exe" show as "填报exe.docx"; issue 13, item 25). Wherever sceval shows such
text — terminal, messages, results.json's display fields, summary, feedback — each control is
replaced by a visible token naming it, "<U+202E>", so what a person reads is what the bytes say.
results.json keeps only this neutralised form (file paths as shown, remarks, sources, filer
fields, messages): no consumer of it needs the controls, and the raw file is still on disk and
identified by its sha256. Text is also bounded: a 10 MB remark (or an error message quoting one)
would otherwise make results.json 10 MB.
"""
from __future__ import annotations

import re

# LRM, RLM, ALM; LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# C0 controls but tab, LF and CR; U+FFFE/U+FFFF; lone surrogates (none of them legal in XML 1.0).
XML_ILLEGAL = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff"
SHOWN_AS_CODE = re.compile(f"[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069{XML_ILLEGAL}]")
LINE_BREAKS = re.compile("[\r\n\x85\u2028\u2029]+")
TEXT_LIMIT = 2000  # characters kept of a remark, source or filer field (a real remark: < 500)
MESSAGE_LIMIT = 4000  # characters of an Issue message (messages quote cells and file names)


def neutral(text: str) -> str:
    """``text`` with each bidi control, and each character XML cannot hold, replaced by "<U+XXXX>";
    the same object when there is none. The one cleaning rule for every text from strangers that
    reaches a terminal, results.json, a workbook or a .docx (a mail Subject with \x01 made openpyxl
    raise and a city lose its feedback workbook: issue 21, items 10, 19, 21)."""
    if SHOWN_AS_CODE.search(text) is None:
        return text
    return SHOWN_AS_CODE.sub(lambda match: f"<U+{ord(match.group(0)):04X}>", text)


def bounded(text: str, limit: int) -> str:
    """At most ``limit`` characters; a cut text ends with "…（共 N 字）" so the cut is visible."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（共 {len(text):,} 字）"


def one_line(text: str, limit: int = TEXT_LIMIT) -> str:
    """A name, subject or path as shown and stored: cleaned (``neutral``), line breaks as one space
    (a folded header or a name with CR/LF must neither be cut nor start a new line), bounded."""
    return bounded(neutral(LINE_BREAKS.sub(" ", text)), limit)


NAME_LIMIT = 500  # characters of a file or member name shown and stored (a zip allows 65,535)


def name_shown(name: str, limit: int = NAME_LIMIT) -> str:
    """A file name as shown and stored: cleaned, and when too long cut in the middle so its end
    (the extension people and ingest read) stays: "开头…（共 N 字）…结尾.xlsx"."""
    name = neutral(LINE_BREAKS.sub(" ", name))
    if len(name) <= limit:
        return name
    keep = limit // 2
    return f"{name[:keep]}…（共 {len(name):,} 字）…{name[-keep:]}"
