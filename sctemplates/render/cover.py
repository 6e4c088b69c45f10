"""封面与填写说明: what the workbook is, for whom, how to fill it, and a live status panel."""
from __future__ import annotations

from sctemplates.layout import (
    COVER_CITY_CODE, COVER_CITY_NAME, OPTIONAL_TOTAL_SCORE, SHEET_COVER, SHEET_FILER,
    STATUS_FILLED, STATUS_INVALID, STATUS_REQUIRED, TOTAL_SCORE,
)
from sctemplates.model import Catalog
from sctemplates.roster import City
from sctemplates.render import formulas
from sctemplates.render.formats import LEGEND, row_height
from sctemplates.render.input_cells import BLANK_RULE
from sctemplates.render.indicator_sheet import SheetSummary

NO_CONTACT = "请与本省评价工作牵头部门联系"
LABEL_COL, VALUE_COL = 0, 1


def how_to_fill(catalog: Catalog) -> list[str]:
    return [
        "只在黄色单元格中填写；其他单元格已锁定（工作表保护未设密码，请勿取消保护或改动指标内容）。",
        "比例类指标分别填写分子、分母的数量，不填百分比；除注明可封顶的指标外，分子不应大于分母。",
        "分档类指标请从下拉列表中选择最符合实际情况的一档。",
        f"{BLANK_RULE}；请勿填写“无”“不适用”“—”等文字。",
        "请在“数据来源”栏注明数据出处（如统计年鉴、部门业务系统、台账等）。",
        "灰色单元格由秘书处统一提供，城市无需填写。",
        f"数据统计截止时间为{catalog.data_cutoff}。" if catalog.data_cutoff else "请按通知要求的统计口径填写。",
        f"填写完成后，请在“{SHEET_FILER}”表填写填报人信息并确认承诺。",
        "请勿增删行列或修改工作表名称；保存为 .xlsx 格式（不要另存为 .xls 或 .et），保留原文件名，通过电子邮件报送。",
        "表中得分为根据已填数据自动计算的预览，仅供参考，最终得分以评价工作组审核结果为准。",
    ]


def contact_lines(province) -> list[str]:
    """The province's contact lines; any object with ``contacts`` (role, name, phone, email)."""
    if hasattr(province, "contact_lines"):
        return list(province.contact_lines()) or [NO_CONTACT]
    lines = []
    for contact in tuple(getattr(province, "contacts", ()) or ()):
        parts = [getattr(contact, key, "") for key in ("role", "name", "phone", "email")]
        lines.append("  ".join(str(p) for p in parts if p))
    return lines or [NO_CONTACT]


def write_cover(sheet, catalog: Catalog, city: City, province, deadline: str,
                base: SheetSummary, optional: SheetSummary | None, provisional: bool,
                previous=None) -> None:
    ws, fmt = sheet.worksheet, sheet.formats
    ws.set_column(LABEL_COL, LABEL_COL, 24)
    ws.set_column(VALUE_COL, VALUE_COL, 90)
    ws.merge_range(0, 0, 0, 1, f"{catalog.title} 城市填报表", fmt["title"])
    ws.set_row(0, 32)
    row = _identity(sheet, 2, catalog, city, province, deadline)
    row = _status(sheet, row + 1, base, optional)
    if previous is not None:  # issue 23: the previous round's total, rank and status
        from sctemplates.render.previous_column import write_cover_previous

        row = write_cover_previous(sheet, row, previous, LABEL_COL, VALUE_COL)
    if provisional:
        ws.merge_range(row, 0, row, 1, "注意：标有“（暂定）”的指标，其权重或计分方法为暂定值，"
                       "官方数值公布后可能调整，得分仅供参考。", fmt["note"])
        row += 2
    row = _section(sheet, row, "填写方法", [f"{i}. {t}" for i, t in enumerate(how_to_fill(catalog), 1)])
    row = _legend(sheet, row + 1)
    _section(sheet, row + 1, "联系方式", contact_lines(province))
    _page_setup(ws)


