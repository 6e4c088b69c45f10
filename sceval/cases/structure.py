"""What a case document's body holds, in reading order: paragraphs, figures, tables, text boxes.

One walk over ``w:body`` (lxml elements, streamed block by block by sceval.cases.stream):
- paragraph text is its runs' ``w:t`` (tabs and breaks as spaces); deleted text and field codes
  are not shown by Word and are not read;
- ``mc:AlternateContent`` is read through its first ``mc:Choice`` only: the ``mc:Fallback`` is a
  second (VML) copy of the same drawing for old readers and would count every figure twice;
- a figure is a top-level ``w:drawing`` (inline or anchored; picture, chart, SmartArt, group or
  shape), a legacy ``w:pict`` holding an image or an OLE object, or a ``w:object``; drawings inside
  drawings or text boxes are parts of their container, not figures of their own;
- a drawing that is only a text box is no figure: its text is text-box text, counted apart; nor
  is a shape with neither fill nor outline, which no reader can see;
- a table is a top-level ``w:tbl``; a table nested in a cell is part of its table. Table cells'
  paragraphs are body text.
Paragraphs are numbered 1, 2, … in reading order, skipping blank ones (neither text nor figure),
as a reader counts them; messages name these numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
V = "urn:schemas-microsoft-com:vml"
O = "urn:schemas-microsoft-com:office:office"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, T = w("p"), w("tbl"), w("tr"), w("tc"), w("t")
DRAWING, PICT, OBJECT, TXBX = w("drawing"), w("pict"), w("object"), w("txbxContent")
ALTERNATE, CHOICE, FALLBACK = f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice", f"{{{MC}}}Fallback"
GRAPHIC_DATA, NO_FILL, LINE = f"{{{A}}}graphicData", f"{{{A}}}noFill", f"{{{A}}}ln"
SHAPE_PROPERTIES = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}spPr"
IMAGEDATA, OLE_OBJECT = f"{{{V}}}imagedata", f"{{{O}}}OLEObject"
SPACES = {w("tab"), w("br"), w("cr"), w("ptab")}
UNSHOWN = {w("del"), w("instrText"), w("delText"), w("pPr"), w("rPr"), w("moveFrom"),
           w("footnoteReference"), w("endnoteReference"), w("commentReference"), w("sectPr")}
GRAPHIC_KINDS = {"picture": "图片", "chart": "图表", "diagram": "SmartArt 图形",
                 "wordprocessingGroup": "组合图形", "wordprocessingCanvas": "绘图画布",
                 "wordprocessingShape": "形状"}


@dataclass
class Paragraph:
    text: str
    style_id: str
    outline_level: int | None  # the paragraph's own w:outlineLvl (0 = level 1)
    numbering_level: int | None  # w:numPr/w:ilvl when Word numbers it automatically
    table: int | None  # the top-level table it sits in, 1-based
    number: int | None = None  # 1-based among non-blank paragraphs
    figures: list[str] = field(default_factory=list)  # kinds, in Chinese

    @property
    def blank(self) -> bool:
        return not self.text.strip() and not self.figures


@dataclass
class Figure:
    kind: str
    paragraph: int  # index into Body.paragraphs


@dataclass
class Table:
    number: int
    cells: int
    first: int  # index of its first paragraph in Body.paragraphs
    last: int


@dataclass
class Body:
    paragraphs: list[Paragraph] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    textboxes: list[str] = field(default_factory=list)  # paragraph texts inside text boxes


def read_body(body) -> Body:
    walker = _Walker()
    walker.block(body, None)
    number_paragraphs(walker.found)
    return walker.found


def number_paragraphs(found: Body) -> None:
    number = 0
    for paragraph in found.paragraphs:
        if not paragraph.blank:
            number += 1
            paragraph.number = number


class _Walker:
    def __init__(self):
        self.found = Body()

    def block(self, element, table: int | None) -> None:
        for child in element:
            self.child(child, table)

    def child(self, child, table: int | None) -> None:
        """One block-level element (sceval.cases.stream hands them over one at a time)."""
        tag = child.tag
        if tag == P:
            self.paragraph(child, table)
        elif tag == TBL:
            self.table(child, table)
        elif tag == ALTERNATE:
            self.block(_choice(child), table)
        elif tag not in UNSHOWN and isinstance(tag, str):
            self.block(child, table)  # w:sdt, w:sdtContent, w:customXml, w:ins …

    def table(self, element, outer: int | None) -> None:
        if outer is not None:  # nested: part of the outer table
            self.block(element, outer)
            return
        number = len(self.found.tables) + 1
        first = len(self.found.paragraphs)
        self.block(element, number)
        cells = sum(1 for row in element.iterchildren(TR) for _ in row.iterchildren(TC))
        self.found.tables.append(Table(number, cells, first, len(self.found.paragraphs) - 1))

    def paragraph(self, element, table: int | None) -> None:
        properties = element.find(w("pPr"))
        style, outline, numbering = _paragraph_properties(properties)
        pieces: list[str] = []
        figures: list[str] = []
        self.inline(element, pieces, figures)
        index = len(self.found.paragraphs)
        self.found.paragraphs.append(Paragraph("".join(pieces), style, outline, numbering, table,
                                               figures=figures))
        self.found.figures += [Figure(kind, index) for kind in figures]

    def inline(self, element, pieces: list[str], figures: list[str]) -> None:
        for child in element:
            tag = child.tag
            if tag == T:
                pieces.append(child.text or "")
            elif tag in SPACES:
                pieces.append(" ")
            elif tag == DRAWING:
                self.drawing(child, figures)
            elif tag == PICT or tag == OBJECT:
                self.legacy(child, figures)
            elif tag == ALTERNATE:
                self.inline(_choice(child), pieces, figures)
            elif tag not in UNSHOWN and isinstance(tag, str):
                self.inline(child, pieces, figures)

    def drawing(self, element, figures: list[str]) -> None:
        boxes = _text_boxes(element)
        kind = _graphic_kind(element)
        shape = kind == "wordprocessingShape"
        if not (shape and (boxes or _invisible(element))):  # a text box, whatever it holds, is no figure
            figures.append(GRAPHIC_KINDS.get(kind, "图形"))
        self.textbox_text(boxes)

    def legacy(self, element, figures: list[str]) -> None:
        if element.tag == OBJECT or _first(element, OLE_OBJECT) is not None:
            figures.append("嵌入对象")
        elif _first(element, IMAGEDATA) is not None:
            figures.append("图片")
        self.textbox_text(_text_boxes(element))

    def textbox_text(self, boxes) -> None:
        for box in boxes:
            for paragraph in box.iter(P):
                self.found.textboxes.append("".join(t.text or "" for t in paragraph.iter(T)))


def _choice(alternate):
    """The first mc:Choice (what Word shows); the Fallback only when there is no Choice."""
    for tag in (CHOICE, FALLBACK):
        found = alternate.find(tag)
        if found is not None:
            return found
    return ()


def _paragraph_properties(properties) -> tuple[str, int | None, int | None]:
    if properties is None:
        return "", None, None
    style = properties.find(w("pStyle"))
    outline = properties.find(w("outlineLvl"))
    numbering = properties.find(w("numPr"))
    level = None
    if numbering is not None:
        ilvl = numbering.find(w("ilvl"))
        level = (_int(ilvl.get(w("val"))) if ilvl is not None else None) or 0
    return (style.get(w("val"), "") if style is not None else "",
            _int(outline.get(w("val"))) if outline is not None else None, level)


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _first(element, tag):
    return next(element.iter(tag), None)


def _graphic_kind(drawing) -> str:
    data = _first(drawing, GRAPHIC_DATA)
    uri = data.get("uri", "") if data is not None else ""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _invisible(drawing) -> bool:
    """A shape with neither fill nor outline (LibreOffice leaves one behind a .doc's text frame)."""
    properties = _first(drawing, SHAPE_PROPERTIES)
    if properties is None:
        return False
    line = properties.find(LINE)
    return properties.find(NO_FILL) is not None and (line is None or line.find(NO_FILL) is not None)


def _text_boxes(element) -> list:
    """The outermost text boxes of a drawing or picture, skipping mc:Fallback copies."""
    return [box for box in element.iter(TXBX)
            if not any(a.tag in (FALLBACK, TXBX) for a in _ancestors(box, element))]


def _ancestors(node, stop):
    node = node.getparent()
    while node is not None and node is not stop:
        yield node
        node = node.getparent()
