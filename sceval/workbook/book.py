"""Fast, safe reading of a returned workbook: defined names, custom properties, cell values.

Defined names, sheet names and properties come straight from the package's XML (regexes over
parts preflight has checked for DTDs, or defusedxml; never evaluated). Cells come from
sheet_xml, which cuts each sheet part into cells and decodes only the few hundred ingest asks
for; a sheet in any other form sends the workbook to calamine (~30× faster than openpyxl, but
blind to formulas, error values and percentage styles, which cell_marks then reads). The two
engines agree cell for cell (tests/sceval/test_sheet_xml.py); engine="calamine" forces the second.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache

from sctemplates.issues import Issue, issue
from sctemplates.layout import SHEET_LISTS

from sceval.workbook import xml_sheet as sheet_xml
from sceval.workbook.cell_refs import GRID_COLUMNS, GRID_ROWS
from sceval.workbook.grid_sheet import SheetTooWide, calamine_sheets
from sceval.workbook.number_formats import StyleKinds, style_kinds
from sceval.workbook.cells import RawCell
from sceval.workbook.sheet import Sheet
from sceval.workbook.xml_sheet import EMPTY_CELL, NotPlain
from sceval.workbook.xml_attributes import attributes, unescape

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CUSTOM_PROPS_TYPE = "custom-properties"
NAME_TARGET = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d+)$")
TEXT_CONSTANT = re.compile(r'^=?"((?:[^"]|"")*)"$')


@dataclass
class Book:
    """What ingest needs from one workbook; plain data, cheap to keep per file."""

    path: str
    sheet_names: list[str] = field(default_factory=list)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (sheet, "B5")
    constants: dict[str, str] = field(default_factory=dict)  # name -> text of a ="..." name
    properties: dict[str, str] = field(default_factory=dict)
    saved_at: str = ""  # docProps/core.xml dcterms:modified as written (the ordering rule's first basis)
    sheets: dict[str, Sheet] = field(default_factory=dict)  # XmlSheet | GridSheet by name (not _lists)

    def cell(self, sheet: str, ref: str) -> RawCell:
        found = self.sheets.get(sheet)
        return EMPTY_CELL if found is None else found.raw(ref)

    def named(self, name: str) -> RawCell | None:
        target = self.names.get(name)
        return None if target is None else self.cell(*target)

    def value(self, sheet: str, row: int, col: int):
        """A cell's value by 0-based position; "" for empty or absent."""
        found = self.sheets.get(sheet)
        return "" if found is None else found.value(row, col)

    def values(self, sheet: str, positions: tuple[tuple[int, int], ...]) -> list:
        """The values at these 0-based (row, column) positions; "" for empty or absent."""
        found = self.sheets.get(sheet)
        return [""] * len(positions) if found is None else found.values(positions)

    def column(self, sheet: str, col: int) -> list:
        """One column's values from row 1 to the sheet's last row."""
        found = self.sheets.get(sheet)
        return [] if found is None else found.column(col)

    def rows(self, sheet: str) -> list[list]:
        """The whole sheet as rows of values (every cell decoded: for small sheets and rare paths)."""
        found = self.sheets.get(sheet)
        return [] if found is None else found.rows()

    def snapshot(self) -> dict:
        """Everything read, as plain comparable data (every cell decoded): for tests and checks."""
        return {**{key: value for key, value in self.__dict__.items() if key != "sheets"},
                "sheets": {name: (sheet.rows(), sheet.marks()) for name, sheet in self.sheets.items()}}


def wanted_part(member: str) -> bool:
    """The package parts read_book inflates itself (preflight may hand them over, see read_book)."""
    return member in WANTED_PARTS or (member.startswith("xl/worksheets/") and member.endswith(".xml"))


WANTED_PARTS = frozenset({"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels",
                          "docProps/custom.xml", "xl/sharedStrings.xml", "xl/styles.xml",
                          "docProps/core.xml"})


