"""`sceval export`: a round's scores as one flat table (CSV or Excel) for analysts.

One row per city (sceval.reports.tables.city_rows), or with ``long`` one row per city ×
indicator. CSV is UTF-8 with a BOM, so Excel opens the Chinese headings correctly; scores are
written as their exact 2-decimal text. Text that a spreadsheet would take for a formula gets a
leading apostrophe (it came from a city's file: nothing from a file is ever executed).
Written to a temporary file and renamed, like every output.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sctemplates.atomic import atomic_path

SUFFIXES = (".csv", ".xlsx")
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Exported:
    path: Path
    rows: int
    issues: list = field(default_factory=list)  # the merge's warnings (hand-edited visible numbers)


def export_results(paths, out, long: bool = False) -> Exported:
    """Write the table of these results.json files / summary workbooks to ``out`` (.csv or .xlsx).
    Raises ValueError for another suffix, and ResultsRefused when the inputs cannot be merged."""
    from sceval.reports.tables import city_rows, load_round, score_rows

    out = Path(out)
    if out.suffix.lower() not in SUFFIXES:
        raise ValueError(f"输出文件 {out.name} 的扩展名应为 .csv 或 .xlsx")
    data, issues = load_round(paths)
    rows = score_rows(data) if long else city_rows(data)
    headings = list(rows[0]) if rows else []
    with atomic_path(out) as tmp:
        (_write_csv if out.suffix.lower() == ".csv" else _write_xlsx)(tmp, headings, rows)
    return Exported(out, len(rows), issues)


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def _write_csv(path: Path, headings: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(headings)
        writer.writerows([csv_text(row[h]) for h in headings] for row in rows)


def _write_xlsx(path: Path, headings: list[str], rows: list[dict]) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                               "strings_to_urls": False})
    ws = workbook.add_worksheet("计分结果")
    bold, score = workbook.add_format({"bold": True}), workbook.add_format({"num_format": "0.00"})
    ws.write_row(0, 0, headings, bold)
    for r, row in enumerate(rows, start=1):
        for c, heading in enumerate(headings):
            _write_cell(ws, r, c, row[heading], score)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(len(rows), 1), max(len(headings) - 1, 0))
    ws.set_column(0, max(len(headings) - 1, 0), 12)
    workbook.close()


def _write_cell(ws, row: int, col: int, value, score) -> None:
    if value is None:
        return
    if isinstance(value, Decimal):  # Excel holds doubles: shown with 0.00, as in the summary
        ws.write_number(row, col, float(value), score)
    elif isinstance(value, int):
        ws.write_number(row, col, value)
    else:
        ws.write_string(row, col, str(value))
