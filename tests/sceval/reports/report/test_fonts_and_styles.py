"""Chinese that shows: the bundled font has every glyph the charts use (and every city, province
and indicator name the project knows), and every Word style names an East-Asian font."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from PIL import Image, ImageStat

from sctemplates.catalog import load_catalog
from sctemplates.issues import issue_codes
from sceval.reports.report import build_report, charts, fonts
from tests.sceval.reports.report.fixtures import national_pair, province_results

REGIONS = fonts.BUNDLED.parents[3].parent / "sctemplates" / "regions.yaml"


@pytest.fixture(scope="module")
def built():
    return build_report([province_results()])


def test_the_bundled_font_is_a_small_openly_licensed_file_that_installs_with_the_package():
    assert fonts.BUNDLED.is_file() and fonts.BUNDLED.stat().st_size < 4_000_000
    licence = (fonts.BUNDLED.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    from fontTools.ttLib import TTFont

    with TTFont(str(fonts.BUNDLED)) as font:
        assert font["name"].getDebugName(1) == "SCEval Sans SC"  # renamed: "Noto" is a trademark


def test_every_chart_of_the_report_is_drawn_in_the_bundled_font_with_no_glyph_missing(built):
    _document, writer, _facts = built
    assert len(writer.charts) >= 4
    for chart in writer.charts:
        assert chart.missing == set(), chart.title
        assert chart.font == fonts.BUNDLED  # the machine's own CJK fonts are not needed
        assert not fonts.missing(fonts.BUNDLED, chart.text)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chart.text)


def test_the_national_report_charts_need_no_other_font_either():
    _document, writer, _facts = build_report(national_pair())
    for chart in writer.charts:
        assert chart.missing == set() and chart.font == fonts.BUNDLED, chart.title


def test_the_bundled_font_has_every_name_the_project_knows():
    """Every province and city the roster rules know, every indicator name, every issue meaning."""
    regions = yaml.safe_load(REGIONS.read_text(encoding="utf-8"))
    text = "".join(str(v) for v in _strings(regions))
    catalog = load_catalog()
    text += "".join(f.name + s.name + "".join(x.name for x in s.sub_items)
                    for f in catalog.first_levels() for s in f.children)
    text += "".join(entry["meaning"] for entry in issue_codes().values())
    assert len(text) > 1000
    assert fonts.missing(fonts.BUNDLED, text) == set()


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


@pytest.mark.filterwarnings("ignore:Glyph")  # matplotlib's own note about the very glyph this test lacks
def test_a_character_outside_the_subset_is_found_elsewhere_or_reported_never_boxed():
    rare = "𠀀"  # U+20000, CJK Extension B: not in GB 2312
    assert rare in fonts.missing(fonts.BUNDLED, rare)
    font, lacking = fonts.font_for("城市" + rare)
    if lacking:
        assert font == fonts.BUNDLED and lacking == {rare}
    else:
        assert font != fonts.BUNDLED and not fonts.missing(font, "城市" + rare)
    chart = charts.bar_chart(["城市" + rare], [charts.Decimal("1")], "测试", "分值")
    assert chart.missing == lacking


def test_chart_images_are_not_blank(built):
    _document, writer, _facts = built
    for chart in writer.charts:
        image = Image.open(io.BytesIO(chart.png)).convert("L")
        assert ImageStat.Stat(image).stddev[0] > 20, chart.title  # bars and text on white


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_every_style_and_the_doc_defaults_name_an_east_asian_font_and_no_theme_font(built):
    document, _writer, _facts = built
    reopened = docx.Document(io.BytesIO(_saved(document)))
    styles = reopened.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert defaults.get(qn("w:eastAsia")) == "仿宋_GB2312"
    for element in styles.findall(qn("w:style")):
        fonts_element = element.find(qn("w:rPr")) is not None and element.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts_element is not None and fonts_element is not False, element.get(qn("w:styleId"))
        assert fonts_element.get(qn("w:eastAsia")), element.get(qn("w:styleId"))
        assert not any(k.endswith("Theme") or k.endswith("theme") for k in fonts_element.attrib)
    for name in ("Heading 1", "Heading 1 Char", "Title"):
        assert reopened.styles[name].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体", name
    assert reopened.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert reopened.styles["Table Grid"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_judgement_places_are_highlighted_placeholders(built):
    document, _writer, _facts = built
    reopened = docx.Document(io.BytesIO(_saved(document)))
    marked = [p for p in reopened.paragraphs if p.text.startswith("【请补充：")]
    assert len(marked) >= 4
    for paragraph in marked:
        assert all(run.font.highlight_color is not None for run in paragraph.runs)


def test_the_docx_embeds_the_chart_pngs(built):
    document, writer, _facts = built
    with zipfile.ZipFile(io.BytesIO(_saved(document))) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
    assert len(media) == len(writer.charts)
