"""Cell formats and safe write helpers shared by the summary's sheets.

Text that came from a city's workbook is always written with ``write_string``: a remark such as
"=1+1" must stay text, never become a formula in the secretariat's summary.
"""
from __future__ import annotations

from decimal import Decimal

from sctemplates.display import neutral

FONT = "Microsoft YaHei"
HEADER_BG = "#DDEBF7"
STAT_BG = "#F2F2F2"
# Score-rate bands for conditional formatting: (lower bound of rate, fill colour).
RATE_FILLS = ((Decimal("0.8"), "#C6EFCE"), (Decimal("0.6"), "#FFEB9C"), (Decimal(0), "#FFC7CE"))


class Styles:
    """The workbook's formats, created once per workbook."""

    def __init__(self, workbook):
        add = workbook.add_format
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        cell = dict(base, border=1, border_color="#BFBFBF")
        self.title = add(dict(base, bold=True, font_size=14))
        self.note = add(dict(base, font_color="#595959"))
        self.warn = add(dict(base, font_color="#C00000", bold=True))
        self.header = add(dict(cell, bold=True, bg_color=HEADER_BG, text_wrap=True,
                               align="center"))
        self.text = add(cell)
        self.wrap = add(dict(cell, text_wrap=True))
        self.center = add(dict(cell, align="center"))
        self.score = add(dict(cell, num_format="0.00"))
        self.max = add(dict(cell, num_format="0.00", bold=True, bg_color=HEADER_BG,
                            align="center"))
        self.integer = add(dict(cell, num_format="0", align="center"))
        self.percent = add(dict(cell, num_format="0.0"))
        self.rate = add(dict(cell, num_format="0.0%"))
        self.number = add(dict(cell, num_format="General"))
        self.link = add(dict(cell, font_color="#0563C1", underline=1))
        self.stat_label = add(dict(cell, bold=True, bg_color=STAT_BG))
        self.stat_score = add(dict(cell, bold=True, bg_color=STAT_BG, num_format="0.00"))
        self.stat_blank = add(dict(cell, bg_color=STAT_BG))
        self.missing_mark = add({"font_color": "#7F7F7F", "bg_color": "#EDEDED"})
        self.error_mark = add({"font_color": "#C00000", "bold": True})
        self.mark = add(dict(cell, font_color="#C65911", bold=True, align="center"))  # a total's 审核调整
        self.rate_fills = [(low, add({"bg_color": colour})) for low, colour in RATE_FILLS]


def write_text(ws, row: int, col: int, value, fmt=None) -> None:
    ws.write_string(row, col, "" if value is None else neutral(str(value)), fmt)  # shown as its bytes say (issue 21)


def write_score(ws, row: int, col: int, value: Decimal | None, fmt=None) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, float(value), fmt)


def write_value(ws, row: int, col: int, value, styles: Styles) -> None:
    """A value as the city wrote it: numbers as numbers, everything else as text."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        ws.write_number(row, col, float(value), styles.number)
    else:
        write_text(ws, row, col, value, styles.text)


def write_headers(ws, row: int, headers: list[str], fmt, first_col: int = 0) -> None:
    for offset, text in enumerate(headers):
        ws.write_string(row, first_col + offset, text, fmt)


def write_title(ws, styles: Styles, lines: list[tuple[str, str]]) -> int:
    """Title lines at the top; (text, kind) with kind title|note|warn. Returns the next row."""
    for row, (text, kind) in enumerate(lines):
        ws.write_string(row, 0, text, getattr(styles, kind))
    return len(lines)


def colour_by_rate(ws, styles: Styles, cells: tuple[int, int, int, int], max_row: int) -> None:
    """Fill score cells by 得分率 = score ÷ the maximum written in row ``max_row`` above them."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    first_row, first_col, last_row, last_col = cells
    if last_row < first_row or last_col < first_col:
        return
    here = xl_rowcol_to_cell(first_row, first_col)
    top = xl_rowcol_to_cell(max_row, first_col, row_abs=True)
    for low, fmt in styles.rate_fills:
        criteria = f"=AND(ISNUMBER({here}),{top}>0,{here}/{top}>={low})"
        ws.conditional_format(first_row, first_col, last_row, last_col,
                              {"type": "formula", "criteria": criteria, "format": fmt,
                               "stop_if_true": True})


def colour_against(ws, styles: Styles, cells: tuple[int, int, int, int], maximum) -> None:
    """Fill score cells by 得分率 = score ÷ a fixed ``maximum`` (the column's 满分)."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    first_row, first_col, last_row, last_col = cells
    if last_row < first_row or not maximum:
        return
    here = xl_rowcol_to_cell(first_row, first_col)
    for low, fmt in styles.rate_fills:
        criteria = f"=AND(ISNUMBER({here}),{here}/{maximum}>={low})"
        ws.conditional_format(first_row, first_col, last_row, last_col,
                              {"type": "formula", "criteria": criteria, "format": fmt,
                               "stop_if_true": True})


PAGE_WIDE_COLUMNS = 30  # beyond this many columns one page wide is too small to read


def print_setup(ws, header_row: int, last_lead_col: int | None = None,
                last_header_row: int | None = None, columns: int = 0) -> None:
    """A4 landscape, the header row (and the city columns) on every page: the summary is printed
    and e-mailed around, and a page without its header cannot be read. One page wide, unless the
    sheet has more than PAGE_WIDE_COLUMNS columns (分项得分, 原始数据): those print across pages
    at a readable size, each page starting with the repeated city columns."""
    ws.set_paper(9)
    ws.set_landscape()
    if columns <= PAGE_WIDE_COLUMNS:
        ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row, header_row if last_header_row is None else last_header_row)
    if last_lead_col is not None and last_lead_col >= 0:
        ws.repeat_columns(0, last_lead_col)
