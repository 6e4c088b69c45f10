"""A worksheet's cells straight from its XML part, each decoded only when somebody asks for it.

Ingest looks at a few hundred of a return's ~1,600 cells (inputs, sources, remarks, codes, names,
weights), so the part is only cut into cells (one C-level split) and a cell is decoded on first
use: its value exactly as calamine gives it (float, str, bool, date, "" for empty or an Excel
error), plus what calamine does not show (a formula, the error text, a percentage style).

Only the plain form every office suite writes is read here: unprefixed <c r="A1" ...> cells with
upper-case references, no CDATA, comments or processing instructions in the sheet data, no
ISO-date cells, no 1904 date system, and date-formatted numbers only where number_formats is sure
they are whole-day dates. Anything else raises NotPlain and the workbook goes to calamine. Nothing
is evaluated; preflight has refused any DTD, so no entity can expand.
"""
from __future__ import annotations

import datetime as dt
import re
from html import unescape

from sceval.workbook.cell_refs import GRID_ROWS, column_index, column_letters, outside_grid, position
from sceval.workbook.number_formats import StyleKinds
from sceval.workbook.cells import RawCell
from sceval.workbook.sheet import Sheet

EMPTY_CELL = RawCell()
CELL_START = b'<c r="'
# One C-level scan finds what this module does not read: an element starting "<c" that is not a
# cell whose first attribute is an upper-case r="A1" (<c>, <c s=.. r=..>, <col> of rich text), CDATA,
# a comment or a processing instruction. A second finds ISO-date cells (t="d"); an alternation
# without a literal start measured 7× slower than the two.
ODD_MARKUP = re.compile(rb'<(?:c(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}")|!|\?)')
ISO_DATE_CELL = re.compile(rb' t="d"')
WIDE_COLUMN = re.compile(rb'<c r="[A-Z]{3}')  # a three-letter column: maybe past GRID_COLUMNS  # (single-quoted attributes already fail ODD_MARKUP)
TYPE_ATTRIBUTE = re.compile(rb"""\bt\s*=\s*["']([^"']*)["']""")
STYLE_ATTRIBUTE = re.compile(rb"""\bs\s*=\s*["']([^"']*)["']""")
OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
TEXT_RUN = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")
PHONETIC_RUN = re.compile(rb"<rPh\b.*?</rPh>", re.S)
EXCEL_EPOCH = dt.date(1899, 12, 30)
EPOCH_BEFORE_LEAP_BUG = dt.date(1899, 12, 31)  # serials 1–59 come before Excel's 1900-02-29
LAST_SERIAL = 2958465  # 9999-12-31


class NotPlain(Exception):
    """The part is not in the plain form this module reads; calamine reads the workbook instead."""


class DamagedCell(Exception):
    """A cell whose XML cannot be read (a number that is not one, a missing end tag, bad UTF-8…),
    found when ingest asks for it; ingest_file reports it with its sheet and cell."""

    def __init__(self, sheet: str, ref: str, detail: str):
        super().__init__(f"{sheet}!{ref}: {detail}")
        self.sheet, self.ref, self.detail = sheet, ref, detail


