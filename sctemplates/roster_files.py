"""Reading a roster file as rows of text: CSV (UTF-16/UTF-8/GBK, comma or tab) or the first
sheet of an .xlsx, bounded in bytes and rows, since a roster is a stranger's file too."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from sctemplates.cells import cell_text

MAX_ROWS = 5_000  # rows of a roster file read (a national roster: < 400 cities)
MAX_FILE_BYTES = 20 * 1024 * 1024


def read_table(path: Path, bad_file) -> tuple[list[tuple[int, list[str]]] | None, list]:
    """Non-blank rows as (1-based row number, cell texts), the first being the header; a problem
    is ``bad_file(path, message)`` (the roster's own issue), with no rows."""
    if not path.is_file():
        return None, [bad_file(path, "文件不存在")]
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        return None, [bad_file(path, f"不支持的文件类型 {suffix or '（无扩展名）'}，请另存为 .xlsx 或 CSV")]
    try:
        raw = _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path)
    except RosterTooLarge as exc:
        return None, [bad_file(path, str(exc))]
    except Exception as exc:  # any reader failure on a stranger's file is a data problem
        return None, [bad_file(path, f"无法读取（{type(exc).__name__}）")]
    rows = [(n, cells) for n, cells in enumerate(raw, start=1) if any(cells)]
    if not rows:
        return None, [bad_file(path, "文件为空")]
    return rows, []


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, "rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise RosterTooLarge(f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB")
    text = _decode(data)
    # Excel's "Unicode 文本" and copies out of other systems are tab-separated.
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return _bounded([cell_text(cell) for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter))


class RosterTooLarge(ValueError):
    """A roster file past any real roster's size (said in Chinese)."""


def _bounded(rows) -> list[list[str]]:
    """At most MAX_ROWS rows: a national roster has under 400 cities; a file with more is the
    wrong file, and reading all of a 100,000-row one took 110 s (issue 21, item 6)."""
    kept = []
    for row in rows:
        if len(kept) > MAX_ROWS:
            raise RosterTooLarge(f"超过 {MAX_ROWS:,} 行（全国地级及以上城市不到 400 个），请确认是否选错了文件")
        kept.append(row)
    return kept


def _decode(data: bytes) -> str:
    """UTF-16 with a BOM (Excel's "Unicode 文本"), else UTF-8 (±BOM), else GBK: Chinese Excel
    saves CSV as GBK, and gb18030 is its superset."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return _bounded([cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
