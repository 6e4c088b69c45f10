"""The case templates: 附件3's outline from YAML, Chinese fonts on every style, the passport."""
from __future__ import annotations

import zipfile

import docx
from defusedxml import ElementTree

from sceval.cases.outline import outline
from sceval.cases.props import read_custom_properties
from sceval.cases.template import write_case_templates
from sctemplates.layout import PASSPORT_PROPERTY_PREFIX
from tests.sceval.ingest_helpers import zhejiang

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STAMP = "2016-12-01T00:00:00+00:00"


def templates(tmp_path):
    return write_case_templates(zhejiang(), tmp_path, generated_at=STAMP)


def test_one_template_per_roster_city(tmp_path):
    roster = zhejiang()
    paths = templates(tmp_path)
    assert [p.name for p in paths] == [f"{c.code}_{c.name}_新型智慧城市优秀实践案例.docx" for c in roster.cities]


def test_every_style_and_the_defaults_carry_an_east_asian_font(tmp_path):
    styles_xml = zipfile.ZipFile(templates(tmp_path)[0]).read("word/styles.xml")
    root = ElementTree.fromstring(styles_xml)
    default_fonts = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert default_fonts.get(f"{W}eastAsia") == "仿宋" and f"{W}eastAsiaTheme" not in default_fonts.attrib
    assert root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}eastAsia") == "zh-CN"
    styles = root.findall(f"{W}style")
    assert len(styles) > 100
    for style in styles:
        fonts = style.find(f"{W}rPr/{W}rFonts")
        name = style.find(f"{W}name").get(f"{W}val")
        assert fonts is not None and fonts.get(f"{W}eastAsia"), name
        assert not any(key.endswith("Theme") or key.endswith("theme") for key in fonts.attrib), name
    by_name = {s.find(f"{W}name").get(f"{W}val"): s.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") for s in styles}
    assert by_name["heading 1"] == by_name["Title"] == "黑体" and by_name["Normal"] == "仿宋"


def test_outline_as_headings_with_guidance_in_its_own_style(tmp_path):
    document = docx.Document(templates(tmp_path)[0])
    shown = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    headings = [text for style, text in shown if style.startswith("Heading")]
    expected = []
    for section in outline().sections:
        expected += [section.label] + [sub.label for sub in section.subsections]
    assert headings == expected == ["1、背景与需求", "1）背景", "2）需求", "2、主要做法", "3、特色亮点", "4、应用成效"]
    assert shown[0] == ("Title", "（自拟案例名称）")
    guidance = [text for style, text in shown if style == outline()["template"]["guidance_style"]]
    assert any("8000字" in text for text in guidance) and any("10张" in text for text in guidance)
    assert any(text == outline().sections[1].guidance for text in guidance)
    style = document.styles[outline()["template"]["guidance_style"]]
    assert style.font.italic and str(style.font.color.rgb) == "808080"


def test_passport_in_the_custom_properties(tmp_path):
    path = templates(tmp_path)[2]
    city = zhejiang().cities[2]
    properties = read_custom_properties(zipfile.ZipFile(path).read("docProps/custom.xml"))
    expected = {"template_kind": "case-template", "edition": "2016", "province_code": "330000",
                "province_name": "浙江省", "city_code": city.code, "city_name": city.name,
                "city_kind": city.kind, "generated_at": STAMP}
    for key, value in expected.items():
        assert properties[PASSPORT_PROPERTY_PREFIX + key] == value
    assert docx.Document(path).core_properties.title == f"{city.name}新型智慧城市优秀实践案例"


def test_folded_yaml_text_joins_chinese_lines_without_a_space():
    from sceval.cases.outline import tidy

    assert tidy("数据标准不一，\n  跨部门协同") == "数据标准不一，跨部门协同"
    assert tidy("使用“标题 1”样式，8000 字以内，GB/T 33356\n标准") == "使用“标题 1”样式，8000 字以内，GB/T 33356 标准"