def xml_text(raw: bytes) -> str:
    """Element text as an XML parser gives it: line ends normalised, references and _xHHHH_ decoded."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = unescape(text)
    if "_x" in text:
        text = OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def rich_text(item: bytes) -> str:
    """The text of an <si> or <is>: its <t> runs joined, phonetic (rPh) runs left out."""
    if item.startswith(b"<t>") and item.endswith(b"</t>") and item.count(b"<") == 2:
        return xml_text(item[3:-4])
    if b"<rPh" in item:
        item = PHONETIC_RUN.sub(b"", item)
    return "".join(xml_text(run) for run in TEXT_RUN.findall(item))


class SharedStrings:
    """The shared string table, each item decoded on first use."""

    def __init__(self, data: bytes | None):
        items = data.split(b"<si>")[1:] if data else []
        if data and data.count(b"<si") != len(items):
            raise NotPlain("sharedStrings")
        self.items = [item[:item.find(b"</si>")] for item in items]
        self.decoded: dict[int, str] = {}

    def get(self, index: int) -> str:
        text = self.decoded.get(index)
        if text is None:
            text = self.decoded[index] = rich_text(self.items[index])
        return text


def _body(data: bytes) -> bytes:
    start, end = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    if start < 0:
        if b"sheetData" in data:  # a prefixed <x:sheetData>
            raise NotPlain("prefixed sheet")
        return b""
    return data[start:end if end > start else len(data)]


def parse_sheet(data: bytes, shared: SharedStrings, kinds: StyleKinds, name: str = "") -> XmlSheet:
    """Cut a sheet part into cells; NotPlain when it is not the plain form (see the module doc)."""
    body = _body(data)
    if ODD_MARKUP.search(body) or ISO_DATE_CELL.search(body):
        raise NotPlain("sheet form")
    chunks = body.split(CELL_START)[1:]
    cells, nrows = {chunk[:chunk.find(b'"')]: chunk for chunk in chunks}, _row_count(chunks)
    outside = _outside(cells) if nrows > GRID_ROWS or WIDE_COLUMN.search(body) else ()
    if outside:  # the grid's last row is the last row inside the bounds
        nrows = max((position(ref.decode())[0] + 1 for ref in cells if ref.decode() not in outside), default=0)
    sheet = XmlSheet(cells, shared, kinds, nrows, name, outside)
    sheet.check_dated_cells(body)
    return sheet


def _outside(cells: dict[bytes, bytes]) -> tuple[str, ...]:
    """The references past the grid's bounds (cell_refs.GRID_ROWS, GRID_COLUMNS), in sheet order."""
    return tuple(ref for ref in (key.decode("ascii", "replace") for key in cells) if outside_grid(ref))


