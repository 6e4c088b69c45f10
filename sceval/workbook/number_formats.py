"""What a cell's number format says about its value: shown as a percentage, or a date.

Two readers need this. Ingest reads a number typed as "3.5%" as the 3.5 the city saw (the cell
stores 0.035), and the fast sheet reader (sheet_xml) turns a date-formatted number into a date, as
calamine does. The date rules are deliberately narrow: a format is a plain date only when it is
clearly one (built-in 14–17, or y/m/d tokens and separators alone); any other format with date or
time letters is UNSURE, and a numeric cell in an UNSURE style sends the
workbook to calamine, whose rules then decide.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sceval.workbook.xml_attributes import attributes

NUMBER, DATE, UNSURE = "number", "date", "unsure"
BUILTIN_PERCENT = frozenset({"9", "10"})  # 0% and 0.00%
BUILTIN_DATE = frozenset({"14", "15", "16", "17"})  # m/d/yyyy, d-mmm-yy, d-mmm, mmm-yy
# Built-in ids that are neither plain numbers nor plain dates in every locale (times, durations,
# and the East Asian ids 27–36 and 50–81 that Chinese Excel uses for 年月日 dates).
BUILTIN_PLAIN_NUMBER = frozenset(str(i) for i in [*range(0, 14), *range(37, 45), 48, 49])
QUOTED_OR_ESCAPED = re.compile(r'"[^"]*"|\\.|_.|\*.')
GENERAL = re.compile(r"general", re.I)
PLAIN_DATE = re.compile(r"^[yYmMdD\s\-/.,年月日]*[yYdD][yYmMdD\s\-/.,年月日]*$")
DATE_OR_TIME_LETTERS = re.compile(r"[dDmMyYhHsSaApPgGbBeE]")  # e/g/b: East Asian eras (and E+00)
DURATION = re.compile(r"\[[hHmMsS]+\]")
BRACKETED = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class StyleKinds:
    """Cell style indexes (the s="n" of a cell, as text) by what their number format shows."""

    percent: frozenset[str] = frozenset()
    date: frozenset[str] = frozenset()
    unsure: frozenset[str] = frozenset()


def format_kind(code: str) -> str:
    """NUMBER, DATE or UNSURE for a custom number format code.

    Like Excel (and calamine), only the first section decides, and text in quotes, escaped
    characters and [colour], [condition] or [$-locale] brackets show nothing; [h], [mm] or [ss]
    make a duration, which is UNSURE here.
    """
    first = QUOTED_OR_ESCAPED.sub("", code).removesuffix(";@").split(";")[0]  # zh-CN Excel: yyyy/m/d;@
    if DURATION.search(first):
        return UNSURE
    bare = GENERAL.sub("", BRACKETED.sub("", first))
    if not DATE_OR_TIME_LETTERS.search(bare):
        return NUMBER
    return DATE if PLAIN_DATE.match(bare) else UNSURE


def is_percent_format(code: str) -> bool:
    return "%" in QUOTED_OR_ESCAPED.sub("", code)


def builtin_kind(format_id: str) -> str:
    if format_id in BUILTIN_DATE:
        return DATE
    return NUMBER if format_id in BUILTIN_PLAIN_NUMBER else UNSURE


NUM_FMT = re.compile(r"<(?:\w+:)?numFmt\s([^>]*?)/?>")
CELL_XFS = re.compile(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
XF = re.compile(r"<(?:\w+:)?xf\b([^>]*?)/?>")
def style_kinds(styles_xml: bytes | None) -> StyleKinds:
    """The kinds of every cell style of a styles part; cached per content (a template's returns share it)."""
    if not styles_xml:
        return StyleKinds()
    kinds = _SEEN.get(styles_xml)
    if kinds is None:
        if len(_SEEN) > 64:
            _SEEN.clear()
        kinds = _SEEN[styles_xml] = _read_style_kinds(styles_xml.decode("utf-8", "replace"))
    return kinds


_SEEN: dict[bytes, StyleKinds] = {}


def _read_style_kinds(text: str) -> StyleKinds:
    custom = {attrs.get("numFmtId", ""): attrs.get("formatCode", "")
              for attrs in map(attributes, NUM_FMT.findall(text))}
    block = CELL_XFS.search(text)
    percent, date, unsure = set(), set(), set()
    for index, xf in enumerate(XF.findall(block.group(1)) if block else []):
        format_id = attributes(xf).get("numFmtId", "0")
        code = custom.get(format_id)
        kind = format_kind(code) if code is not None else builtin_kind(format_id)
        if (is_percent_format(code) if code is not None else format_id in BUILTIN_PERCENT):
            percent.add(str(index))
        if kind == DATE:
            date.add(str(index))
        elif kind == UNSURE:
            unsure.add(str(index))
    return StyleKinds(frozenset(percent), frozenset(date), frozenset(unsure))
