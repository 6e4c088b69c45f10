"""The indicator sheet read by its rows: locked content checks, and names rebuilt when lost.

A rendered indicator sheet has one row per indicator with its code in the code column, and one
row per input right below its indicator (sctemplates.render.indicator_sheet). That is enough to
check that codes, names and weights are still the catalog's, and — when a tool dropped the
workbook's defined names — to find every input, source, remark and score cell again.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from sctemplates.issues import Issue, issue
from sctemplates.layout import (
    COVER_CITY_CODE, COVER_CITY_NAME, FILER_FIELDS, remark_name, score_name, source_name,
)
from sctemplates.methods import show_number
from sctemplates.model import Catalog
from sctemplates.layout import (
    COL_REMARK, COL_SCORE, COL_SOURCE, COL_VALUE,
)

from sceval.workbook.cells import FULLWIDTH
from sceval.workbook.cell_refs import column_letters
from sceval.workbook.book import Book
from sceval.workbook.shifted_names import (
    Shift, excel_shift, inserted_rows, locked_columns, rows_moved, shift_message,
)

COVER_LABELS = {"城市代码": COVER_CITY_CODE, "城市名称": COVER_CITY_NAME}
PROVISIONAL_SUFFIX = re.compile(r"（暂定：[^）]*）$")


def code_rows(book: Book, sheet: str) -> dict[str, int]:
    """Indicator code -> 0-based row, from the code column."""
    rows = {}
    for index, value in enumerate(book.column(sheet, locked_columns(book, sheet)[0])):
        if isinstance(value, str) and value.strip():
            rows.setdefault(value.strip(), index)
    return rows


def _nodes(catalog: Catalog):
    return catalog.nodes()


def _loose(text: str) -> str:
    return re.sub(r"\s+", "", str(text).translate(FULLWIDTH))


def _number(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in ("", None) and not isinstance(value, bool) else None
    except InvalidOperation:
        return None


def template_edits(book: Book, sheet: str, catalog: Catalog, file: str, weights: bool = True) -> list[Issue]:
    """ID_TEMPLATE_EDITED for changed codes/names/weights; ID_TEMPLATE_COSMETIC for spacing/width.

    ``weights=False`` for a return rendered under revised scoring rules (ID_RULES_REVISED): its
    printed weights are the old catalog's, which ingest does not have, only the passport says
    which it was. They are skipped rather than compared: the printed weights never score (the
    current catalog's do), and codes and names, part of the unchanged input contract, are still
    checked against the current catalog."""
    rows = code_rows(book, sheet)
    key = (weights, *_locked_key(book, sheet, rows, catalog))
    moved = moved_names(book, sheet, catalog, file, _places(catalog, sheet, rows, key[2]), rows)
    if _CLEAN_LOCKED.get(key) is catalog:
        return moved  # the very locked content already found clean for this catalog
    found = _template_edits(book, rows, sheet, catalog, file, weights)
    if not found:
        if len(_CLEAN_LOCKED) > 64:
            _CLEAN_LOCKED.clear()
        _CLEAN_LOCKED[key] = catalog
    return found + moved


# Where each defined name of an indicator sheet belongs (issue 13, item 2: SC_L1P1_A1_NUM re-pointed
# at the denominator's cell scored 30.00 instead of 18.56). The place of a name is part of the
# template as much as the locked codes are: the layout (sctemplates.render.indicator_sheet) puts an
# input in the value column of the row below its indicator's (the first input on the next row, and
# so on), a score in the score column of the indicator's row, a sub-item's source and remark in
# their columns of its row. The rows come from the code column, so a sheet whose rows were
# inserted or deleted still has every name where it belongs; a name pointing anywhere else moved.
def _places(catalog: Catalog, sheet: str, rows: dict[str, int], found: tuple) -> dict[str, tuple[str, str]]:
    """name -> (sheet, cell) it must point to; kept per catalog, sheet and code rows (one per template)."""
    key = (id(catalog), sheet, found)
    places = _PLACES.get(key)
    if places is None:
        places = {name: (sheet, f"{column_letters(col)}{rows[code] + offset + 1}")
                  for name, code, offset, col in _name_layout(catalog) if code in rows}
        if len(_PLACES) > 64:
            _PLACES.clear()
        _PLACES[key] = places
    return places


_PLACES: dict[tuple, dict[str, tuple[str, str]]] = {}


def _name_layout(catalog: Catalog):
    """(name, code of the row it hangs on, rows below that row, column) for every name of the sheet."""
    for second, sub, item in catalog.inputs():
        owner = sub or second
        yield item.name, owner.code, list(owner.inputs).index(item) + 1, COL_VALUE
    for node in _nodes(catalog):
        yield score_name(node.code), node.code, 0, COL_SCORE
    for sub in catalog.sub_items():
        yield source_name(sub.code), sub.code, 0, COL_SOURCE
        yield remark_name(sub.code), sub.code, 0, COL_REMARK


def moved_names(book: Book, sheet: str, catalog: Catalog, file: str,
                places: dict[str, tuple[str, str]] | None = None, rows: dict[str, int] | None = None) -> list[Issue]:
    """ID_NAME_MOVED for each of the catalog's names that points anywhere but its place;
    ID_ROWS_SHIFTED (a warning) for names moved by inserted rows or columns."""
    rows = code_rows(book, sheet) if rows is None else rows
    if places is None:
        places = _places(catalog, sheet, rows, tuple(rows.get(node.code) for node in _nodes(catalog)))
    names = book.names
    if all(names.get(name, place) == place for name, place in places.items()):
        return _rows_inserted_between(book, sheet, catalog, rows, file)
    # Rows or columns inserted move every name below together: read, with a warning (issue 20, item 2).
    shift = excel_shift(book, sheet, catalog, places, rows)
    found = [_moved(name, names[name], place, file) for name, place in places.items()
             if names.get(name, place) != place and name not in shift.names]
    if shift.names:
        shift.rows |= inserted_rows(book, sheet, catalog, rows) if rows_moved(catalog, rows) else set()
        found.append(issue("ID_ROWS_SHIFTED", shift_message(file, sheet, shift), file=file, sheet=sheet))
    return found


def _rows_inserted_between(book: Book, sheet: str, catalog: Catalog, rows: dict[str, int], file: str) -> list[Issue]:
    """Every name in place, yet the indicator rows moved: rows inserted between indicators (or
    above them). Nothing moved apart, but the city's inserted text is never scored: say so."""
    if not rows_moved(catalog, rows):
        return []
    inserted = inserted_rows(book, sheet, catalog, rows)
    if not inserted:
        return []
    shift = Shift(rows=inserted)
    return [issue("ID_ROWS_SHIFTED", shift_message(file, sheet, shift), file=file, sheet=sheet)]


def labelled_moves(book: Book, sheet: str, labels: dict[str, str], file: str) -> list[Issue]:
    """ID_NAME_MOVED for a name of a label/value sheet (the cover's city, 填报信息) pointing anywhere
    but the value cell (column B) beside its label (column A), as rebuild_labelled places them."""
    rows: dict[str, int] = {}
    for index, value in enumerate(book.column(sheet, 0)):
        label = str(value).strip()
        if label in labels:
            rows.setdefault(labels[label], index)
    places = {name: (sheet, f"B{row + 1}") for name, row in rows.items()}
    names = book.names
    return [_moved(name, names[name], place, file) for name, place in places.items()
            if names.get(name, place) != place]


def _moved(name: str, target: tuple[str, str], place: tuple[str, str], file: str) -> Issue:
    return issue("ID_NAME_MOVED", f"文件 {file} 的定义名称 {name} 指向“{target[0]}”!{target[1]}，按下发的模板应指向"
                                  f"“{place[0]}”!{place[1]}；定义名称被改动，本文件不计分，请使用下发的原始模板重新填报",
                 file=file, sheet=target[0], cell=target[1])


# Every return of one template carries the same locked content, so a clean verdict is remembered.
# It depends only on whether each indicator's code row exists and on that row's name and weight
# cells: those values (with their types, as 1 == 1.0 == True but they read differently) and the
# catalog are the key. Only clean verdicts are kept, so any edit gives a new key, checked in full.
_CLEAN_LOCKED: dict[tuple, Catalog] = {}  # key: (weights checked, *_locked_key)


def _locked_key(book: Book, sheet: str, rows: dict[str, int], catalog: Catalog) -> tuple:
    found = tuple(rows.get(node.code) for node in _nodes(catalog))  # None: no row (in the key too)
    positions = tuple((row, col) for row in found if row is not None for col in locked_columns(book, sheet)[1:])
    cells = book.values(sheet, positions)
    return id(catalog), found, tuple(cells), tuple(map(type, cells))



def _template_edits(book: Book, rows: dict[str, int], sheet: str, catalog: Catalog,
                    file: str, weights: bool = True) -> list[Issue]:
    found = []
    for node in _nodes(catalog):
        where = {"file": file, "sheet": sheet, "indicator": node.code}
        if node.code not in rows:
            found.append(issue("ID_TEMPLATE_EDITED", f"工作表“{sheet}”中找不到指标 {node.code}（{node.name}）的行，"
                                                     "锁定内容被删除或修改，请使用下发的原始模板重新填报", **where))
            continue
        found += _row_edits(book, rows[node.code], node, where, weights)
    return found


def _row_edits(book: Book, row: int, node, where: dict, weights: bool = True) -> list[Issue]:
    _code, name_col, weight_col = locked_columns(book, where["sheet"])
    at = {**where, "cell": f"{column_letters(name_col)}{row + 1}"}
    name = PROVISIONAL_SUFFIX.sub("", str(book.value(where["sheet"], row, name_col)).strip())
    weight = _number(book.value(where["sheet"], row, weight_col)) if weights else None
    if weight is not None and weight != node.weight:
        at["cell"] = f"{column_letters(weight_col)}{row + 1}"
        return [issue("ID_TEMPLATE_EDITED", f"{at['sheet']}!{at['cell']} 指标 {node.code} 的权重被改为 {show_number(weight)}，"
                                            f"应为 {show_number(node.weight)}；锁定内容不得修改，本文件不计分", **at)]
    if name == node.name:
        return []
    if _loose(name) == _loose(node.name):
        return [issue("ID_TEMPLATE_COSMETIC", f"{at['sheet']}!{at['cell']} 指标 {node.code} 的名称空格或全半角有改动，"
                                              "不影响计分", **at)]
    return [issue("ID_TEMPLATE_EDITED", f"{at['sheet']}!{at['cell']} 指标 {node.code} 的名称被改为“{name}”，"
                                        f"应为“{node.name}”；锁定内容不得修改，本文件不计分", **at)]


def names_lost(book: Book, catalog: Catalog) -> bool:
    """True when most of the catalog's input names are gone from the workbook."""
    wanted = [item.name for _, _, item in catalog.inputs()]
    present = sum(1 for name in wanted if name in book.names)
    return present * 2 < len(wanted)


def rebuild_names(book: Book, catalog: Catalog, sheet: str) -> int:
    """Put back the names of one indicator sheet from its code rows; returns how many."""
    rows = code_rows(book, sheet)
    added = 0
    for second, sub, item in catalog.inputs():
        owner = sub or second
        if owner.code not in rows:
            continue
        offset = list(owner.inputs).index(item) + 1
        added += _add(book, item.name, sheet, rows[owner.code] + offset, COL_VALUE)
    for node in _nodes(catalog):
        if node.code in rows:
            added += _add(book, score_name(node.code), sheet, rows[node.code], COL_SCORE)
    for sub in catalog.sub_items():
        if sub.code in rows:
            added += _add(book, source_name(sub.code), sheet, rows[sub.code], COL_SOURCE)
            added += _add(book, remark_name(sub.code), sheet, rows[sub.code], COL_REMARK)
    return added


def rebuild_labelled(book: Book, sheet: str, labels: dict[str, str]) -> int:
    """Names of label/value sheets (填报信息, the cover): label in column A, value in column B."""
    added = 0
    for index, row in enumerate(book.rows(sheet)):
        label = str(row[0]).strip() if row else ""
        if label in labels:
            added += _add(book, labels[label], sheet, index, 1)
    return added


def filer_labels() -> dict[str, str]:
    return {label: name for name, label in FILER_FIELDS.items()}


def _add(book: Book, name: str, sheet: str, row: int, col: int) -> int:
    if name in book.names:
        return 0
    book.names[name] = (sheet, f"{column_letters(col)}{row + 1}")
    return 1