def _row_count(chunks: list[bytes]) -> int:
    """The last cell's row: cells stand in row order (Excel refuses a file whose rows do not)."""
    if not chunks:
        return 0
    return int(chunks[-1][:chunks[-1].find(b'"')].lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


_KINDS_SEEN: dict[bytes, tuple[bytes, str]] = {}


def _type_and_style(attributes: bytes) -> tuple[bytes, str]:
    """(t, s) of a cell's attribute text; every return repeats the same few dozen, so cached."""
    found = _KINDS_SEEN.get(attributes)
    if found is None:
        cell_type, style = TYPE_ATTRIBUTE.search(attributes), STYLE_ATTRIBUTE.search(attributes)
        found = (cell_type.group(1) if cell_type else b"n", style.group(1).decode("ascii") if style else "0")
        if len(_KINDS_SEEN) > 4096:
            _KINDS_SEEN.clear()
        _KINDS_SEEN[attributes] = found
    return found


COLUMN_LETTERS = tuple(column_letters(index).encode() for index in range(702))  # A … ZZ


def _column_letters(index: int) -> bytes:
    return COLUMN_LETTERS[index] if 0 <= index < len(COLUMN_LETTERS) else column_letters(index).encode()


class XmlSheet(Sheet):
    """One sheet's cells by reference, decoded lazily; the same questions as reader.GridSheet.
    ``outside``: references past the grid's bounds, left out of rows() and column() (raw() and
    value() still answer for them: a cell is only ever looked up, never a grid built to it)."""

    def __init__(self, cells: dict[bytes, bytes], shared: SharedStrings, kinds: StyleKinds, nrows: int,
                 name: str = "", outside: tuple[str, ...] = ()):
        self.cells, self.shared, self.kinds, self.nrows, self.name = cells, shared, kinds, nrows, name
        self.outside = outside
        self.seen = _decoded_cache(kinds)

    def decode(self, chunk: bytes) -> tuple[object, bool, str, bool]:
        """(value, is a formula, Excel error text, shown as a percentage) of one cut-out cell."""
        found = self.seen.get(chunk)
        if found is None:
            tag_end = chunk.find(b">")
            cell_type, style = _type_and_style(chunk[chunk.find(b'"') + 1:tag_end])
            try:
                found = self._decode(chunk, tag_end, cell_type, style)
            except (ValueError, IndexError, UnicodeDecodeError) as exc:
                reference = chunk[:chunk.find(b'"')].decode("ascii", "replace")
                raise DamagedCell(self.name, reference, f"{type(exc).__name__}: {str(exc)[:80]}") from exc
            if cell_type != b"s":  # a shared string's text lives in another part: never kept
                if len(self.seen) > DECODED_KEPT:
                    self.seen.clear()
                self.seen[chunk] = found
        return found

    def _decode(self, chunk: bytes, tag_end: int, cell_type: bytes, style: str) -> tuple[object, bool, str, bool]:
        percent = style in self.kinds.percent
        if chunk[tag_end - 1] == 47:  # "/>": a styled empty cell
            return "", False, "", percent
        if chunk.startswith(b"<v>", tag_end + 1) and cell_type != b"e":  # the usual value, no formula
            return self._typed(cell_type, chunk[tag_end + 4:chunk.index(b"</v>", tag_end)], style), False, "", percent
        inner = chunk[tag_end + 1:chunk.index(b"</c>", tag_end)].strip()
        formula = inner[:2] == b"<f" and inner[2:3] in (b">", b" ", b"/")
        if cell_type == b"inlineStr":
            start = inner.find(b"<is>")
            return (rich_text(inner[start + 4:inner.index(b"</is>")]) if start >= 0 else ""), formula, "", percent
        value = _value_text(inner)
        if cell_type == b"e":
            return "", formula, xml_text(value) or "#N/A", percent
        return self._typed(cell_type, value, style), formula, "", percent

    def _typed(self, cell_type: bytes, value: bytes, style: str):
        if cell_type == b"n":
            if not value:
                return ""
            number = float(value)
            return _as_date(number) if style in self.kinds.date else number
        if cell_type == b"s":
            return self.shared.get(int(value)) if value else ""
        if cell_type == b"str":
            return xml_text(value)
        if cell_type == b"b":
            return value.strip() in (b"1", b"true")
        raise ValueError(f"未知的单元格类型 t={cell_type.decode('ascii', 'replace')}")

    def check_dated_cells(self, body: bytes) -> None:
        """NotPlain when a number sits in an UNSURE style, or in a date style but is not a whole day."""
        pattern = _dated_style_pattern(self.kinds)
        if pattern is None:
            return
        for match in pattern.finditer(body):
            start = body.rfind(CELL_START, 0, match.start())
            if start < 0 or body.find(b">", start) < match.start():
                continue  # the attribute of some other element
            chunk = self.cells[body[start + len(CELL_START):body.find(b'"', start + len(CELL_START))]]
            value = self.decode(chunk)[0]  # _as_date raises NotPlain for a date it does not convert
            if type(value) is float and _type_and_style(_attributes_of(chunk))[1] in self.kinds.unsure:
                raise NotPlain("a number in an unsure format")

    def raw(self, ref: str) -> RawCell:
        chunk = self.cells.get(ref.encode("ascii", "replace"))
        if chunk is None:
            return EMPTY_CELL
        value, formula, error, percent = self.decode(chunk)
        if value == "" and not (formula or error or percent):
            return EMPTY_CELL
        return RawCell(None if value == "" else value, formula, error, percent)

    def value(self, row: int, col: int):
        chunk = self.cells.get(_column_letters(col) + _row_number(row + 1))
        return "" if chunk is None else self.decode(chunk)[0]

    def values(self, positions: tuple[tuple[int, int], ...]) -> list:
        get, decode = self.cells.get, self.decode
        found = [get(ref) for ref in _references(positions)]
        return ["" if chunk is None else decode(chunk)[0] for chunk in found]

    def column(self, col: int) -> list:
        letters, get, decode = _column_letters(col), self.cells.get, self.decode
        found = [get(letters + number) for number in _row_numbers(self.nrows)]
        return ["" if chunk is None else decode(chunk)[0] for chunk in found]

    def rows(self) -> list[list]:
        """Every cell, as calamine's to_python(skip_empty_area=False) gives it: A1 to the last value."""
        values, outside = {}, set(self.outside)
        for ref, chunk in self.cells.items():
            if outside and ref.decode("ascii", "replace") in outside:
                continue
            value = self.decode(chunk)[0]
            if value != "":
                letters = ref.rstrip(b"0123456789")
                values[(int(ref[len(letters):]) - 1, column_index(letters.decode("ascii")))] = value
        if not values:
            return []
        width = max(col for _, col in values) + 1
        grid = [[""] * width for _ in range(max(row for row, _ in values) + 1)]
        for (row, col), value in values.items():
            grid[row][col] = value
        return grid

    def marks(self) -> dict[str, tuple[bool, str, bool]]:
        """ref -> (formula, error, percentage style) for every cell with any of them."""
        found = {}
        for ref, chunk in self.cells.items():
            _, formula, error, percent = self.decode(chunk)
            if formula or error or percent:
                found[ref.decode("ascii")] = (formula, error, percent)
        return found


# Every return of a template repeats its locked cells (codes, names, weights, labels) byte for
# byte, so a cut-out cell's decoding is kept, per style table, keyed by its very bytes. Cells
# whose value lives elsewhere (shared strings) are never kept.
DECODED_KEPT = 20000
_DECODED: dict[StyleKinds, dict[bytes, tuple]] = {}


def _decoded_cache(kinds: StyleKinds) -> dict[bytes, tuple]:
    found = _DECODED.get(kinds)
    if found is None:
        if len(_DECODED) > 16:
            _DECODED.clear()
        found = _DECODED[kinds] = {}
    return found


def _references(positions: tuple[tuple[int, int], ...]) -> tuple[bytes, ...]:
    """b"B7", … for (row, column) positions; kept per positions, as every return asks the same."""
    found = _REFERENCES.get(positions)
    if found is None:
        if len(_REFERENCES) > 256:
            _REFERENCES.clear()
        found = _REFERENCES[positions] = tuple(_column_letters(col) + _row_number(row + 1) for row, col in positions)
    return found


_REFERENCES: dict[tuple, tuple[bytes, ...]] = {}


def _row_numbers(count: int) -> list[bytes]:
    """b"1" … b"count"; the first thousands kept, as every return asks for the same few hundred."""
    if len(_ROW_NUMBERS) < count <= ROW_NUMBERS_KEPT:
        _ROW_NUMBERS.extend(str(row).encode() for row in range(len(_ROW_NUMBERS) + 1, count + 1))
    if count <= len(_ROW_NUMBERS):
        return _ROW_NUMBERS[:count]
    return [str(row).encode() for row in range(1, count + 1)]


def _row_number(number: int) -> bytes:
    return _ROW_NUMBERS[number - 1] if 0 < number <= len(_ROW_NUMBERS) else str(number).encode()


ROW_NUMBERS_KEPT = 10000


_ROW_NUMBERS: list[bytes] = []


def _dated_style_pattern(kinds: StyleKinds) -> re.Pattern | None:
    """A literal-led pattern for the s="n" of every date or UNSURE style; cached per StyleKinds."""
    styles = kinds.date | kinds.unsure
    if not styles:
        return None
    pattern = _DATED_PATTERNS.get(styles)
    if pattern is None:
        alternatives = b"|".join(re.escape(style.encode()) for style in sorted(styles))
        pattern = _DATED_PATTERNS[styles] = re.compile(rb' s="(?:' + alternatives + rb')"')
    return pattern


_DATED_PATTERNS: dict[frozenset, re.Pattern] = {}


def _attributes_of(chunk: bytes) -> bytes:
    return chunk[chunk.find(b'"') + 1:chunk.find(b">")]


def _value_text(inner: bytes) -> bytes:
    start = inner.find(b"<v")
    if start < 0 or inner[start + 2:start + 3] not in (b">", b" "):
        return b""
    open_end = inner.find(b">", start)
    if inner[open_end - 1:open_end] == b"/":
        return b""  # <v/>
    return inner[open_end + 1:inner.index(b"</v>", open_end)]


def _as_date(serial: float) -> dt.date:
    """A whole-day serial in a plain date format, as calamine gives it; NotPlain for anything else."""
    if serial != int(serial) or not (1 <= serial <= LAST_SERIAL) or serial == 60:
        raise NotPlain("a date calamine decides")
    epoch = EXCEL_EPOCH if serial > 60 else EPOCH_BEFORE_LEAP_BUG
    return epoch + dt.timedelta(days=int(serial))
