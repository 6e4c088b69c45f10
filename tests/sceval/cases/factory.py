"""Real .docx case documents for the tests, written with python-docx (plus the few XML pieces it
has no API for: anchored drawings, charts, text boxes, legacy VML pictures, footnotes).

Each builder call says what it adds, so a test knows exactly how many 字, figures and tables the
file holds without asking the code under test.
"""
from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from tests.sceval.hostile import tiny_png

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
      'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
EXTENT = '<wp:extent cx="914400" cy="914400"/><wp:docPr id="{id}" name="图{id}"/>'
ANCHOR = ('<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" '
          'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
          '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
          '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
          + EXTENT + '<wp:wrapSquare wrapText="bothSides"/>{graphic}</wp:anchor>')
CHART = ('<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
         '<c:chart r:id="rIdChart{id}"/></a:graphicData></a:graphic>')
TEXTBOX_SHAPE = ('<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
                 '<wps:wsp><wps:spPr/><wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
                 '</a:graphicData></a:graphic>')
VML_PICTURE = '<w:pict><v:shape style="width:72pt;height:72pt"><v:imagedata r:id="{rid}" o:title=""/></v:shape></w:pict>'
VML_TEXTBOX = '<w:pict><v:shape style="width:72pt;height:72pt"><v:textbox><w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict>'
FOOTNOTES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes ' + NS + '>'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
             '{notes}</w:footnotes>')
FOOTNOTE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def paragraph_xml(text: str) -> str:
    return f'<w:p {NS}><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


