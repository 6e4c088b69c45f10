"""The results a summary workbook was made from, carried inside it (a very hidden sheet).

Provinces e-mail their summary workbook, not results.json; so every summary embeds the results
dicts it was written from: their JSON (UTF-8), its SHA-256, zlib-compressed and Base64-encoded
in cells of at most CHUNK characters (Excel's limit is 32,767). A very hidden sheet survives a
re-save in Excel, WPS and LibreOffice, which a custom package part would not everywhere.

Reading it back is reading a file from outside: sceval.safety.preflight first, then the
project's bounded reader (sceval.workbook.book), and the inflated JSON is capped too. Problems
are Issues (EMBED_MISSING, EMBED_DAMAGED), never exceptions.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

from sctemplates.issues import Issue, issue

from sceval.reports.summary.style import print_setup

SHEET = "_计分结果数据"
FORMAT = "sceval-summary-results/1"
CHUNK = 32_000
MAX_JSON_BYTES = 256 * 1024 * 1024  # far above a national round (~10 MB); a bomb stops here
FIRST_CHUNK_ROW = 6  # 0-based: the rows above hold the note and the three facts below
NOTE = ("本工作表保存生成本汇总表的计分结果（JSON，zlib 压缩后 Base64 编码，按行顺序连接），"
        "供 sceval summary、sceval export 和 sceval.api 读取；请勿修改，修改后将无法使用。")
FACTS = ("格式", "SHA-256（解压后的 JSON）", "分段数")


def _json_value(value):
    """Decimals (a caller's exact scores) as JSON numbers, as results.json writes them; anything
    else JSON cannot hold as its text (embedding must never stop the summary being written)."""
    return float(value) if isinstance(value, Decimal) else str(value)


def payload(results: list[dict]) -> tuple[str, list[str]]:
    """(digest of the JSON, the Base64 chunks) for these results dicts."""
    text = json.dumps({"format": FORMAT, "results": results}, ensure_ascii=False,
                      separators=(",", ":"), default=_json_value)
    raw = text.encode("utf-8")
    packed = base64.b64encode(zlib.compress(raw, 1)).decode("ascii")  # level 1: 5× faster than 6, ~40 % larger
    return hashlib.sha256(raw).hexdigest(), [packed[i:i + CHUNK] for i in range(0, len(packed), CHUNK)]


def embedded_results(results: dict | list[dict], cases: list[dict]) -> list[dict]:
    """The results as embedded: a province's checked cases (found beside its summary when the
    results do not carry them) travel with it, as `sceval summary` adds them from results.json."""
    listed = results if isinstance(results, list) else [results]
    if len(listed) == 1 and "cases" not in listed[0]:
        return [{**listed[0], "cases": cases}]
    return listed


def write_embedded(workbook, results: list[dict]) -> None:
    """Add the very hidden sheet to an open xlsxwriter workbook."""
    digest, chunks = payload(results)
    ws = workbook.add_worksheet(SHEET)
    ws.write_string(0, 0, NOTE)
    for row, (label, value) in enumerate(zip(FACTS, (FORMAT, digest, str(len(chunks)))), start=2):
        ws.write_string(row, 0, label)
        ws.write_string(row, 1, value)
    for row, chunk in enumerate(chunks, start=FIRST_CHUNK_ROW):
        ws.write_string(row, 0, chunk)
    print_setup(ws, 0)  # should anyone unhide and print it: the summary's page setup
    ws.very_hidden()


@dataclass
class Embedded:
    """What one workbook carries: its results dicts, or the issues saying why it cannot be used."""

    results: list[dict] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    book: object = None  # sceval.workbook.book.Book, for the check of visible numbers

    @property
    def usable(self) -> bool:
        return self.book is not None and not any(item.is_error for item in self.issues)


def read_embedded(path, display: str = "") -> Embedded:
    """Preflight the file, read it with the bounded reader, and decode its embedded results."""
    from sceval.safety.preflight import inspect
    from sceval.workbook.book import read_book, wanted_part

    where = display or str(path)
    found = inspect(path, parts={}, wanted=wanted_part)
    if found.failed:
        return Embedded(issues=found.issues)
    book, issues = read_book(str(path), where, parts=found.parts, members=found.members)
    if book is None:
        return Embedded(issues=issues)
    if SHEET not in book.sheet_names:
        return Embedded(issues=[issue("EMBED_MISSING", f"文件 {where} 中没有内嵌的计分结果：不是 sceval 生成的汇总表，"
                                                       "或由早期版本生成；请改用该省的 results.json，或请该省用新版 sceval 重新生成汇总表",
                                      file=where)], book=book)
    results, problem = _decode(book)
    if problem:
        return Embedded(issues=[issue("EMBED_DAMAGED", f"文件 {where} 工作表“{SHEET}”中内嵌的计分结果{problem}，"
                                                       "已拒绝使用；请向该省索取原始汇总表或 results.json",
                                      file=where, sheet=SHEET)], book=book)
    return Embedded(results=results, book=book)


def _decode(book) -> tuple[list[dict], str]:
    """(results, "") or ([], what is wrong) — the text is part of a Chinese message."""
    column = book.column(SHEET, 0)
    fact = {label: str(book.value(SHEET, row, 1)) for row, label in enumerate(FACTS, start=2)}
    if fact[FACTS[0]] != FORMAT:
        return [], f"格式为“{fact[FACTS[0]][:40]}”，不是本版本可读的“{FORMAT}”"
    count = _whole(fact[FACTS[2]])
    chunks = [str(value) for value in column[FIRST_CHUNK_ROW:FIRST_CHUNK_ROW + max(count, 0)]]
    if count < 1 or len(chunks) != count or not all(chunks):
        return [], "分段不完整"
    raw = _inflate("".join(chunks))
    if raw is None:
        return [], "无法解码（数据已损坏或被截断）"
    if hashlib.sha256(raw).hexdigest() != fact[FACTS[1]]:
        return [], "与其 SHA-256 校验值不符（数据被改动或已损坏）"
    return _results_of(raw)


def _whole(text: str) -> int:
    """The chunk count as written ("3"), or as a spreadsheet may have turned it into a number ("3.0")."""
    digits = text[:-2] if text.endswith(".0") else text
    return int(digits) if digits.isdigit() and len(digits) < 7 else -1


def _inflate(text: str) -> bytes | None:
    try:
        packed = base64.b64decode(text.encode("ascii"), validate=True)
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_JSON_BYTES)
    except (binascii.Error, UnicodeEncodeError, ValueError, zlib.error):
        return None
    return raw if inflater.eof and not inflater.unconsumed_tail else None


def _results_of(raw: bytes) -> tuple[list[dict], str]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return [], "不是有效的 JSON"
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list) or not all(isinstance(r, dict) and "cities" in r for r in results):
        return [], "不含计分结果（缺少 cities）"
    return results, ""