class _Package:
    """The package's parts: those preflight already inflated are not inflated again, and when
    preflight also listed the members, the zip is opened only for a part it did not keep."""

    def __init__(self, path, parts: dict[str, bytes], members: list[str] | None):
        self.path, self.parts, self.archive = path, parts, None
        self.members = members if members is not None else self._open().namelist()

    def _open(self) -> zipfile.ZipFile:
        if self.archive is None:
            self.archive = zipfile.ZipFile(self.path)
        return self.archive

    def namelist(self) -> list[str]:
        return self.members

    def read(self, name: str) -> bytes:
        kept = self.parts.get(name)
        return kept if kept is not None else self._open().read(name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.archive is not None:
            self.archive.close()
        return False


def read_book(path: str, display_name: str = "", parts: dict[str, bytes] | None = None,
              members: list[str] | None = None, engine: str = "auto") -> tuple[Book | None, list[Issue]]:
    """Read a workbook; unreadable files give (None, [Issue]) instead of raising.

    ``parts``: member -> bytes that sceval.safety.preflight already inflated from this same file;
    ``members``: the member names preflight listed (the zip is then not opened again).
    ``engine``: "auto" reads plain sheets with sheet_xml and the rest with calamine; "calamine"
    reads every sheet with calamine (the two agree cell for cell: tests/sceval/test_sheet_xml.py).
    """
    if engine not in ("auto", "calamine"):
        raise ValueError(f"unknown engine {engine!r}")
    where = display_name or str(path)
    try:
        with _Package(path, parts or {}, members) as archive:
            book = Book(path=str(path))
            sheet_files, date1904 = _workbook_xml(archive, book)
            book.properties = _custom_properties(archive)
            book.saved_at = _saved_time(archive)
            kinds = style_kinds(_part_of_type(archive, set(archive.namelist()), "/styles"))
            fast = _xml_sheets(archive, sheet_files, date1904, kinds) if engine == "auto" else None
            book.sheets = fast or calamine_sheets(path, archive, sheet_files, kinds.percent)
            return book, _far_cells(book, where)
    except SheetTooWide as exc:
        return None, [issue("WB_SHEET_TOO_WIDE", f"文件 {where} 工作表“{exc.sheet}”在 {exc.ref} 有内容，远超模板范围"
                                                 f"（不超过 {GRID_ROWS:,} 行、{GRID_COLUMNS} 列），无法安全读取；"
                                                 "请删除该处内容后重新保存，再报送", file=where, sheet=exc.sheet,
                            cell=exc.ref if exc.ref[0].isascii() else "")]
    except Exception as exc:  # noqa: BLE001 - any failure of a stranger's file is data, not a crash
        message = f"文件 {where} 无法作为 .xlsx 工作簿读取（{type(exc).__name__}: {str(exc)[:120]}）"
        return None, [issue("FILE_UNREADABLE", message, file=where)]


def _far_cells(book: Book, where: str) -> list[Issue]:
    """WB_CELL_OUTSIDE for each sheet holding cells past the grid's bounds (left out of its grid)."""
    found = []
    for name, sheet in book.sheets.items():
        outside = getattr(sheet, "outside", ())
        if outside:
            more = f"及另外 {len(outside) - 1:,} 个单元格" if len(outside) > 1 else ""
            found.append(issue("WB_CELL_OUTSIDE", f"文件 {where} 工作表“{name}”的单元格 {outside[0]}{more} 远在模板范围之外"
                                                  f"（不超过 {GRID_ROWS:,} 行、{GRID_COLUMNS} 列），其内容已忽略，请核实",
                               file=where, sheet=name, cell=outside[0]))
    return found


def _xml(archive, member: str):
    from defusedxml.ElementTree import fromstring

    return fromstring(archive.read(member))


# workbook.xml holds a few hundred defined names; a regex over its bytes is ~10× faster than
# building a tree of them. Safe for the same reason as the cell scan: preflight refused any DTD,
# so no entity can expand; character references are decoded with html.unescape.
SHEET_TAG = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?sheet\s([^>]*?)/?>")
DEFINED_NAME = re.compile(
    r"<(?:[A-Za-z_][\w.-]*:)?definedName\s([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?definedName>)",
    re.S)


NAME_ATTRIBUTE = re.compile(r"""\bname\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# The form every writer we know uses: `<definedName name="X">'基础指标'!$G$7</definedName>` (print
# areas add localSheetId="n"). When each of the file's names has exactly this form (the
# "definedName" tally proves it: two per plain name, one per <definedNames> container tag), one
# C-level findall replaces a regex per name.
PLAIN_DEFINED_NAME = re.compile(r'<definedName name="([^"]*)"( localSheetId="\d+")?>([^<]*)</definedName>')


DATE_1904 = re.compile(r"""\bdate1904\s*=\s*["'](?:1|true)["']""")


def _workbook_xml(archive, book: Book) -> tuple[dict[str, str], bool]:
    """Sheet names and defined names from xl/workbook.xml; returns (sheet name -> XML member,
    whether the workbook counts dates from 1904)."""
    text = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
    date1904 = "date1904" in text and DATE_1904.search(text) is not None
    if "<![CDATA[" in text:
        return _workbook_tree(archive, book), date1904  # rare: let the XML parser handle CDATA
    return _workbook_names(archive, book, text), date1904


def _workbook_names(archive, book: Book, text: str) -> dict[str, str]:
    targets = _relationship_targets(archive, "xl/_rels/workbook.xml.rels", base="xl/")
    sheet_files = {}
    for tag in SHEET_TAG.finditer(text):
        attrs = attributes(tag.group(1))
        book.sheet_names.append(attrs.get("name", ""))
        sheet_files[attrs.get("name", "")] = targets.get(attrs.get("id", ""), "")
    plain = PLAIN_DEFINED_NAME.findall(text)
    if text.count("definedName") - text.count("definedNames") == 2 * len(plain):
        _note_plain_names(book, plain, escaped="&" in text)
        return sheet_files
    for node in DEFINED_NAME.finditer(text):
        attrs, name = node.group(1), NAME_ATTRIBUTE.search(node.group(1))
        if name and "localSheetId" not in attrs:  # sheet-scoped names are not ours
            _note_name(book, unescape(name.group(1) or name.group(2) or ""), unescape(node.group(2) or ""))
    return sheet_files


def _note_plain_names(book: Book, plain: list[tuple[str, str, str]], escaped: bool) -> None:
    """The names PLAIN_DEFINED_NAME found; a flat loop, as a return has ~340 of them."""
    names = book.names
    for name, scoped, text in plain:
        if scoped:  # sheet-scoped names (print areas) are not ours
            continue
        if escaped:
            name, text = unescape(name), unescape(text)
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


def _workbook_tree(archive, book: Book) -> dict[str, str]:
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


def _relationship_targets(archive, member: str, base: str) -> dict[str, str]:
    if member not in archive.namelist():
        return {}
    targets = {}
    for rel_id, _type, target in _relationships(archive, member):
        targets[rel_id] = target.lstrip("/") if target.startswith("/") else base + target
    return targets


def _relationships(archive, member: str) -> tuple[tuple[str, str, str], ...]:
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


def _custom_properties(archive) -> dict[str, str]:
    member = _custom_member(archive)
    if member is None:
        return {}
    props = {}
    for prop in _xml(archive, member):
        value = next(iter(prop), None)
        props[prop.get("name", "")] = "" if value is None or value.text is None else value.text
    return props


CORE_PROPS_TYPE = "core-properties"
MODIFIED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?modified\b[^>]*>([^<]{1,64})</")


def _saved_time(archive) -> str:
    """The workbook's own last-saved time (dcterms:modified), as text; "" when absent. A regex
    over a part preflight checked for DTDs; the text is judged by sceval.ledger.ordering."""
    member = _package_member(archive, CORE_PROPS_TYPE, "docProps/core.xml")
    if member is None:
        return ""
    try:
        found = MODIFIED.search(archive.read(member)[:64 * 1024])
    except Exception:  # noqa: BLE001 — a damaged properties part costs the file this basis only
        return ""
    return found.group(1).decode("utf-8", "replace").strip() if found else ""


def _package_member(archive, rel_suffix: str, default: str) -> str | None:
    names = set(archive.namelist())
    if "_rels/.rels" in names:
        for _id, rel_type, target in _relationships(archive, "_rels/.rels"):
            if rel_type.endswith(rel_suffix) and target.lstrip("/") in names:
                return target.lstrip("/")
    return default if default in names else None


def _custom_member(archive) -> str | None:
    names = set(archive.namelist())
    if "_rels/.rels" in names:
        for _id, rel_type, target in _relationships(archive, "_rels/.rels"):
            if rel_type.endswith(CUSTOM_PROPS_TYPE):
                return target.lstrip("/")
    return "docProps/custom.xml" if "docProps/custom.xml" in names else None


def _xml_sheets(archive, sheet_files: dict[str, str], date1904: bool, kinds: StyleKinds) -> dict | None:
    """Every sheet but the drop-down lists, cut from its XML (sheet_xml); None when any part is
    not in the plain form, or the workbook counts dates from 1904: calamine reads those."""
    if date1904:
        return None
    members = set(archive.namelist())
    wanted = {sheet: member for sheet, member in sheet_files.items() if sheet != SHEET_LISTS}
    if not all(member in members for member in wanted.values()):
        return None
    try:
        shared = sheet_xml.SharedStrings(_part_of_type(archive, members, "/sharedStrings"))
        return {sheet: sheet_xml.parse_sheet(archive.read(member), shared, kinds, sheet)
                for sheet, member in wanted.items()}
    except NotPlain:
        return None


def _part_of_type(archive, members: set[str], type_suffix: str) -> bytes | None:
    """The workbook part a relationship of this type points to (sharedStrings, styles), if any."""
    if "xl/_rels/workbook.xml.rels" not in members:
        return None
    for _id, rel_type, target in _relationships(archive, "xl/_rels/workbook.xml.rels"):
        if rel_type.endswith(type_suffix):
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            return archive.read(member) if member in members else None
    return None
