"""Cell formats of a fill-in workbook: one place for fonts, fills and the colour legend.

xlsxwriter formats belong to one workbook, so ``make_formats`` runs once per workbook and the
sheet writers look formats up by role name.
"""
from __future__ import annotations

FONT = "宋体"  # on machines without it, Excel/WPS/LibreOffice substitute a CJK font (WenQuanYi)
FONT_SIZE = 10

INPUT_FILL = "#FFF2CC"  # yellow: the city fills this cell
TEXT_FILL = "#FFFBEA"  # pale yellow: optional text (数据来源, 说明)
MISSING_FILL = "#F8CBAD"  # orange: required and still empty
INVALID_FILL = "#FF7C80"  # red: the value breaks a rule (survives paste, unlike validation)
CENTRAL_FILL = "#D9D9D9"  # grey: supplied by the secretariat
SCORE_FILL = "#E2EFDA"  # green: live score preview
PROVISIONAL_FONT = "#C65911"  # brown-orange text: provisional weight or method
HEADER_FILL = "#1F4E78"
FIRST_FILL = "#BDD7EE"
SECOND_FILL = "#DDEBF7"

# (colour, meaning) shown on the cover so a filler can read the sheet.
LEGEND = (
    (INPUT_FILL, "黄色：请填写（数值或下拉选择）"),
    (TEXT_FILL, "浅黄色：数据来源、说明，可选填文字"),
    (MISSING_FILL, "橙色：必填项尚未填写"),
    (INVALID_FILL, "红色：数值不符合要求（非数字、超出范围、分子大于分母、不在下拉选项中等）"),
    (CENTRAL_FILL, "灰色：由秘书处统一提供，城市无需填写"),
    (SCORE_FILL, "绿色：根据已填数据自动计算的得分预览"),
)

BASE = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter", "text_wrap": True}
BORDER = {"border": 1, "border_color": "#A6A6A6"}
UNLOCKED = {"locked": False}

_SPECS: dict[str, dict] = {
    "title": {"bold": True, "font_size": 16, "text_wrap": False},
    "subtitle": {"bold": True, "font_size": 12, "text_wrap": False},
    "header": {**BORDER, "bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL,
               "align": "center"},
    "first": {**BORDER, "bold": True, "bg_color": FIRST_FILL},
    "first_points": {**BORDER, "bold": True, "bg_color": FIRST_FILL, "num_format": 'General"分"'},
    "second": {**BORDER, "bold": True, "bg_color": SECOND_FILL},
    "second_points": {**BORDER, "bold": True, "bg_color": SECOND_FILL,
                      "num_format": 'General"分"'},
    "cell": {**BORDER},
    "percent_weight": {**BORDER, "num_format": 'General"%"'},
    "provisional": {**BORDER, "font_color": PROVISIONAL_FONT},
    "provisional_weight": {**BORDER, "font_color": PROVISIONAL_FONT, "num_format": 'General"%"'},
    "label": {**BORDER, "indent": 1},
    "muted": {**BORDER, "font_color": "#595959"},
    "input": {**BORDER, **UNLOCKED, "bg_color": INPUT_FILL},
    "input_date": {**BORDER, **UNLOCKED, "bg_color": INPUT_FILL, "num_format": "yyyy-mm-dd"},
    "text_input": {**BORDER, **UNLOCKED, "bg_color": TEXT_FILL},
    "central": {**BORDER, "bg_color": CENTRAL_FILL, "font_color": "#595959", "align": "center"},
    "score": {**BORDER, "bg_color": SCORE_FILL, "num_format": "0.00"},
    "score_bold": {**BORDER, "bold": True, "bg_color": SCORE_FILL, "num_format": "0.00"},
    "count": {**BORDER, "bold": True, "num_format": "0"},
    "note": {"font_color": PROVISIONAL_FONT, "bold": True},
    "plain": {},
    "strong": {"bold": True},
    "hidden_key": {"font_color": "#808080"},
}


def make_formats(workbook) -> dict:
    """Role name -> xlsxwriter Format, plus ``legend_*`` swatches and the two CF formats."""
    formats = {name: workbook.add_format({**BASE, **spec}) for name, spec in _SPECS.items()}
    for index, (colour, _meaning) in enumerate(LEGEND):
        formats[f"legend_{index}"] = workbook.add_format({**BASE, **BORDER, "bg_color": colour})
    # Conditional formats carry only what they change (fill, font), per the OOXML dxf rules.
    formats["cf_missing"] = workbook.add_format({"bg_color": MISSING_FILL})
    formats["cf_invalid"] = workbook.add_format({"bg_color": INVALID_FILL, "font_color": "#9C0006",
                                                 "bold": True})
    return formats


LINE_HEIGHT = 13.5  # points per wrapped line at FONT_SIZE
MIN_ROW_HEIGHT = 15


def display_width(text: str) -> int:
    """Width in column units: a CJK or full-width character is as wide as two digits."""
    # UTF-8 spends 1 byte on ASCII and 3 on CJK: (bytes + chars) / 2 gives 1 and 2, in C speed.
    return (len(text.encode("utf-8")) + len(text)) // 2


def row_height(cells) -> float:
    """Row height that shows every (text, column width) pair wrapped in full.

    Spreadsheet apps do not re-fit rows of a generated file reliably (LibreOffice keeps the
    default height), so wrapped rows are sized here.
    """
    lines = max((-(-display_width(text) // max(width - 1, 1)) for text, width in cells if text),
                default=1)
    return max(MIN_ROW_HEIGHT, LINE_HEIGHT * lines + 2)
