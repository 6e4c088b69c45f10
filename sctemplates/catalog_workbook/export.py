"""Write the catalog mapping (what the YAML holds) as an editable workbook.

One sheet per level of the tree plus units, scales and inputs; Chinese headers, a frozen header
row, widths, and drop-downs (data validation lists) for method kinds, roles, units, scales and
yes/no columns. The reader (``read.py``) turns the workbook back into the same mapping.
"""
from __future__ import annotations

from pathlib import Path

import xlsxwriter

from sctemplates.strict_yaml import dump_plain
from sctemplates.atomic import atomic_path
from sctemplates.methods import METHODS
from sctemplates.model import defined_name
from sctemplates.catalog_workbook import extra
from sctemplates.catalog_workbook import sheets as S


def write_catalog_workbook(data: dict, target: str | Path) -> Path:
    """Write ``data`` (a catalog mapping, already checked) to ``target`` atomically."""
    target = Path(target)
    with atomic_path(target) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        _Writer(book, data).write()
        book.close()
    return target


def catalog_rows(data: dict) -> dict[str, list[dict]]:
    """Sheet name -> its rows (column key -> value), in the order they are written."""
    firsts = data.get("indicators") or []
    seconds = [(f, s) for f in firsts for s in f.get("children") or []]
    subs = [(s, sub) for _f, s in seconds for sub in s.get("sub_items") or []]
    return {
        S.SHEET_INFO: _info_rows(data), S.SHEET_UNITS: _unit_rows(data), S.SHEET_SCALES: _scale_rows(data),
        S.SHEET_FIRST: [{k: f.get(k) for k in ("code", "name", "weight", "kind")} for f in firsts],
        S.SHEET_SECOND: [_second_row(f, s) for f, s in seconds],
        S.SHEET_SUB: [_sub_row(s, sub) for s, sub in subs],
        S.SHEET_INPUTS: _input_rows(data, [n for _f, s in seconds for n in (s, *(s.get("sub_items") or []))]),
        S.SHEET_OTHER: [{"key": k, "value": _yaml_text(v)} for k, v in _other_items(data)
                        if extra.layout_of(v) == "yaml"],
    }


def _info_rows(data: dict) -> list[dict]:
    keys = [k for k in data if k not in S.STRUCTURED_KEYS and not isinstance(data[k], (dict, list))]
    return [{"label": S.INFO_LABELS.get(k, k), "key": k, "value": data[k]} for k in keys]


def _other_items(data: dict) -> list[tuple[str, object]]:
    return [(k, v) for k, v in data.items() if k not in S.STRUCTURED_KEYS and isinstance(v, (dict, list))]


def _yaml_text(value) -> str:
    return dump_plain(value, default_flow_style=None).strip()


def _unit_rows(data: dict) -> list[dict]:
    kinds = {kind: label for label, kind in S.UNIT_KINDS.items()}
    return [{"unit": unit, "integer": kinds.get(kind, kind)} for unit, kind in (data.get("units") or {}).items()]


def _scale_rows(data: dict) -> list[dict]:
    return [{"scale": name, "label": c.get("label"), "fraction": c.get("fraction")}
            for name, choices in (data.get("scales") or {}).items() for c in choices or []]


def _provisional(raw: dict) -> dict:
    marked = [str(p) for p in raw.get("provisional") or ()]
    fixed = (*S.PROVISIONAL_FIXED, *S.param_keys())
    row = {f"provisional:{f}": S.YES if f in marked else S.NO for f in fixed}
    row["provisional:other"] = "、".join(p for p in marked if p not in fixed)
    return row


def _method_label(method) -> str:
    kind = METHODS.get(str(method or ""))
    return kind.label if kind else (method or "")


def _second_row(first: dict, second: dict) -> dict:
    row = {"parent": first.get("code"), **{k: second.get(k) for k in ("code", "name", "weight", "about")}}
    return {**row, "method": _method_label(second.get("method")), **_provisional(second)}


def _sub_row(second: dict, sub: dict) -> dict:
    row = {"parent": second.get("code"), **{k: sub.get(k) for k in ("code", "name", "weight", "scale", "requirement")}}
    row.update({k: sub.get(k) for k in S.param_keys()})
    return {**row, "method": _method_label(sub.get("method")), **_provisional(sub)}


def _input_rows(data: dict, owners: list[dict]) -> list[dict]:
    units = data.get("units") or {}
    rows = []
    for owner in owners:
        kind = METHODS.get(str(owner.get("method") or ""))
        for role in S.ROLE_LABELS:
            spec = owner.get(role)
            if not isinstance(spec, dict):
                continue
            rows.append({
                "code": owner.get("code"), "role": S.ROLE_LABELS[role], "label": spec.get("label"),
                "unit": spec.get("unit"), "min": spec.get("min"), "max": spec.get("max"),
                "name": defined_name(str(owner.get("code")), role),
                "integer": S.YES if units.get(spec.get("unit")) == "integer" else S.NO,
                "source": S.SOURCE_LABELS.get(kind.source if kind else "", ""),
            })
    return rows