class CaseBuilder:
    """A case document; ``mode`` is how its headings are marked, as Chinese Word/WPS users do:
    builtin (Heading N), custom (a Chinese-named style based on heading 2 / heading 3),
    outline (Normal paragraphs with an outline level), numbering (一、/（一） text only)."""

    def __init__(self, mode: str = "builtin"):
        self.document = Document()
        self.mode = mode
        self.notes: list[str] = []
        self._ids = 100
        if mode == "custom":
            self._custom_style("案例章节标题", "Heading 2")
            self._custom_style("案例小节标题", "Heading 3")

    def _custom_style(self, name: str, base: str) -> None:
        style = self.document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.document.styles[base]

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    # --- text -----------------------------------------------------------------------------
    def title(self, text: str):
        if self.mode == "builtin":
            self.document.add_paragraph(text, style="Title")
        else:
            self.document.add_paragraph(text)
        return self

    def heading(self, text: str, level: int = 1, number: str = ""):
        """A section (level 1) or sub-section (level 2) heading in this builder's mode."""
        if self.mode == "builtin":
            self.document.add_heading(text, level=level)
        elif self.mode == "custom":
            self.document.add_paragraph(text, style="案例章节标题" if level == 1 else "案例小节标题")
        elif self.mode == "outline":
            paragraph = self.document.add_paragraph(text)
            outline = paragraph._p.get_or_add_pPr()
            outline.append(parse_xml(f'<w:outlineLvl {NS} w:val="{level - 1}"/>'))
        else:
            self.document.add_paragraph(f"{number}{text}")
        return self

    def para(self, text: str):
        self.document.add_paragraph(text)
        return self

    def footnote(self, text: str):
        self.notes.append(text)
        return self

    # --- figures --------------------------------------------------------------------------
    def picture(self, caption: str = ""):
        """An inline picture (python-docx's own), with an optional caption paragraph after it."""
        self.document.add_picture(io.BytesIO(tiny_png()))
        if caption:
            self.para(caption)
        return self

    def _run_with(self, inner: str):
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run()
        run._r.append(parse_xml(inner))
        return paragraph

    def anchored_picture(self):
        """A floating picture: python-docx's inline picture rewritten as wp:anchor."""
        self.document.add_picture(io.BytesIO(tiny_png()))
        paragraph = self.document.paragraphs[-1]
        drawing = paragraph._p.find(f".//{qn('w:drawing')}")
        inline = drawing[0]
        graphic = inline.find(qn("a:graphic"))
        anchor = parse_xml(f'<wp:anchor {NS} ' + ANCHOR[len("<wp:anchor "):].format(id=self._next_id(), graphic=""))
        anchor.append(copy.deepcopy(graphic))
        drawing.replace(inline, anchor)
        return self

    def chart(self):
        ident = self._next_id()
        self._run_with(f'<w:drawing {NS}><wp:inline>{EXTENT.format(id=ident)}{CHART.format(id=ident)}</wp:inline></w:drawing>')
        return self

    def alternate_picture(self):
        """One picture written twice, as Word does for shapes: mc:Choice drawing + mc:Fallback VML."""
        ident = self._next_id()
        rid = self._image_rid()
        choice = f'<w:drawing><wp:inline>{EXTENT.format(id=ident)}{self._pic_graphic(rid)}</wp:inline></w:drawing>'
        self._run_with(f'<mc:AlternateContent {NS}><mc:Choice Requires="wps">{choice}</mc:Choice>'
                       f'<mc:Fallback>{VML_PICTURE.format(rid=rid)}</mc:Fallback></mc:AlternateContent>')
        return self

    def legacy_picture(self):
        self._run_with(VML_PICTURE.replace("<w:pict>", f"<w:pict {NS}>").format(rid=self._image_rid()))
        return self

    def textbox(self, text: str, with_picture: bool = False):
        """A floating text box (Choice: wps shape, Fallback: VML); optionally a picture inside it."""
        content = paragraph_xml(text).replace(f" {NS}", "")
        if with_picture:
            ident = self._next_id()
            content += (f'<w:p><w:r><w:drawing><wp:inline>{EXTENT.format(id=ident)}'
                        f'{self._pic_graphic(self._image_rid())}</wp:inline></w:drawing></w:r></w:p>')
        ident = self._next_id()
        choice = '<w:drawing>' + ANCHOR.format(id=ident, graphic=TEXTBOX_SHAPE.format(content=content)) + '</w:drawing>'
        self._run_with(f'<mc:AlternateContent {NS}><mc:Choice Requires="wps">{choice}</mc:Choice>'
                       f'<mc:Fallback>{VML_TEXTBOX.format(content=content)}</mc:Fallback></mc:AlternateContent>')
        return self

    def _image_rid(self) -> str:
        rid, _image = self.document.part.get_or_add_image(io.BytesIO(tiny_png()))
        return rid

    def _pic_graphic(self, rid: str) -> str:
        return ('<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
                f'<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="p.png"/><pic:cNvPicPr/></pic:nvPicPr>'
                f'<pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill><pic:spPr/></pic:pic>'
                '</a:graphicData></a:graphic>')

    # --- tables ---------------------------------------------------------------------------
    def table(self, rows: int, columns: int, text: str = "", nested: bool = False):
        """A top-level table; every cell holds ``text``; ``nested`` puts a 2×2 table in cell (0, 0)."""
        table = self.document.add_table(rows=rows, cols=columns)
        for row in table.rows:
            for cell in row.cells:
                cell.text = text
        if nested:
            inner = table.cell(0, 0).add_table(rows=2, cols=2)
            for row in inner.rows:
                for cell in row.cells:
                    cell.text = text
        return self

    # --- saving ---------------------------------------------------------------------------
    def save(self, path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        self.document.save(buffer)
        data = buffer.getvalue()
        if self.notes:
            data = _with_footnotes(data, self.notes)
        path.write_bytes(data)
        return path


def _with_footnotes(package: bytes, notes: list[str]) -> bytes:
    body = "".join(f'<w:footnote w:id="{n}">{paragraph_xml(text).replace(f" {NS}", "")}</w:footnote>'
                   for n, text in enumerate(notes, start=1))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/word/footnotes.xml" ContentType="{FOOTNOTE_TYPE}"/></Types>'.encode())
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdNotes" Type="{FOOTNOTE_REL}" Target="footnotes.xml"/></Relationships>'.encode())
            new.writestr(info, data)
        new.writestr("word/footnotes.xml", FOOTNOTES.format(notes=body))
    return out.getvalue()


def good_case(mode: str = "builtin", title: str = "杭州城市大脑：数据驱动的城市治理") -> CaseBuilder:
    """A compliant case: title, the four sections with 背景 and 需求, a sourced picture and table."""
    builder = CaseBuilder(mode)
    builder.title(title)
    builder.heading("背景与需求", 1, "一、")
    builder.heading("背景", 2, "（一）")
    builder.para("杭州市是国家首批智慧城市试点城市。")
    builder.heading("需求", 2, "（二）")
    builder.para("城市交通拥堵治理需要跨部门的数据共享。")
    builder.heading("主要做法", 1, "二、")
    builder.para("统筹建设城市数据资源平台，打通公安、交通、城管等部门数据。")
    builder.picture("图1　城市数据资源平台架构（资料来源：市数据资源管理局）")
    builder.heading("特色亮点", 1, "三、")
    builder.para("以数据驱动治理方式创新。")
    builder.heading("应用成效", 1, "四、")
    builder.para("表1　主要成效指标（数据来源：市统计局）")
    builder.table(2, 2, "成效")
    return builder