def _identity(sheet, row: int, catalog: Catalog, city: City, province, deadline: str) -> int:
    ws, fmt = sheet.worksheet, sheet.formats
    organiser = str(getattr(province, "organiser", "") or "")
    round_name = str(getattr(province, "round_name", "") or "")
    organiser = organiser or f"{province.name}评价工作牵头部门"
    round_text = f"（{round_name}）" if round_name else ""
    about = f"本工作簿供{city.name}填报{catalog.title}评价数据{round_text}，由{organiser}下发并回收。"
    rows = [
        ("本表用途", about, None),
        ("省份", f"{province.name}（{province.code}）", None),
        ("城市代码", city.code, COVER_CITY_CODE),
        ("城市名称", city.name, COVER_CITY_NAME),
        ("城市类型", city.kind, None),
        ("指标版本", f"{catalog.edition}（{catalog.title}）", None),
        ("报送截止日期", deadline, None),
        ("数据截止时间", catalog.data_cutoff, None),
    ]
    for offset, (label, value, name) in enumerate(rows):
        ws.write_string(row + offset, LABEL_COL, label, fmt["first"])
        ws.write_string(row + offset, VALUE_COL, value, fmt["cell"])
        ws.set_row(row + offset, row_height([(value, 90)]))
        if name:
            sheet.workbook.define_name(name, "=" + formulas.cell(row + offset, VALUE_COL, SHEET_COVER))
    return row + len(rows)


def _status(sheet, row: int, base: SheetSummary, optional: SheetSummary | None) -> int:
    ws, fmt = sheet.worksheet, sheet.formats
    ws.write_string(row, LABEL_COL, "填报进度（自动计算）", fmt["subtitle"])
    summaries = [s for s in (base, optional) if s is not None]
    filled = "+".join(f"SUMPRODUCT(({s.required}=1)*(LEN({s.values})>0))" for s in summaries)
    invalid = "+".join(f"SUM({s.invalid})" for s in summaries)
    cells = [
        ("必填项总数", None, sum(s.required_count for s in summaries), STATUS_REQUIRED, "count"),
        ("已填写", "=" + filled, None, STATUS_FILLED, "count"),
        ("数值无效（红色单元格）", "=" + invalid, None, STATUS_INVALID, "count"),
        ("基础指标得分预览", formulas.plain_sum(list(base.first_scores)), None, TOTAL_SCORE,
         "score_bold"),
    ]
    if optional is not None:
        cells.append(("自选指标得分预览", formulas.plain_sum(list(optional.first_scores)), None,
                      OPTIONAL_TOTAL_SCORE, "score_bold"))
    for offset, (label, formula, constant, name, style) in enumerate(cells, start=1):
        _status_cell(sheet, row + offset, label, formula, constant, name, style)
    return row + len(cells) + 2


def _status_cell(sheet, row, label, formula, constant, name, style) -> None:
    ws, fmt = sheet.worksheet, sheet.formats
    ws.write_string(row, LABEL_COL, label, fmt["first"])
    if formula is None:
        ws.write_number(row, VALUE_COL, constant, fmt[style])
    else:
        ws.write_formula(row, VALUE_COL, formula, fmt[style], "")
    sheet.workbook.define_name(name, "=" + formulas.cell(row, VALUE_COL, SHEET_COVER))


def _section(sheet, row: int, title: str, lines: list[str]) -> int:
    ws, fmt = sheet.worksheet, sheet.formats
    ws.write_string(row, LABEL_COL, title, fmt["subtitle"])
    for offset, line in enumerate(lines, start=1):
        ws.merge_range(row + offset, 0, row + offset, 1, line, fmt["plain"])
        ws.set_row(row + offset, row_height([(line, 114)]))  # merged cells never auto-fit
    return row + len(lines) + 1


def _legend(sheet, row: int) -> int:
    ws, fmt = sheet.worksheet, sheet.formats
    ws.write_string(row, LABEL_COL, "颜色说明", fmt["subtitle"])
    for index, (_colour, meaning) in enumerate(LEGEND):
        ws.write_blank(row + 1 + index, LABEL_COL, None, fmt[f"legend_{index}"])
        ws.write_string(row + 1 + index, VALUE_COL, meaning, fmt["plain"])
    return row + len(LEGEND) + 1


def _page_setup(ws) -> None:
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    ws.activate()