class _Writer:
    def __init__(self, book, data: dict):
        self.book, self.data = book, data
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                       "valign": "vcenter", "font_name": "宋体"})
        self.auto_header = book.add_format({"bold": True, "bg_color": "#E7E6E6", "border": 1, "text_wrap": True,
                                            "valign": "vcenter", "font_name": "宋体"})
        self.cell = book.add_format({"text_wrap": True, "valign": "top", "font_name": "宋体"})
        self.auto = book.add_format({"font_color": "#7F7F7F", "valign": "top", "font_name": "宋体"})
        self.lists: dict[str, str] = {}

    def write(self) -> None:
        self._guide()
        rows = catalog_rows(self.data)
        lists = self._lists(rows)
        for name, columns in S.SHEET_COLUMNS.items():
            self._sheet(name, columns, rows[name])
        for key, value in _other_items(self.data):
            if extra.layout_of(value) != "yaml":
                self._extra(extra.sheet_title(key), *extra.rows_of(value))
        self._lists_sheet(lists)

    def _guide(self) -> None:
        sheet = self.book.add_worksheet(S.SHEET_GUIDE)
        sheet.set_column(0, 0, 110, self.cell)
        sheet.write_string(0, 0, "新型智慧城市评价指标目录（可编辑工作簿）", self.header)
        for row, line in enumerate(S.GUIDE_LINES, start=1):
            sheet.write_string(row, 0, line)

    def _lists(self, rows: dict[str, list[dict]]) -> dict[str, list]:
        """The drop-downs' values (one column each of the hidden _lists sheet) and the ranges
        the validations use."""
        scales = list(dict.fromkeys(r["scale"] for r in rows[S.SHEET_SCALES]))
        columns = {"method": list(S.method_labels()), "role": list(S.ROLE_LABELS.values()),
                   "yesno": [S.YES, S.NO], "scale": scales or [""]}
        for col, (kind, values) in enumerate(columns.items()):
            letter = xlsxwriter.utility.xl_col_to_name(col)
            self.lists[kind] = f"='{S.SHEET_LISTS}'!${letter}$1:${letter}${len(values)}"
        units_end = len(rows[S.SHEET_UNITS]) + S.EXTRA_ROWS + 1
        self.lists["unit"] = f"='{S.SHEET_UNITS}'!$A$2:$A${units_end}"  # units an official adds count too
        return columns

    def _lists_sheet(self, columns: dict[str, list]) -> None:
        sheet = self.book.add_worksheet(S.SHEET_LISTS)  # last, so the sheets people edit come first
        for col, values in enumerate(columns.values()):
            sheet.write_column(0, col, [str(v) for v in values])
        sheet.hide()

    def _sheet(self, name: str, columns, rows: list[dict]) -> None:
        sheet = self.book.add_worksheet(name)
        sheet.freeze_panes(S.HEADER_ROW, 0)
        _printable(sheet)
        last = len(rows) + S.EXTRA_ROWS
        for col, column in enumerate(columns):
            auto = column.kind == "auto"
            sheet.set_column(col, col, column.width, self.auto if auto else self.cell)
            sheet.write_string(0, col, column.header, self.auto_header if auto else self.header)
            if column.note:
                sheet.write_comment(0, col, column.note)
            if column.kind == "number":
                sheet.data_validation(1, col, last, col, {
                    "validate": "decimal", "criteria": "between", "minimum": -1e12, "maximum": 1e12,
                    "ignore_blank": True, "error_title": "请填写数字",
                    "error_message": f"“{column.header}”只能填写数字（不要带单位或文字）"})
            if column.kind in self.lists:
                sheet.data_validation(1, col, last, col, {
                    "validate": "list", "source": self.lists[column.kind], "ignore_blank": True,
                    "error_title": "请从下拉列表选择", "error_message": f"“{column.header}”请从下拉列表中选择",
                    # units and scales an official adds on their own sheets are not in the list yet
                    "error_type": "warning" if column.kind in ("unit", "scale") else "stop"})
            for index, row in enumerate(rows, start=1):
                _write(sheet, index, col, row.get(column.key))
        sheet.set_row(0, 32)


    def _extra(self, title: str, headers: list[str], rows: list[list]) -> None:
        sheet = self.book.add_worksheet(title)
        sheet.freeze_panes(S.HEADER_ROW, 0)
        for col, text in enumerate(headers):
            sheet.set_column(col, col, max(12, min(40, 2 * len(text))), self.cell)
            sheet.write_string(0, col, text, self.header)
        for index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                _write(sheet, index, col, value)
        sheet.set_row(0, 32)


def _printable(sheet) -> None:
    """Printed on A4 landscape, one page wide, the header row on every page (for review meetings)."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)


def _write(sheet, row: int, col: int, value) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))


def write_catalog(data: dict, target: str | Path) -> Path:
    """The catalog mapping to ``target``: a workbook for .xlsx, YAML text otherwise."""
    from sctemplates.catalog_files import is_workbook

    if is_workbook(target):
        return write_catalog_workbook(data, target)
    from sctemplates.atomic import write_text_atomic

    write_text_atomic(target, dump_plain(data))
    return Path(target)
