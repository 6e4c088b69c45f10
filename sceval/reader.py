"""Fast, safe reading of a returned workbook: defined names, custom properties, cell values.

calamine reads cell values ~30× faster than openpyxl but sees neither defined names nor Excel
error values nor whether a cell was a formula; those few facts come straight from the package's
XML (parsed with defusedxml, never evaluated). Only the sheets the template defines are loaded,
as plain grids of small values, so memory per file stays small.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache

from sctemplates.issues import Issue, issue
from sctemplates.layout import SHEET_LISTS

from .cell_marks import scan_special_cells
from .parse import RawCell

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CUSTOM_PROPS_TYPE = "custom-properties"
NAME_TARGET = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d+)$")
TEXT_CONSTANT = re.compile(r'^=?"((?:[^"]|"")*)"$')
CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
PLAIN_CELL = (False, "")  # not a formula, no Excel error
EMPTY_CELL = RawCell()
MAX_GRID_ROWS = 5000  # a template has a few hundred rows; more is not ours to read


@dataclass
class Book:
    """What ingest needs from one workbook; plain data, cheap to keep per file."""

    path: str
    sheet_names: list[str] = field(default_factory=list)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (sheet, "B5")
    constants: dict[str, str] = field(default_factory=dict)  # name -> text of a ="..." name
    properties: dict[str, str] = field(default_factory=dict)
    grids: dict[str, list[list]] = field(default_factory=dict)
    special: dict[str, dict[str, tuple[bool, str]]] = field(default_factory=dict)  # formula, error
    # Cells shown as a percentage: Excel/LibreOffice store "3.5%" typed by a city as 0.035.
    percent: dict[str, set[str]] = field(default_factory=dict)

    def cell(self, sheet: str, ref: str) -> RawCell:
        grid, position = self.grids.get(sheet), _position(ref)
        if grid is None or position is None:
            return RawCell()
        row, col = position
        value = grid[row][col] if row < len(grid) and col < len(grid[row]) else None
        special, percent = self.special.get(sheet), self.percent.get(sheet)
        formula, error = special.get(ref, PLAIN_CELL) if special else PLAIN_CELL
        shown_percent = bool(percent) and ref in percent
        if (value is None or value == "") and not (formula or error or shown_percent):
            return EMPTY_CELL  # most source and remark cells: one shared immutable blank
        return RawCell(None if value == "" else value, formula, error, shown_percent)

    def named(self, name: str) -> RawCell | None:
        target = self.names.get(name)
        return None if target is None else self.cell(*target)


@lru_cache(maxsize=8192)
def _position(ref: str) -> tuple[int, int] | None:
    """'G12' -> (11, 6), 0-based; None for anything else. Cached: every return has the same refs."""
    match = CELL_REF.match(ref)
    return None if match is None else (int(match.group(2)) - 1, column_index(match.group(1)))


def column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def wanted_part(member: str) -> bool:
    """The package parts read_book inflates itself (preflight may hand them over, see read_book)."""
    return member in WANTED_PARTS or (member.startswith("xl/worksheets/") and member.endswith(".xml"))


WANTED_PARTS = frozenset({"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels",
                          "docProps/custom.xml"})


class _Parts(zipfile.ZipFile):
    """The package, where the parts preflight already inflated are not inflated again."""

    def __init__(self, path, parts: dict[str, bytes]):
        super().__init__(path)
        self.parts = parts

    def read(self, name, pwd=None):
        kept = self.parts.get(name) if isinstance(name, str) else None
        return kept if kept is not None else super().read(name, pwd)


def read_book(path: str, display_name: str = "", parts: dict[str, bytes] | None = None
              ) -> tuple[Book | None, list[Issue]]:
    """Read a workbook; unreadable files give (None, [Issue]) instead of raising.

    ``parts``: member -> bytes that sceval.safety.preflight already inflated from this same file.
    """
    where = display_name or str(path)
    try:
        with _Parts(path, parts or {}) as archive:
            book = Book(path=str(path))
            sheet_files = _workbook_xml(archive, book)
            book.properties = _custom_properties(archive)
            _load_grids(path, book)
            scan_special_cells(archive, book, sheet_files)
            return book, []
    except Exception as exc:  # noqa: BLE001 - any failure of a stranger's file is data, not a crash
        message = f"文件 {where} 无法作为 .xlsx 工作簿读取（{type(exc).__name__}: {str(exc)[:120]}）"
        return None, [issue("FILE_UNREADABLE", message, file=where)]


def _xml(archive: zipfile.ZipFile, member: str):
    from defusedxml.ElementTree import fromstring

    return fromstring(archive.read(member))


# workbook.xml holds a few hundred defined names; a regex over its bytes is ~10× faster than
# building a tree of them. Safe for the same reason as the cell scan: preflight refused any DTD,
# so no entity can expand; character references are decoded with html.unescape.
SHEET_TAG = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?sheet\s([^>]*?)/?>")
DEFINED_NAME = re.compile(
    r"<(?:[A-Za-z_][\w.-]*:)?definedName\s([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?definedName>)",
    re.S)
XML_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    from html import unescape

    return unescape(text)


def _attributes(text: str) -> dict[str, str]:
    """Attributes by local name (r:id -> id), values unescaped."""
    return {key.rsplit(":", 1)[-1]: _unescape(double or single)
            for key, double, single in XML_ATTRIBUTE.findall(text)}


NAME_ATTRIBUTE = re.compile(r"""\bname\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# The form every writer we know uses: `<definedName name="X">'基础指标'!$G$7</definedName>` (print
# areas add localSheetId="n"). When each of the file's names has exactly this form (the
# "definedName" tally proves it: two per plain name, one per <definedNames> container tag), one
# C-level findall replaces a regex per name.
PLAIN_DEFINED_NAME = re.compile(r'<definedName name="([^"]*)"( localSheetId="\d+")?>([^<]*)</definedName>')


