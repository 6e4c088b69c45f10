"""Rows or columns inserted in the indicator sheet, told apart from a re-pointed defined name.

When a city inserts a row (a note under an indicator) or a column, Excel, WPS and LibreOffice move
every defined name below (right of) it together. The names then no longer sit where the template
put them, yet each still points at its own input: beside its own locked code and label. That is
read, with a warning naming the inserted rows (issue 20, item 2: 珠海 was refused for a note row).
A name aimed at another item's cell — the denominator's, another indicator's, another column —
breaks that and stays refused (ID_NAME_MOVED, issue 13, item 2).

The test for each name whose place moved:
- rows: an input name's row must carry its own input's label (``角色：名称`` in the name column)
  and lie inside its own indicator's block (below its code row, above the next code row); a score,
  source or remark name must stay on its indicator's code row;
- columns: all names the template put in one column must have moved by the same number of
  columns (the usual move of that column), never left, never more than a column further right.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sctemplates.layout import INDICATOR_HEADERS
from sctemplates.model import Catalog
from sctemplates.render.indicator_sheet import HEADER_ROWS

from sceval.workbook.cells import FULLWIDTH
from sceval.workbook.book import Book
from sceval.workbook.cell_refs import column_letters, position


@dataclass
class Shift:
    """Names that moved with an insertion, the rows inserted (1-based) and the columns moved."""

    names: set[str] = field(default_factory=set)
    rows: set[int] = field(default_factory=set)
    columns: dict[int, int] = field(default_factory=dict)  # template column -> columns moved right


# --- where the locked columns are (a column inserted left of them moves them too) --------------

LOCKED_HEADINGS = tuple(heading for heading, _width in INDICATOR_HEADERS[:3])  # 编码, 指标名称, 权重
_LAST_COLUMNS: list = [None, "", (0, 1, 2)]  # the last (book, sheet, columns): one file at a time


def locked_columns(book: Book, sheet: str) -> tuple[int, int, int]:
    """(code, name, weight) columns, 0-based: the template's, unless its headings moved right."""
    if _LAST_COLUMNS[0] is book and _LAST_COLUMNS[1] == sheet:
        return _LAST_COLUMNS[2]
    heading_row = HEADER_ROWS - 1
    found = book.values(sheet, tuple((heading_row, col) for col in range(3)))
    columns = (0, 1, 2) if tuple(str(v).strip() for v in found) == LOCKED_HEADINGS else _find_headings(book, sheet)
    _LAST_COLUMNS[:] = [book, sheet, columns]
    return columns


def _find_headings(book: Book, sheet: str) -> tuple[int, int, int]:
    positions = tuple((row, col) for row in range(12) for col in range(24))
    texts = {}
    for (row, col), value in zip(positions, book.values(sheet, positions)):
        texts.setdefault(row, {}).setdefault(str(value).strip(), col)
    for row in sorted(texts):
        if all(heading in texts[row] for heading in LOCKED_HEADINGS):
            return tuple(texts[row][heading] for heading in LOCKED_HEADINGS)
    return 0, 1, 2


def _loose(text) -> str:
    return re.sub(r"\s+", "", str(text).translate(FULLWIDTH))


def _input_labels(catalog: Catalog) -> dict[str, tuple[str, tuple[str, ...]]]:
    """input name -> (owner code, the loose labels of every input of its owner, its own first)."""
    found = {}
    for second, sub, item in catalog.inputs():
        owner = sub or second
        others = tuple(_loose(i.label) for i in owner.inputs if i is not item)
        found[item.name] = (owner.code, (_loose(item.label),) + others)
    return found


def _labelled(book: Book, sheet: str, row: int, label: str) -> bool:
    return _labelled_text(book.value(sheet, row, locked_columns(book, sheet)[1]), label) if label else False


def column_moves(book: Book, sheet: str, places: dict[str, tuple[str, str]]) -> dict[int, int]:
    """Template column -> how far its names moved right (the most common move of that column),
    when the moves fit an insertion of columns: never negative, never smaller for a column further
    right. Empty when they do not fit."""
    moves: dict[int, Counter] = {}
    for name, (want_sheet, ref) in places.items():
        target = book.names.get(name)
        want, got = position(ref), position(target[1]) if target and target[0] == sheet else None
        if want is not None and got is not None:
            moves.setdefault(want[1], Counter())[got[1] - want[1]] += 1
    usual = {col: counts.most_common(1)[0][0] for col, counts in sorted(moves.items())}
    steps = list(usual.values())
    fits = all(step >= 0 for step in steps) and steps == sorted(steps)
    return usual if fits else {}


def excel_shift(book: Book, sheet: str, catalog: Catalog, places: dict[str, tuple[str, str]],
                code_rows: dict[str, int]) -> Shift:
    """Which of the moved names moved as an Excel row/column insertion moves them."""
    shift = Shift(columns=column_moves(book, sheet, places))
    if shift.columns:  # the locked columns' own move, so the message names the first column moved
        shift.columns.update({col: actual - col for col, actual in enumerate(locked_columns(book, sheet))})
    labels = _input_labels(catalog)
    codes = {node.code for node in catalog.nodes()}  # a note typed in the code column is no indicator's row
    starts = sorted(row for code, row in code_rows.items() if code in codes)
    for name, place in places.items():
        target = book.names.get(name, place)
        if target == place:
            continue
        rows = _rows_inserted(book, sheet, name, place, target, labels, code_rows, starts, shift.columns)
        if rows is not None:
            shift.names.add(name)
            shift.rows.update(rows)
    return shift


