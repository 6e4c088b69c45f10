"""`sceval cases template`: one .docx per roster city carrying 附件3's outline, ready to fill.

The outline (titles, order, guidance, limits) comes from outline.yaml. Chinese fonts are set on
every style and on docDefaults, with the theme references removed: python-docx's default
template points East-Asian text at the theme's font, which Word and LibreOffice resolve to a
Japanese face, so Chinese would print in a Japanese typeface. Guidance paragraphs have their own
grey italic style, so a city sees at once what to delete and the checker sees what was left.
The city's passport goes into the custom document properties, under the workbook passport's
property-name prefix, so ingest can tell whose case a document is whatever it is renamed to.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from sctemplates import __version__
from sctemplates.atomic import atomic_path
from sctemplates.file_names import safe_file_name
from sctemplates.layout import PASSPORT_PROPERTY_PREFIX
from sctemplates.roster import City, Roster

from sceval.cases.outline import Outline, outline, tidy
from sceval.cases.props import with_custom_properties

CASE_TEMPLATE_KIND = "case-template"
GUIDANCE_STYLE_ID = "CaseGuidance"
HEADING_WORDS = ("heading", "title", "标题")
FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def case_passport(city: City, province_code: str, province_name: str, generated_at: str) -> dict[str, str]:
    """The custom properties that identify a city's case template (sceval.<key> = value)."""
    fields = {"template_kind": CASE_TEMPLATE_KIND, "edition": str(outline()["edition"]),
              "province_code": province_code, "province_name": province_name,
              "city_code": city.code, "city_name": city.name, "city_kind": city.kind,
              "generator": f"sceval {__version__}", "generated_at": generated_at}
    return {PASSPORT_PROPERTY_PREFIX + key: value for key, value in fields.items()}


def case_file_name(city: City) -> str:
    return safe_file_name(outline()["file_name"].format(code=city.code, name=city.name))


def write_case_templates(roster: Roster, out_dir, province=None, generated_at: str | None = None) -> list[Path]:
    """One template per roster city in ``out_dir``; ``province`` a ProvinceConfig or None."""
    stamp = generated_at or datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    code = getattr(province, "code", "") or roster.province_code
    name = getattr(province, "name", "") or roster.province_name
    return [write_case_template(city, Path(out_dir) / case_file_name(city), code, name, stamp, province)
            for city in roster.cities]


def write_case_template(city: City, target, province_code: str, province_name: str,
                        generated_at: str, province=None) -> Path:
    document = Document()
    spec = outline()
    _set_fonts(document, spec["template"])
    _add_guidance_style(document, spec["template"])
    _set_page(document)
    _write_outline(document, spec, city, province)
    document.core_properties.title = f"{city.name}{spec['document_title']}"
    document.core_properties.author = "sceval"
    buffer = io.BytesIO()
    document.save(buffer)
    data = with_custom_properties(buffer.getvalue(), case_passport(city, province_code, province_name, generated_at))
    target = Path(target)
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


# --- fonts and styles ------------------------------------------------------------------------

def _set_fonts(document, look: dict) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _east_asian(defaults, look["body_font"], look["latin_font"])
    defaults.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    for style in styles.iterchildren(qn("w:style")):
        name = style.find(qn("w:name"))
        heading = name is not None and name.get(qn("w:val"), "").lower().startswith(HEADING_WORDS)
        _east_asian(style.get_or_add_rPr(), look["heading_font"] if heading else look["body_font"],
                    look["latin_font"])
    for level, size in look["heading_sizes_pt"].items():
        _look(document.styles[f"Heading {level}"], size, bold=True)
    _look(document.styles["Title"], look["title_size_pt"], bold=True)
    document.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _look(document.styles["Normal"], look["body_size_pt"])


def _east_asian(rpr, east_asian: str, latin: str) -> None:
    """Explicit fonts, and no theme attribute left to override them."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def _look(style, size_pt: int, bold: bool = False) -> None:
    style.font.size = Pt(size_pt)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)


def _add_guidance_style(document, look: dict) -> None:
    style = document.styles.add_style(look["guidance_style"], WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), GUIDANCE_STYLE_ID)
    style.base_style = document.styles["Normal"]
    style.font.italic = True
    style.font.size = Pt(12)
    style.font.color.rgb = RGBColor.from_string(look["guidance_color"])
    _east_asian(style.element.get_or_add_rPr(), look["body_font"], look["latin_font"])


def _set_page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, not python-docx's Letter
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


# --- the outline -----------------------------------------------------------------------------

def _write_outline(document, spec: Outline, city: City, province) -> None:
    guidance = document.styles[spec["template"]["guidance_style"]]
    document.add_paragraph(spec["title"]["placeholder"], style="Title")
    document.add_paragraph(f"{city.name}　{spec['title']['guidance']}", style=guidance)
    document.add_paragraph(tidy(spec["intro_guidance"]), style=guidance)
    for number, rule in enumerate(spec["requirements"], start=1):
        document.add_paragraph(f"总体要求 {number}：{rule}", style=guidance)
    if province is not None and getattr(province, "organiser", ""):
        document.add_paragraph(f"报送：{province.organiser}。", style=guidance)
    for section in spec.sections:
        _write_section(document, section, 1, guidance)


def _write_section(document, section, level: int, guidance) -> None:
    document.add_heading(section.label, level=level)
    if section.guidance:
        document.add_paragraph(section.guidance, style=guidance)
    if not section.subsections:
        document.add_paragraph("")
    for sub in section.subsections:
        _write_section(document, sub, level + 1, guidance)
