"""The Word document: Chinese fonts on every style, numbered tables and figures, placeholders.

python-docx's default template takes East-Asian text from the theme (minorEastAsia), which Word
resolves to a Japanese font; every style here gets explicit fonts instead (rFonts with
w:eastAsia, theme attributes removed), docDefaults included, and the East-Asian language zh-CN.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

from sctemplates.display import neutral

LATIN = "Times New Roman"
BODY = "仿宋_GB2312"  # 公文正文
HEADING_FONTS = {"Title": "黑体", "Heading 1": "黑体", "Heading 2": "楷体_GB2312", "Heading 3": "仿宋_GB2312"}
TABLE = "宋体"
TABLE_TEXT, PICTURE = "表格文字", "图片"  # own paragraph styles: single spacing, no indent
BODY_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(10.5)  # 五号
PICTURE_WIDTH = Cm(15)
TEXT_WIDTH_TWIPS = 8844  # A4 21 cm less margins 2.8 + 2.6 cm = 15.6 cm
THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(rpr, east_asia: str) -> None:
    """Explicit fonts in an rPr element, replacing any theme reference."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute, name in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:cs", LATIN), ("w:eastAsia", east_asia)):
        fonts.set(qn(attribute), name)
    language = rpr.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")


def _defaults(document) -> None:
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY)


def _style_font(style) -> str:
    name = style.name.removesuffix(" Char")  # a linked character style looks like its paragraph style
    if name in HEADING_FONTS:
        return HEADING_FONTS[name]
    if name.startswith("Heading"):
        return HEADING_FONTS["Heading 3"]
    return TABLE if style.type == 3 or style.name == TABLE_TEXT else BODY  # 3: table styles


def new_document():
    document = Document()
    _defaults(document)
    _own_styles(document)
    for style in document.styles:
        rpr = style.element.get_or_add_rPr()
        _set_fonts(rpr, _style_font(style))
    _sizes(document)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(3.3)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    return document


def _own_styles(document) -> None:
    """Table cells and pictures need single line spacing: Normal's exact 28 pt would clip them."""
    from docx.enum.style import WD_STYLE_TYPE

    for name in (TABLE_TEXT, PICTURE):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.paragraph_format.line_spacing = 1.0
        style.paragraph_format.first_line_indent = Pt(0)
        style.paragraph_format.space_after = Pt(0)
    document.styles[TABLE_TEXT].font.size = TABLE_SIZE
    document.styles[PICTURE].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.styles[PICTURE].paragraph_format.keep_with_next = True


def _sizes(document) -> None:
    styles = document.styles
    styles["Normal"].font.size = BODY_SIZE
    styles["Normal"].paragraph_format.first_line_indent = Pt(28)  # 首行缩进两字
    styles["Normal"].paragraph_format.line_spacing = Pt(28)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 16), ("Heading 3", 14)):
        styles[name].font.size = Pt(size)
        styles[name].font.color.rgb = None
        styles[name].paragraph_format.first_line_indent = Pt(0)
    styles["Caption"].font.size = TABLE_SIZE
    styles["Caption"].paragraph_format.first_line_indent = Pt(0)
    styles["Caption"].paragraph_format.line_spacing = 1.0
    styles["Caption"].font.color.rgb = RGBColor(0, 0, 0)
    styles["Table Grid"].font.size = TABLE_SIZE


def _widths(shares: list[int]) -> list[int]:
    """Column widths in twips that fill the text width in the given proportions."""
    total = sum(shares)
    return [TEXT_WIDTH_TWIPS * share // total for share in shares]


def _rows_xml(rows: list[list[str]], style_id: str, widths: list[int]) -> list:
    """Table rows built as XML in one parse: python-docx adds each run and property through
    successor look-ups (several seconds for a 340-city table); the XML is the same."""
    from xml.sax.saxutils import escape

    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def cell(text: str, bold: bool, width: int) -> str:
        weight = "<w:rPr><w:b/></w:rPr>" if bold else ""
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="{escape(style_id)}"/></w:pPr>'
                f"<w:r>{weight}<w:t xml:space=\"preserve\">{escape(neutral(text))}</w:t></w:r></w:p></w:tc>")

    body = "".join("<w:tr>" + "".join(cell(str(v), number == 0, w) for v, w in zip(row, widths)) + "</w:tr>"
                   for number, row in enumerate(rows))
    return list(parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>"))


class Writer:
    """Adds numbered tables and figures, paragraphs and placeholders to one document."""

    def __init__(self, document):
        self.document = document
        self.tables = 0
        self.figures = 0
        self.charts = []  # every Chart placed, for checks
        self._table_text_id = document.styles[TABLE_TEXT].style_id

    def heading(self, text: str, level: int) -> None:
        self.document.add_heading(neutral(text), level=level)

    def paragraph(self, text: str):
        return self.document.add_paragraph(neutral(text))  # cases.json may be hand-edited (item 10)

    def placeholder(self, text: str) -> None:
        """A highlighted 【…】 paragraph where the official writes his own judgement."""
        run = self.document.add_paragraph().add_run(f"【{neutral(text)}】")
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def _caption(self, text: str):
        caption = self.document.add_paragraph(neutral(text), style="Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return caption

    def table(self, title: str, headers: list[str], rows: list[list[str]], shares: list[int] | None = None) -> None:
        """A captioned table; ``shares`` are the columns' relative widths (equal by default)."""
        self.tables += 1
        self._caption(f"表{self.tables}　{title}").paragraph_format.keep_with_next = True
        table = self.document.add_table(rows=0, cols=len(headers), style="Table Grid")
        widths = _widths(shares or [1] * len(headers))
        for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths):
            column.w = Twips(width)
        table._tbl.extend(_rows_xml([headers, *rows], self._table_text_id, widths))

    def picture(self, chart) -> None:
        self.figures += 1
        self.charts.append(chart)
        self.document.add_paragraph(style=PICTURE).add_run().add_picture(io.BytesIO(chart.png), width=PICTURE_WIDTH)
        self._caption(f"图{self.figures}　{chart.title}")
        if chart.missing:  # no installed font has these: say so rather than leave boxes unexplained
            self.placeholder(f"请核对：图{self.figures}中的“{''.join(sorted(chart.missing))}”在本机字体中没有字形，图中可能显示为方框")