def _workbook_xml(archive: zipfile.ZipFile, book: Book) -> dict[str, str]:
    """Sheet names and defined names from xl/workbook.xml; returns sheet name -> XML member."""
    text = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
    if "<![CDATA[" in text:
        return _workbook_tree(archive, book)  # rare: let the XML parser handle CDATA
    targets = _relationship_targets(archive, "xl/_rels/workbook.xml.rels", base="xl/")
    sheet_files = {}
    for tag in SHEET_TAG.finditer(text):
        attrs = _attributes(tag.group(1))
        book.sheet_names.append(attrs.get("name", ""))
        sheet_files[attrs.get("name", "")] = targets.get(attrs.get("id", ""), "")
    plain = PLAIN_DEFINED_NAME.findall(text)
    if text.count("definedName") - text.count("definedNames") == 2 * len(plain):
        _note_plain_names(book, plain, escaped="&" in text)
        return sheet_files
    for node in DEFINED_NAME.finditer(text):
        attrs, name = node.group(1), NAME_ATTRIBUTE.search(node.group(1))
        if name and "localSheetId" not in attrs:  # sheet-scoped names are not ours
            _note_name(book, _unescape(name.group(1) or name.group(2) or ""), _unescape(node.group(2) or ""))
    return sheet_files


def _note_plain_names(book: Book, plain: list[tuple[str, str, str]], escaped: bool) -> None:
    """The names PLAIN_DEFINED_NAME found; a flat loop, as a return has ~340 of them."""
    names = book.names
    for name, scoped, text in plain:
        if scoped:  # sheet-scoped names (print areas) are not ours
            continue
        if escaped:
            name, text = _unescape(name), _unescape(text)
        target = _name_target(text)
        if target:
            names[name] = target
        else:
            _note_name(book, name, text)


def _note_name(book: Book, name: str, text: str) -> None:
    target = _name_target(text)
    if target:
        book.names[name] = target
    elif (constant := TEXT_CONSTANT.match(text.strip())) is not None:
        book.constants[name] = constant.group(1).replace('""', '"')


def _workbook_tree(archive: zipfile.ZipFile, book: Book) -> dict[str, str]:
    """The same as _workbook_xml, through the (defused) XML parser."""
    root = _xml(archive, "xl/workbook.xml")
    targets = _relationship_targets(archive, "xl/_rels/workbook.xml.rels", base="xl/")
    sheet_files = {}
    for sheet in root.iter(f"{NS_MAIN}sheet"):
        name = sheet.get("name", "")
        book.sheet_names.append(name)
        sheet_files[name] = targets.get(sheet.get(f"{NS_REL}id", ""), "")
    for node in root.iter(f"{NS_MAIN}definedName"):
        if node.get("localSheetId") is None:
            _note_name(book, node.get("name", ""), node.text or "")
    return sheet_files


@lru_cache(maxsize=8192)
def _name_target(text: str) -> tuple[str, str] | None:
    """'基础指标'!$D$7 -> ('基础指标', 'D7'); ranges, formulas and #REF! give None."""
    match = NAME_TARGET.match(text.strip().lstrip("="))
    if match is None:
        return None
    sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
    return sheet, f"{match.group(3).upper()}{match.group(4)}"


def _relationship_targets(archive: zipfile.ZipFile, member: str, base: str) -> dict[str, str]:
    if member not in archive.namelist():
        return {}
    targets = {}
    for rel_id, _type, target in _relationships(archive, member):
        targets[rel_id] = target.lstrip("/") if target.startswith("/") else base + target
    return targets


def _relationships(archive: zipfile.ZipFile, member: str) -> tuple[tuple[str, str, str], ...]:
    """(Id, Type, Target) of each relationship in a .rels part. Parsed once per distinct content:
    every return of a template has the very same bytes here."""
    data = archive.read(member)
    found = _RELATIONSHIPS_SEEN.get(data)
    if found is None:
        from defusedxml.ElementTree import fromstring

        found = tuple((rel.get("Id", ""), rel.get("Type", ""), rel.get("Target", ""))
                      for rel in fromstring(data).iter(f"{NS_PKG_REL}Relationship"))
        if len(_RELATIONSHIPS_SEEN) > 256:
            _RELATIONSHIPS_SEEN.clear()
        _RELATIONSHIPS_SEEN[data] = found
    return found


_RELATIONSHIPS_SEEN: dict[bytes, tuple[tuple[str, str, str], ...]] = {}


def _custom_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    member = _custom_member(archive)
    if member is None:
        return {}
    props = {}
    for prop in _xml(archive, member):
        value = next(iter(prop), None)
        props[prop.get("name", "")] = "" if value is None or value.text is None else value.text
    return props


def _custom_member(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    if "_rels/.rels" in names:
        for _id, rel_type, target in _relationships(archive, "_rels/.rels"):
            if rel_type.endswith(CUSTOM_PROPS_TYPE):
                return target.lstrip("/")
    return "docProps/custom.xml" if "docProps/custom.xml" in names else None


def _load_grids(path: str, book: Book) -> None:
    """Every sheet but the drop-down lists, as rows of cached values (calamine)."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        for name in workbook.sheet_names:
            if name == SHEET_LISTS:
                continue
            sheet = workbook.get_sheet_by_name(name)
            book.grids[name] = sheet.to_python(skip_empty_area=False, nrows=MAX_GRID_ROWS)
    finally:
        workbook.close()
