"""A PDF among the returns: a case sent as PDF, or a print of the fill-in workbook?

Cities mail a PDF print of their 填报表 beside the workbook (潮州 did). That is not a case and must
not be counted as one (the report would say 9 cases were checked when 8 were sent). A PDF is a
workbook print when the program that made it is a spreadsheet (the PDF's /Creator or XMP
CreatorTool: Excel, Calc, WPS 表格, Numbers) or its name is a fill-in workbook's name. Nothing in
the PDF is rendered or run: two metadata strings are read from the raw bytes.
"""
from __future__ import annotations

import codecs
import re

SPREADSHEET_CREATORS = ("excel", "calc", "wps 表格", "wps spreadsheets", "wps表格", "numbers", "et ")
WORKBOOK_NAME_MARK = "填报表"  # sctemplates.layout.file_name: 〈代码〉_〈城市〉_新型智慧城市评价填报表
CREATOR = re.compile(rb"/Creator\s*(\((?:[^()\\]|\\.){0,400}\)|<[0-9A-Fa-f\s]{0,1600}>)")
CREATOR_TOOL = re.compile(rb"<xmp:CreatorTool>([^<]{0,400})</xmp:CreatorTool>")


def creator(data: bytes) -> str:
    """The PDF's creating program as text ("" when not stated)."""
    found = CREATOR.search(data)
    if found:
        return _pdf_string(found.group(1))
    tool = CREATOR_TOOL.search(data)
    return tool.group(1).decode("utf-8", errors="replace") if tool else ""


def _pdf_string(token: bytes) -> str:
    if token.startswith(b"<"):
        digits = re.sub(rb"\s", b"", token[1:-1]).decode("ascii")
        raw = bytes.fromhex(digits + "0" * (len(digits) % 2))  # an odd last digit is followed by 0
    else:
        raw = re.sub(rb"\\(.)", rb"\1", token[1:-1])
    if raw.startswith(codecs.BOM_UTF16_BE):
        return raw[2:].decode("utf-16-be", errors="replace")
    return raw.decode("latin-1")


def is_workbook_print(data: bytes, name: str) -> bool:
    made_by = creator(data).lower()
    return any(mark in made_by for mark in SPREADSHEET_CREATORS) or WORKBOOK_NAME_MARK in name
