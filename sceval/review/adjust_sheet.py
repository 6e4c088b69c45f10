"""The batch form of review adjustments: 调整.xlsx, one adjustment a row (sceval adjust --from).

`sceval adjust template 调整.xlsx` writes the empty form with Chinese headers and a note on
each; the reviewers fill one row per corrected value. Reading goes by header text, not
position, so columns may be moved; blank rows are skipped. The workbook is read with openpyxl in
read-only, values-only mode: its formulas are never evaluated, only their saved values read.
"""
from __future__ import annotations

from pathlib import Path

from sctemplates.atomic import atomic_path

from sceval.errors import unreadable_reason
from sceval.review.adjustments import AdjustmentProblem, Request

SHEET = "审核调整"
COLUMNS = {  # header -> (Request field, note shown on the header)
    "城市": ("city", "城市代码或名称，如 330100 或 杭州市"),
    "输入项": ("input", "定义名称（见 sceval catalog --json 的 inputs[].name）或分项编码"),
    "角色": ("role", "分项有多个输入项时填写：numerator / denominator 或输入项名称；只有一个时留空"),
    "调整值": ("value", "核实后的数值或分档名称，写法与城市填报相同（如 1200、35%、82.3分）"),
    "原因": ("why", "必填：调整依据，如“电话核实，以佐证材料为准”"),
    "调整人": ("by", "可留空：默认为运行命令的用户"),
}
REQUIRED = ("城市", "输入项", "调整值", "原因")
MAX_ROWS = 5000


def write_template(path) -> Path:
    """The empty 调整.xlsx, written atomically."""
    import xlsxwriter

    path = Path(path)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False})
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        sheet = book.add_worksheet(SHEET)
        for col, (header, (_, note)) in enumerate(COLUMNS.items()):
            sheet.write_string(0, col, header, head)
            sheet.write_comment(0, col, note)
            sheet.set_column(col, col, 40 if header == "原因" else 18)
        sheet.freeze_panes(1, 0)
        book.close()
    return path


def _header_map(first_row: tuple) -> dict[str, int]:
    found = {str(v).strip(): i for i, v in enumerate(first_row) if v is not None}
    missing = [h for h in REQUIRED if h not in found]
    if missing:
        raise AdjustmentProblem(f"调整表第 1 行缺少表头：{'、'.join(missing)}（请用 sceval adjust template 生成调整表）")
    return {h: found[h] for h in COLUMNS if h in found}


def read_requests(path) -> list[Request]:
    """Every filled row of the form as a Request naming its row; AdjustmentProblem when the
    workbook cannot be read or has no such headers."""
    import openpyxl

    path = Path(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same message
        raise AdjustmentProblem(f"无法读取调整表 {path.name}（{unreadable_reason(exc) or exc}）") from exc
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_row=MAX_ROWS)
        headers = _header_map(next(rows, ()))
        return [r for n, row in enumerate(rows, start=2) if (r := _request(row, headers, f"{path.name} 第 {n} 行"))]
    finally:
        book.close()


def _request(row: tuple, headers: dict[str, int], where: str) -> Request | None:
    values = {COLUMNS[h][0]: (row[i] if i < len(row) else None) for h, i in headers.items()}
    if all(v is None or str(v).strip() == "" for v in values.values()):
        return None
    text = {k: "" if v is None else str(v).strip() for k, v in values.items() if k != "value"}
    return Request(text.get("city", ""), text.get("input", ""), values.get("value"), text.get("why", ""),
                   text.get("role", ""), text.get("by", ""), where)