def _rows_inserted(book, sheet, name, place, target, labels, code_rows, starts, columns) -> set[int] | None:
    """The inserted rows (1-based) that explain where ``name`` is now; None when nothing does."""
    want, got = position(place[1]), position(target[1])
    if target[0] != sheet or want is None or got is None or got[1] - want[1] != columns.get(want[1], 0):
        return None
    if name not in labels:  # a score, source or remark: on its code row, wherever that is now
        return set() if got[0] == want[0] else None
    owner, (own, *others) = labels[name]
    top = code_rows.get(owner)
    below = next((row for row in starts if row > top), None) if top is not None else None
    if top is None or not top < got[0] < (below if below is not None else got[0] + 1):
        return None
    if not _labelled(book, sheet, got[0], own):
        return None
    return {row + 1 for row in range(top + 1, got[0])
            if not any(_labelled(book, sheet, row, label) for label in (own, *others))}


# --- rows inserted anywhere (between indicators too, where no name leaves its code row) --------

def expected_code_rows(catalog: Catalog) -> dict[str, int]:
    """Indicator code -> its 0-based row in the sheet as rendered (sctemplates.render.indicator_sheet:
    after the title and headings, each indicator's row, then one row per input). Asked for every
    file, so kept per catalog (the catalog itself is kept too, so its id is never reused)."""
    kept = _EXPECTED.get(id(catalog))
    if kept is None or kept[0] is not catalog:
        kept = _EXPECTED[id(catalog)] = (catalog, _layout_rows(catalog))
    return kept[1]


_EXPECTED: dict[int, tuple[Catalog, dict[str, int]]] = {}


def _layout_rows(catalog: Catalog) -> dict[str, int]:
    rows, row = {}, HEADER_ROWS
    for first in catalog.indicators:
        rows[first.code], row = row, row + 1
        for second in first.children:
            rows[second.code], row = row, row + 1 + len(second.inputs)
            for sub in second.sub_items:
                rows[sub.code], row = row, row + 1 + len(sub.inputs)
    return rows


def rows_moved(catalog: Catalog, code_rows: dict[str, int]) -> bool:
    """True when every indicator row is there but not where the template put it."""
    expected = expected_code_rows(catalog)
    return all(code in code_rows for code in expected) and any(code_rows[c] != r for c, r in expected.items())


def inserted_rows(book: Book, sheet: str, catalog: Catalog, code_rows: dict[str, int]) -> set[int]:
    """1-based rows, up to the template's last, that are neither the title, the headings, an
    indicator's row nor one of its inputs' rows: what the city inserted."""
    labels = _owner_labels(catalog)
    by_row = {row: code for code, row in code_rows.items() if code in labels}
    if not by_row:
        return set()
    last = max(by_row) + len(labels[by_row[max(by_row)]])
    code_col, name_col, _weight = locked_columns(book, sheet)
    codes, names = book.column(sheet, code_col), book.column(sheet, name_col)
    found, owner, title_seen = set(), None, False
    for row in range(last + 1):
        code = _text(codes, row)
        if row in by_row or code == INDICATOR_HEADERS[0][0]:
            owner = by_row.get(row, owner)
        elif owner is None and code and not title_seen:
            title_seen = True  # the sheet's title row
        elif owner is None or not any(_labelled_text(_text(names, row), label) for label in labels[owner]):
            found.add(row + 1)
    return found


def _text(column: list, row: int) -> str:
    return str(column[row]).strip() if row < len(column) and column[row] is not None else ""


def _owner_labels(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Indicator code -> the loose labels of its inputs (empty for an indicator without inputs)."""
    labels: dict[str, tuple[str, ...]] = {node.code: () for node in catalog.nodes()}
    for second, sub, item in catalog.inputs():
        owner = (sub or second).code
        labels[owner] = labels[owner] + (_loose(item.label),)
    return labels


def _labelled_text(value, label: str) -> bool:
    return _loose(value).endswith(_loose("：" + label))


def shift_message(file: str, sheet: str, shift: Shift) -> str:
    """The warning's words: which rows were inserted and which columns moved."""
    parts = []
    if shift.rows:
        parts.append(f"插入了第 {'、'.join(str(r) for r in sorted(shift.rows)[:10])} 行")
    moved = {col: step for col, step in shift.columns.items() if step}
    if moved:
        first = min(moved)
        parts.append(f"插入了列（原 {column_letters(first)} 列起右移 {moved[first]} 列）")
    said = "，".join(parts) or "插入或删除了行"
    moved_names = f"{len(shift.names)} 个" if shift.names else ""
    return (f"文件 {file} 的工作表“{sheet}”{said}；{moved_names}定义名称随之整体移动，"
            "每个输入仍在其指标编码和名称旁，已照常读取。请核实插入的内容（插入的行或列中的文字不计分）")
