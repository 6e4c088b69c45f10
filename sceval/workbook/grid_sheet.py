"""The calamine engine, for workbooks sheet_xml does not read itself: calamine's grids, plus what
calamine does not show of a cell (a formula, an Excel error value, a percentage format).

Those marks are read straight from the sheet's XML bytes, never through a tree and never
evaluated (preflight has refused any DTD, so nothing can expand).
"""
from __future__ import annotations

import re

from sctemplates.layout import SHEET_LISTS

from sceval.workbook.cell_refs import GRID_ROWS, outside_grid, position
from sceval.workbook.cells import RawCell
from sceval.workbook.xml_sheet import EMPTY_CELL
from sceval.workbook.sheet import Sheet

PLAIN_CELL = (False, "")  # not a formula, no Excel error
MAX_GRID_ROWS = GRID_ROWS  # a template has a few hundred rows; more is not ours to read


class SheetTooWide(Exception):
    """A sheet with a cell or row past the grid's bounds, in a workbook only calamine can read:
    calamine's grid is dense, sized by the far corner, so it must never see such a sheet."""

    def __init__(self, sheet: str, ref: str):
        super().__init__(f"{sheet}!{ref}")
        self.sheet, self.ref = sheet, ref


class GridSheet(Sheet):
    """One sheet read by calamine: a grid of values, plus the formulas, errors and percentage
    styles found in its XML. Answers the same questions as sheet_xml.XmlSheet."""

    def __init__(self, grid: list[list], special: dict[str, tuple[bool, str]], percent: set[str]):
        self.grid, self.special, self.percent = grid, special, percent

    def raw(self, ref: str) -> RawCell:
        at = position(ref)
        if at is None:
            return EMPTY_CELL
        value = self.value(*at)
        formula, error = self.special.get(ref, PLAIN_CELL)
        shown_percent = ref in self.percent
        if value == "" and not (formula or error or shown_percent):
            return EMPTY_CELL
        return RawCell(None if value == "" else value, formula, error, shown_percent)

    def value(self, row: int, col: int):
        grid = self.grid
        return grid[row][col] if row < len(grid) and col < len(grid[row]) else ""

    def values(self, positions: tuple[tuple[int, int], ...]) -> list:
        return [self.value(row, col) for row, col in positions]

    def column(self, col: int) -> list:
        return [row[col] if col < len(row) else "" for row in self.grid]

    def rows(self) -> list[list]:
        return self.grid

    def marks(self) -> dict[str, tuple[bool, str, bool]]:
        """ref -> (formula, error, percentage style) for every cell with any of them."""
        refs = set(self.special) | self.percent
        return {ref: (*self.special.get(ref, PLAIN_CELL), ref in self.percent) for ref in refs}



def calamine_sheets(path: str, archive, sheet_files: dict[str, str], percent_styles: frozenset[str]
                    ) -> dict[str, GridSheet]:
    """Every sheet but the drop-down lists, as rows of cached values (calamine), with the
    formulas, errors and cells in ``percent_styles`` that the sheets' XML shows."""
    from python_calamine import CalamineWorkbook

    _refuse_far_cells(archive, sheet_files)
    grids = {}
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        for name in workbook.sheet_names:
            if name != SHEET_LISTS:
                grids[name] = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_GRID_ROWS)
    finally:
        workbook.close()
    marks = scan_special_cells(archive, set(grids), sheet_files, percent_styles)
    return {name: GridSheet(grid, *marks.get(name, ({}, set()))) for name, grid in grids.items()}


ROW_NUMBER = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br="(\d{1,9})"')
DIMENSION_CORNER = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="[^":]*:?\$?([A-Za-z]{1,3})\$?(\d{1,9})"')


def _refuse_far_cells(archive, sheet_files: dict[str, str]) -> None:
    """SheetTooWide for the first cell or row reference past the bounds in any sheet part."""
    members = set(archive.namelist())
    for sheet, member in sheet_files.items():
        if member not in members:
            continue
        data = archive.read(member)
        corner = DIMENSION_CORNER.search(data, 0, 4096)  # the range calamine sizes its grid by
        corner = b"".join(corner.groups()).decode("ascii").upper() if corner else ""
        if corner and outside_grid(corner):
            raise SheetTooWide(sheet, corner)
        far = next((ref for ref in (r.decode("ascii").upper() for r in REF_ATTRIBUTE.findall(data)) if outside_grid(ref)),
                   None)
        row = next((number.decode() for number in ROW_NUMBER.findall(data) if int(number) > GRID_ROWS), None)
        if far or row:
            raise SheetTooWide(sheet, far or f"第 {row} 行")


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


def scan_special_cells(archive, sheets: set[str], sheet_files: dict[str, str], percent_styles: frozenset[str]
                       ) -> dict[str, tuple[dict[str, tuple[bool, str]], set[str]]]:
    """Sheet -> (formula and error cells, percentage-formatted cells): calamine shows neither."""
    percent_cell = _percent_pattern(percent_styles)
    members = set(archive.namelist())
    marks = {}
    for sheet, member in sheet_files.items():
        if sheet in sheets and member in members:
            data = archive.read(member)
            marks[sheet] = (_special_cells(data), _refs(percent_cell.findall(data)) if percent_cell else set())
    return marks


def _percent_pattern(styles: frozenset[str]) -> re.Pattern | None:
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
