"""What calamine does not show of a cell: a formula, an Excel error value, a percentage format.

Read straight from the sheet's XML bytes, never through a tree and never evaluated (preflight
has refused any DTD, so nothing can expand); the results land in Book.special and Book.percent.
"""
from __future__ import annotations

import re
import zipfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .reader import Book

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _xml(archive: zipfile.ZipFile, member: str):
    from defusedxml.ElementTree import fromstring

    return fromstring(archive.read(member))


BUILTIN_PERCENT_FORMATS = {"9", "10"}  # 0% and 0.00%
QUOTED_OR_ESCAPED = re.compile(r'"[^"]*"|\\.')


def _percent_styles(archive: zipfile.ZipFile) -> set[str]:
    """Indexes of cell styles whose number format shows a percentage (a '%' not in quotes)."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    info = archive.getinfo("xl/styles.xml")
    key = (info.CRC, info.file_size)  # returns from one template share their styles: read once
    if key not in _PERCENT_STYLES_SEEN:
        if len(_PERCENT_STYLES_SEEN) > 256:
            _PERCENT_STYLES_SEEN.clear()
        _PERCENT_STYLES_SEEN[key] = frozenset(_read_percent_styles(archive))
    return set(_PERCENT_STYLES_SEEN[key])


_PERCENT_STYLES_SEEN: dict[tuple[int, int], frozenset[str]] = {}


def _read_percent_styles(archive: zipfile.ZipFile) -> set[str]:
    root = _xml(archive, "xl/styles.xml")
    percent_ids = set(BUILTIN_PERCENT_FORMATS)
    for fmt in root.iter(f"{NS_MAIN}numFmt"):
        if "%" in QUOTED_OR_ESCAPED.sub("", fmt.get("formatCode", "")):
            percent_ids.add(fmt.get("numFmtId", ""))
    cell_xfs = root.find(f"{NS_MAIN}cellXfs")
    xfs = [] if cell_xfs is None else cell_xfs.findall(f"{NS_MAIN}xf")
    return {str(index) for index, xf in enumerate(xfs) if xf.get("numFmtId", "0") in percent_ids}


# Only cells that matter are matched, by one C-level regex pass over the sheet's bytes: a formula
# (<f> is the first child of <c>), an Excel error (t="e") or, when the file has percentage
# styles, a percentage-styled cell. Any namespace prefix is accepted (<x:c>). No tree is built and
# nothing is expanded (preflight refused DTDs), so a 1,500-cell sheet takes well under a ms.
PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
FORMULA_OR_ERROR = re.compile(
    rb"<" + PREFIX + rb"c\s([^>]*)>\s*<" + PREFIX + rb"f[\s/>]"
    rb"|<" + PREFIX + rb'c\s([^>]*\bt="e"[^>]*)>')
REF_ATTRIBUTE = re.compile(rb'\br="([A-Za-z]{1,3}\d+)"')
VALUE_TEXT = re.compile(rb"<" + PREFIX + rb"v>([^<]*)<")


def scan_special_cells(archive: zipfile.ZipFile, book: Book, sheet_files: dict[str, str]) -> None:
    """Formulas, Excel errors and percentage-formatted cells: calamine shows none of them."""
    percent_cell = _percent_pattern(_percent_styles(archive))
    members = set(archive.namelist())
    for sheet, member in sheet_files.items():
        if sheet in book.grids and member in members:
            data = archive.read(member)
            book.special[sheet] = _special_cells(data)
            book.percent[sheet] = _refs(percent_cell.findall(data)) if percent_cell else set()


def _percent_pattern(styles: set[str]) -> re.Pattern | None:
    if not styles:
        return None
    ids = b"|".join(re.escape(style.encode()) for style in sorted(styles))
    return re.compile(rb"<" + PREFIX + rb'c\s([^>]*\bs="(?:' + ids + rb')"[^>]*)>')


def _refs(start_tags: list[bytes]) -> set[str]:
    found = (REF_ATTRIBUTE.search(tag) for tag in start_tags)
    return {match.group(1).decode("ascii") for match in found if match}


def _special_cells(data: bytes) -> dict[str, tuple[bool, str]]:
    """ref -> (is a formula, Excel error text or "") for every formula or error cell."""
    if b"<sheetData" not in data:  # a prefixed sheet (<x:c>): the general regex
        return _special_cells_regex(data)
    found = _formula_refs(data)
    position = data.find(b't="e"')
    while position >= 0:  # errors typed or pasted as values: rare
        start = data.rfind(b"<c ", 0, position)
        if start >= 0 and data.rfind(b"<", 0, position) == start:
            _note_cell(data, found, start, data.find(b">", position), False)
        position = data.find(b't="e"', position + 1)
    return found


def _formula_refs(data: bytes) -> dict[str, tuple[bool, str]]:
    """ref -> (True, "") for each cell whose first child is <f>; the error loop adds errors.

    One flat loop (no generator, no call per cell): a return has ~200 formulas, all seen here.
    (A regex findall over the sheet measured slower: most of the time is in passes over the bytes.)
    """
    found: dict[str, tuple[bool, str]] = {}
    find, rfind, search = data.find, data.rfind, REF_ATTRIBUTE.search
    position = find(b"<f")
    while position >= 0:
        if data[position + 2:position + 3] in FORMULA_TAG_ENDS:
            start = rfind(b"<c ", 0, position)
            tag_end = find(b">", start)
            if start >= 0 and not data[tag_end + 1:position].strip():
                ref = search(data, start, tag_end)
                if ref is not None:
                    found[ref.group(1).decode("ascii")] = FORMULA_CELL
        position = find(b"<f", position + 2)
    return found


FORMULA_TAG_ENDS = (b">", b" ", b"/")
FORMULA_CELL = (True, "")


def _note_cell(data: bytes, found: dict, start: int, tag_end: int, is_formula: bool) -> None:
    tag = data[start:tag_end]
    ref = REF_ATTRIBUTE.search(tag)
    if ref is None:
        return
    key = ref.group(1).decode("ascii")
    formula, error = found.get(key, (False, ""))
    if b't="e"' in tag:
        value = VALUE_TEXT.search(data, tag_end, tag_end + 4096)
        error = value.group(1).decode("utf-8", "replace") if value else "#N/A"
    found[key] = (formula or is_formula, error)


def _special_cells_regex(data: bytes) -> dict[str, tuple[bool, str]]:
    found: dict[str, tuple[bool, str]] = {}
    for match in FORMULA_OR_ERROR.finditer(data):
        formula_tag, error_tag = match.group(1), match.group(2)
        ref = REF_ATTRIBUTE.search(formula_tag or error_tag)
        if ref is None:
            continue
        is_error = error_tag is not None or b't="e"' in formula_tag
        error = ""
        if is_error:
            value = VALUE_TEXT.search(data, match.end(), match.end() + 4096)
            error = value.group(1).decode("utf-8", "replace") if value else "#N/A"
        found[ref.group(1).decode("ascii")] = (formula_tag is not None, error)
    return found
