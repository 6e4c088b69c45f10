"""Comparing an output on disk with its recomputation: results.json by value, workbooks cell by cell.

Generic on purpose: every sheet of every workbook and every key of results.json are compared,
so a sheet or field added later is covered without a change here.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sceval.reports.summary.embedded import SHEET as EMBEDDED_SHEET

# Differ between two honest writes of the same state: when and where it was written.
VOLATILE_KEYS = frozenset({"generated_at"})
# …and in a workbook's heading, the day it was written ("生成日期：2026-12-07"), not the state.
WRITTEN_ON = re.compile(r"(生成(?:日期|时间)：)\S+")
MAX_PER_FILE = 50  # a wholly different workbook is named, not listed to the last cell


@dataclass(frozen=True)
class Disagreement:
    file: str
    where: str  # "工作表“汇总”单元格 D5", "cities[3].total", or ""
    shown: str
    recomputed: str

    def message(self) -> str:
        place = f" {self.where}" if self.where else ""
        return f"{self.file}{place}：显示为 {self.shown}，按当前状态重新计算应为 {self.recomputed}"


def compare_json(shown_path: Path, recomputed: dict, name: str) -> list[Disagreement]:
    try:
        shown = json.loads(Path(shown_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [Disagreement(name, "", f"无法读取（{exc}）", "可读取的 JSON")]
    found: list[Disagreement] = []
    _walk(_normal(shown), _normal(recomputed), "", name, found)
    return found[:MAX_PER_FILE]


def _normal(value):
    """JSON as it reads back: volatile keys dropped, tuples as lists."""
    return json.loads(json.dumps({k: v for k, v in value.items() if k not in VOLATILE_KEYS}, ensure_ascii=False))


def _walk(shown, recomputed, where: str, name: str, found: list) -> None:
    if isinstance(shown, dict) and isinstance(recomputed, dict):
        for key in sorted(set(shown) | set(recomputed), key=str):
            _walk(shown.get(key, "（无）"), recomputed.get(key, "（无）"), f"{where}.{key}".lstrip("."), name, found)
    elif isinstance(shown, list) and isinstance(recomputed, list) and len(shown) == len(recomputed):
        for index, (one, other) in enumerate(zip(shown, recomputed)):
            _walk(one, other, f"{where}[{index}]", name, found)
    elif shown != recomputed:
        found.append(Disagreement(name, where, _text(shown), _text(recomputed)))


def _text(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "…"


def compare_workbooks(shown_path: Path, recomputed_path: Path, name: str) -> list[Disagreement]:
    """Every cell's value of every sheet (formulas as their text, as Excel keeps them)."""
    try:
        shown = _cells(shown_path)
    except Exception as exc:  # noqa: BLE001 - an unreadable view is a disagreement, not a crash
        return [Disagreement(name, "", f"无法读取（{type(exc).__name__}）", "可读取的工作簿")]
    recomputed = _cells(recomputed_path)
    found = [Disagreement(name, f"工作表“{sheet}”", "（无此工作表）" if sheet not in shown else "（多余的工作表）",
                          "（应有此工作表）" if sheet in recomputed else "（不应有此工作表）")
             for sheet in sorted(set(shown) ^ set(recomputed))]
    for sheet in [s for s in recomputed if s in shown]:
        if sheet == EMBEDDED_SHEET:  # compressed JSON: compared by value, generation times aside
            found += _compare_embedded(shown_path, recomputed_path, name)
            continue
        mine, theirs = shown[sheet], recomputed[sheet]
        for cell in sorted(set(mine) | set(theirs), key=_cell_order):
            if mine.get(cell) != theirs.get(cell):
                found.append(Disagreement(name, f"工作表“{sheet}”单元格 {cell}",
                                          _text(mine.get(cell, "（空）")), _text(theirs.get(cell, "（空）"))))
    return found[:MAX_PER_FILE]


def _compare_embedded(shown_path: Path, recomputed_path: Path, name: str) -> list[Disagreement]:
    """The results a summary carries (sceval.reports.summary.embedded), decoded on both sides."""
    from sceval.reports.summary.embedded import read_embedded

    shown, recomputed = read_embedded(shown_path, name), read_embedded(recomputed_path, name)
    if not shown.usable:
        return [Disagreement(name, f"工作表“{EMBEDDED_SHEET}”", "（内嵌的计分结果无法读取）", "（可读取的内嵌计分结果）")]
    found: list[Disagreement] = []
    _walk([_normal(r) for r in shown.results], [_normal(r) for r in recomputed.results],
          f"工作表“{EMBEDDED_SHEET}”", name, found)
    return found


def _cells(path: Path) -> dict[str, dict[str, object]]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: {cell.coordinate: _stable(cell.value) for row in ws.iter_rows() for cell in row
                           if cell.value not in (None, "") and hasattr(cell, "coordinate")}
                for ws in workbook.worksheets if hasattr(ws, "iter_rows")}
    finally:
        workbook.close()


def _stable(value):
    return WRITTEN_ON.sub(r"\1…", value) if isinstance(value, str) else value


def _cell_order(coordinate: str) -> tuple:
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    column, row = coordinate_from_string(coordinate)
    return row, column_index_from_string(column)


def compare_report(path: Path, results: dict, name: str) -> list[Disagreement]:
    """The tables of a 附件4 report (.docx) in the folder against the report the state gives:
    tables are matched by their header row (a table the other side lacks is not compared: the
    text around them is the officials' to edit), then cell by cell."""
    from docx import Document

    from sceval.reports.report.writer import build_report

    cases = Path(path).with_name("cases.json")
    recomputed = _docx_tables(build_report([results], cases if cases.is_file() else None, None)[0])
    try:
        shown = _docx_tables(Document(str(path)))
    except Exception as exc:  # noqa: BLE001 - an unreadable document is a disagreement, not a crash
        return [Disagreement(name, "", f"无法读取（{type(exc).__name__}）", "可读取的 Word 文档")]
    found = []
    for header, rows in recomputed.items():
        mine = shown.get(header)
        for index, (row, theirs) in enumerate(zip(mine or [], rows) if mine is not None else (), start=2):
            found += [Disagreement(name, f"表（{'、'.join(header[:3])}…）第 {index} 行第 {column} 列", a or "（空）", b or "（空）")
                      for column, (a, b) in enumerate(zip(row, theirs), start=1) if a != b]
        if mine is not None and len(mine) != len(rows):
            found.append(Disagreement(name, f"表（{'、'.join(header[:3])}…）", f"{len(mine)} 行", f"{len(rows)} 行"))
    return found[:MAX_PER_FILE]


def _docx_tables(document) -> dict[tuple, list[list[str]]]:
    """header row -> data rows (cell texts) of every table; a repeated header gets its ordinal."""
    tables: dict[tuple, list[list[str]]] = {}
    for table in document.tables:
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if rows:
            header = tuple(rows[0])
            while header in tables:
                header += ("（续）",)
            tables[header] = rows[1:]
    return tables
