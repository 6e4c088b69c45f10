"""填报信息: who filled the workbook, how to reach them, and the data cut-off attestation."""
from __future__ import annotations

from sctemplates.layout import ATTEST_CHOICE, FILER_ATTEST, FILER_DATE, FILER_FIELDS, SHEET_FILER
from sctemplates.model import Catalog
from sctemplates.render import formulas
from sctemplates.render.formats import row_height
from sctemplates.render.input_cells import clip

# Why each field is asked for, shown beside the cell and as its input message.
HINTS = {
    "SC_FILER_NAME": "负责本表数据汇总的人员姓名",
    "SC_FILER_DEPT": "填报单位全称及具体部门",
    "SC_FILER_PHONE": "便于核实数据时联系，手机或座机",
    "SC_FILER_EMAIL": "审核结果和问题清单将发送至此邮箱",
    FILER_DATE: "格式：2016-12-20",
}
DATE_FIELD, ATTEST_FIELD = FILER_DATE, FILER_ATTEST


def attestation(catalog: Catalog) -> str:
    cutoff = catalog.data_cutoff or "通知规定的时间"
    return f"本单位承诺：所填数据统计截止时间为{cutoff}，数据真实、准确、完整。请在下拉列表中选择“{ATTEST_CHOICE}”。"


def write_filer(sheet, catalog: Catalog, attest_list: str) -> None:
    ws, fmt = sheet.worksheet, sheet.formats
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 36)
    ws.set_column(2, 2, 70)
    ws.merge_range(0, 0, 0, 2, "填报信息", fmt["title"])
    ws.set_row(0, 30)
    for col, heading in enumerate(("项目", "请填写", "说明")):
        ws.write_string(1, col, heading, fmt["header"])
    for row, (name, label) in enumerate(FILER_FIELDS.items(), start=2):
        hint = attestation(catalog) if name == ATTEST_FIELD else HINTS.get(name, "")
        _write_field(sheet, row, name, label, hint, attest_list)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(0, 1)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


def _write_field(sheet, row: int, name: str, label: str, hint: str, attest_list: str) -> None:
    ws, fmt = sheet.worksheet, sheet.formats
    ws.write_string(row, 0, label, fmt["first"])
    ws.write_blank(row, 1, None, fmt["input_date" if name == DATE_FIELD else "input"])
    ws.write_string(row, 2, hint, fmt["cell"])
    ws.set_row(row, row_height([(hint, 70)]))
    sheet.workbook.define_name(name, "=" + formulas.cell(row, 1, SHEET_FILER))
    options = {"input_title": clip(label, 32), "input_message": clip(hint, 255)}
    if name == ATTEST_FIELD:
        options.update(validate="list", source="=" + attest_list, error_type="stop",
                       error_title="请从下拉列表选择", error_message=f"请选择“{ATTEST_CHOICE}”。")
    else:
        options.update(validate="any")
    ws.data_validation(row, 1, row, 1, options)
