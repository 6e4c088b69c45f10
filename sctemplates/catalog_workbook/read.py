"""Read a catalog workbook back into the mapping the catalog YAML holds.

Columns are found by their header, rows are attached to their parent by its code, and every
value keeps the cell it came from, so ``place`` can put each problem the catalog rules find
(``sctemplates.catalog``) on its sheet and cell. Nothing in the file is executed: openpyxl reads
saved values only (a formula counts by the result the office suite saved).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from sctemplates.catalog_files import CatalogError
from sctemplates.catalog_workbook import extra
from sctemplates.catalog_workbook import sheets as S
from sctemplates.strict_yaml import strict_load, yaml_reason

MAX_ROWS = 5_000  # rows read per sheet of a catalog workbook (the 2016 catalog: ~160 in 输入项)
MAX_PART_BYTES = 16 * 1024 * 1024  # inflated XML of one part (5,000 rows: < 2 MB)


@dataclass
class Row:
    sheet: str
    number: int  # 1-based Excel row
    values: dict
    letters: dict  # column key -> column letter

    def cell(self, key: str) -> str:
        return f"{self.letters.get(key, 'A')}{self.number}"

    def where(self, key: str) -> str:
        return f"工作表“{self.sheet}”{self.cell(key)}"


@dataclass
class WorkbookData:
    """The mapping read from a workbook, the problems found while reading, and where each
    indicator and input sits (for placing the catalog rules' problems)."""

    data: dict
    problems: list[str] = field(default_factory=list)
    nodes: dict[str, list[Row]] = field(default_factory=dict)  # code -> its rows (all, for duplicates)
    inputs: dict[tuple[str, str], Row] = field(default_factory=dict)  # (code, role) -> row
    children: dict[str, list[Row]] = field(default_factory=dict)  # parent code -> child rows
    info: dict[str, Row] = field(default_factory=dict)

    def place(self, problem: str) -> str:
        where = _where(self, getattr(problem, "code", ""), getattr(problem, "field", ""))
        return f"{where}：{problem}" if where else str(problem)


def read_workbook_data(path: Path) -> WorkbookData:
    import openpyxl

    _refuse_oversized_parts(path)
    try:  # read_only: rows stream from the XML, so a 1,000,000-row sheet is never held (issue 21, item 6)
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # any unreadable file is reported, never raised as a traceback
        raise CatalogError(str(path), [f"无法读取工作簿：{type(exc).__name__} {exc}"]) from None
    try:
        return _read_book(book, path)
    finally:
        book.close()


def _read_book(book, path: Path) -> WorkbookData:
    missing = [name for name in S.REQUIRED_SHEETS if name not in book.sheetnames]
    if missing:
        raise CatalogError(str(path), [f"缺少工作表“{name}”" for name in missing])
    read = WorkbookData(data={})
    tables = {name: _table(book[name], S.SHEET_COLUMNS[name], read.problems)
              for name in S.SHEET_COLUMNS if name in book.sheetnames}
    _Assembler(read, tables).assemble()
    for name in extra.extra_sheet_names(book.sheetnames):
        _read_extra(book[name], read.data, read.problems)
    return read


def _refuse_oversized_parts(path: Path) -> None:
    """A part far past any catalog's size is refused before openpyxl scans it (it reads a whole
    sheet once just to size it when the sheet states no dimension: 27 s for a million rows)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            large = [i.filename for i in archive.infolist() if i.file_size > MAX_PART_BYTES]
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what is wrong with it
    if large:
        raise CatalogError(str(path), [f"工作簿的部件 {large[0]} 解压后超过 {MAX_PART_BYTES:,} 字节"
                                       "（指标目录不会有这么多内容），未读取"])


def bounded_rows(sheet, problems: list[str]):
    """(row number, values) of a sheet, at most MAX_ROWS of them: a catalog has ~200 rows; past
    the bound the rest is not read and the problem says so."""
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            problems.append(f"工作表“{sheet.title}”超过 {MAX_ROWS:,} 行（指标目录不会有这么多行），其后的行未读取")
            return
        yield number, list(values)


def _read_extra(sheet, data: dict, problems: list[str]) -> None:
    """A settings sheet of its own (see extra.py): its title names the YAML key."""
    grid = [[_clean(v) for v in row] for _, row in bounded_rows(sheet, problems)]
    if not grid or not any(grid[0]):
        return
    width = max(i + 1 for i, v in enumerate(grid[0]) if v is not None)
    headers = [str(v) if v is not None else "" for v in grid[0][:width]]
    rows = [row[:width] + [None] * (width - len(row)) for row in grid[1:] if any(v is not None for v in row)]
    data[extra.key_of_title(sheet.title)] = extra.value_of(headers, rows)


def _table(sheet, columns, problems: list[str]) -> list[Row]:
    from openpyxl.utils import get_column_letter

    rows, positions, letters = [], {}, {}
    for number, cells in bounded_rows(sheet, problems):
        if number == S.HEADER_ROW:
            positions = _columns(cells, columns, sheet.title, problems)
            letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
        elif number > S.HEADER_ROW:
            values = {key: _clean(cells[index] if index < len(cells) else None) for key, index in positions.items()}
            if any(v is not None for k, v in values.items() if not _is_auto(columns, k)):
                rows.append(Row(sheet.title, number, values, letters))
    return rows


def _columns(header_cells, columns, title: str, problems: list[str]) -> dict[str, int]:
    """Column key -> 0-based position, found by header text; a missing column is a problem."""
    headers = {str(value).strip(): index for index, value in enumerate(header_cells) if value is not None}
    found = {}
    for column in columns:
        if column.header in headers:
            found[column.key] = headers[column.header]
        elif column.kind != "auto":
            problems.append(f"工作表“{title}”第 {S.HEADER_ROW} 行：缺少列“{column.header}”")
    return found


def _is_auto(columns, key: str) -> bool:
    return any(c.key == key and c.kind == "auto" for c in columns)


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def number(value):
    """A number cell as YAML would hold it (int or float); numeric text too; other text as is,
    for the catalog rules to report as not a number."""
    if not isinstance(value, str):
        return value
    try:
        parsed = Decimal(value.replace(",", ""))
    except InvalidOperation:
        return value
    if not parsed.is_finite():
        return value
    return int(parsed) if parsed == parsed.to_integral_value() else float(parsed)


def text(value) -> str | None:
    return None if value is None else str(value)


class _Assembler:
    """Builds the YAML-shaped mapping from the sheets' rows, noting each row's place."""

    def __init__(self, read: WorkbookData, tables: dict[str, list[Row]]):
        self.read, self.tables, self.problems = read, tables, read.problems
        self.data = read.data

    def assemble(self) -> None:
        self._info()
        self.data["units"] = self._units()
        self.data["scales"] = self._scales()
        firsts = {row.values.get("code"): self._first(row) for row in self._coded(S.SHEET_FIRST)}
        seconds = {row.values.get("code"): self._attach(row, firsts, "children", self._second(row))
                   for row in self._coded(S.SHEET_SECOND)}
        owners = dict(seconds)
        for row in self._coded(S.SHEET_SUB):
            owners.setdefault(row.values.get("code"), self._attach(row, seconds, "sub_items", self._sub(row)))
        self._inputs(owners)
        self.data["indicators"] = [node for node in firsts.values()]
        self._other()

    def _info(self) -> None:
        for row in self.tables[S.SHEET_INFO]:
            key = text(row.values.get("key"))
            if not key:
                self.problems.append(f"{row.where('key')}：键为空")
                continue
            self.read.info[key] = row
            self.data[key] = row.values.get("value")

    def _other(self) -> None:
        for row in self.tables.get(S.SHEET_OTHER, []):
            key = text(row.values.get("key"))
            try:
                value = strict_load(str(row.values.get("value") or ""))  # no alias bombs in a cell
            except yaml.YAMLError as exc:
                self.problems.append(f"{row.where('value')}：{yaml_reason(exc)}")
                continue
            if key:
                self.data[key] = value

    def _units(self) -> dict:
        units: dict = {}
        for row in self.tables[S.SHEET_UNITS]:
            unit = text(row.values.get("unit"))
            if unit in units:
                self.problems.append(f"{row.where('unit')}：单位“{unit}”重复")
            units[unit] = S.UNIT_KINDS.get(self._yes_no(row, "integer"), "decimal")
        return units

    def _scales(self) -> dict:
        scales: dict = {}
        for row in self.tables[S.SHEET_SCALES]:
            fraction = number(row.values.get("fraction"))
            if not isinstance(fraction, (int, float)) or isinstance(fraction, bool):
                self.problems.append(f"{row.where('fraction')}：得分比例 {fraction!r} 不是数字")
                fraction = 0
            choice = {"label": text(row.values.get("label")), "fraction": fraction}
            scales.setdefault(text(row.values.get("scale")), []).append(choice)
        return scales

    def _coded(self, sheet: str) -> list[Row]:
        """Rows with a code, each noted under its code (a repeated code keeps all its rows)."""
        rows = []
        for row in self.tables[sheet]:
            code = text(row.values.get("code"))
            if not code:
                self.problems.append(f"{row.where('code')}：编码为空")
                continue
            row.values["code"] = code
            self.read.nodes.setdefault(code, []).append(row)
            rows.append(row)
        return rows

    def _attach(self, row: Row, parents: dict, key: str, node: dict) -> dict:
        parent = text(row.values.get("parent"))
        if parent not in parents:
            self.problems.append(f"{row.where('parent')}：上级指标编码“{parent or ''}”不存在")
            return node
        parents[parent].setdefault(key, []).append(node)
        self.read.children.setdefault(parent, []).append(row)
        return node

    def _first(self, row: Row) -> dict:
        node = self._node(row, ("code", "name", "kind"))
        node["children"] = []
        return node

    def _second(self, row: Row) -> dict:
        return {**self._node(row, ("code", "name", "about")), **self._method(row), **self._provisional(row)}

    def _sub(self, row: Row) -> dict:
        node = {**self._node(row, ("code", "name", "scale", "requirement")), **self._method(row)}
        node.update({k: number(row.values[k]) for k in S.param_keys() if row.values.get(k) is not None})
        return {**node, **self._provisional(row)}

    def _node(self, row: Row, texts: tuple[str, ...]) -> dict:
        node = {k: text(row.values[k]) for k in texts if row.values.get(k) is not None}
        node["weight"] = number(row.values.get("weight"))
        return node

    def _method(self, row: Row) -> dict:
        raw = text(row.values.get("method"))
        return {"method": S.method_labels().get(raw, raw)} if raw else {}

    def _provisional(self, row: Row) -> dict:
        facts = [f for f in (*S.PROVISIONAL_FIXED, *S.param_keys())
                 if self._yes_no(row, f"provisional:{f}") == S.YES]
        other = text(row.values.get("provisional:other")) or ""
        facts += [word.strip() for word in other.replace(",", "、").replace("，", "、").split("、") if word.strip()]
        return {"provisional": facts} if facts else {}

    def _yes_no(self, row: Row, key: str) -> str:
        value = text(row.values.get(key)) or S.NO
        if value not in (S.YES, S.NO):
            self.problems.append(f"{row.where(key)}：应填“是”或“否”，实为“{value}”")
        return value

    def _inputs(self, owners: dict) -> None:
        roles = {label: role for role, label in S.ROLE_LABELS.items()} | {r: r for r in S.ROLE_LABELS}
        for row in self.tables[S.SHEET_INPUTS]:
            code, role = text(row.values.get("code")), roles.get(text(row.values.get("role")) or "")
            if code not in owners:
                self.problems.append(f"{row.where('code')}：指标编码“{code or ''}”不存在")
            elif role is None:
                self.problems.append(f"{row.where('role')}：角色“{row.values.get('role') or ''}”无效"
                                     f"（可选：{'、'.join(S.ROLE_LABELS.values())}）")
            elif role in owners[code]:
                self.problems.append(f"{row.where('role')}：指标 {code} 的输入“{S.ROLE_LABELS[role]}”重复")
            else:
                owners[code][role] = self._spec(row)
                self.read.inputs[(code, role)] = row

    def _spec(self, row: Row) -> dict:
        spec = {k: text(row.values[k]) for k in ("label", "unit") if row.values.get(k) is not None}
        spec.update({k: number(row.values[k]) for k in ("min", "max") if row.values.get(k) is not None})
        return spec


def _where(read: WorkbookData, code: str, field: str) -> str:
    """Sheet and cell of a catalog rule's problem, from its (code, field); "" when unknown."""
    if field == "first_weights":
        return _span(_all_rows(read, S.SHEET_FIRST), "weight")
    if field == "child_weights":
        return _span(read.children.get(code, []), "weight")
    if not code and field in read.info:
        return read.info[field].where("value")
    role, _, attr = field.replace(" ", ".").partition(".")
    if (code, role) in read.inputs:
        return read.inputs[(code, role)].where(attr or "label")
    rows = read.nodes.get(code)
    if not rows:
        return ""
    if field == "duplicate":
        return rows[-1].where("code")
    key = field if field in rows[0].letters else "method"
    return rows[0].where(key)


def _all_rows(read: WorkbookData, sheet: str) -> list[Row]:
    return [rows[0] for rows in read.nodes.values() if rows[0].sheet == sheet]


def _span(rows: list[Row], key: str) -> str:
    if not rows:
        return ""
    cells = [row.cell(key) for row in rows]
    numbers = [row.number for row in rows]
    contiguous = numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    shown = f"{cells[0]}:{cells[-1]}" if contiguous and len(cells) > 1 else "、".join(cells)
    return f"工作表“{rows[0].sheet}”{shown}"
