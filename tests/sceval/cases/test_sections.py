"""The four sections found however a Chinese Word or WPS user marks headings; faults by code."""
from __future__ import annotations

import pytest

from sceval.cases import check_case_file
from tests.sceval.cases.factory import CaseBuilder, good_case
from tests.sceval.ingest_helpers import zhejiang

SECTIONS = ["背景与需求", "主要做法", "特色亮点", "应用成效"]


def codes(record) -> list[str]:
    return [item.code for item in record.issues]


@pytest.mark.parametrize("mode, prefixes", [
    ("builtin", ["", "", "", ""]),  # Word's Heading 1 / Heading 2
    ("custom", ["", "", "", ""]),  # 案例章节标题, a Chinese-named style based on heading 2
    ("outline", ["", "", "", ""]),  # Normal paragraphs with an outline level only
    ("numbering", ["一、", "二、", "三、", "四、"]),  # no heading styles: 一、 and （一） in the text
])
def test_sections_found_in_every_heading_style(tmp_path, mode, prefixes):
    record = check_case_file(good_case(mode).save(tmp_path / f"330100_{mode}.docx"), roster=zhejiang())
    assert record.sections == [
        {"name": name, "found": True, "heading": prefix + name, "paragraph": paragraph}
        for name, prefix, paragraph in zip(SECTIONS, prefixes, [2, 7, 11, 13])]
    assert record.title == "杭州城市大脑：数据驱动的城市治理"
    assert record.status == "ok", [i.message for i in record.issues]


def test_custom_heading_style_resolved_through_a_chain_of_styles(tmp_path):
    builder = good_case("custom")
    styles = builder.document.styles
    from docx.enum.style import WD_STYLE_TYPE

    deeper = styles.add_style("案例章节标题（加粗）", WD_STYLE_TYPE.PARAGRAPH)
    deeper.base_style = styles["案例章节标题"]  # → 案例章节标题 → heading 2
    builder.document.add_paragraph("五、推广价值", style=deeper)
    record = check_case_file(builder.save(tmp_path / "330100.docx"), roster=zhejiang())
    assert all(section["found"] for section in record.sections)
    assert "CASE_SECTION_ORDER" not in codes(record)


def test_a_missing_section_is_an_error_naming_it(tmp_path):
    builder = CaseBuilder()
    builder.title("案例").heading("背景与需求").heading("背景", 2).heading("需求", 2)
    builder.heading("主要做法").heading("（二）特色服务", 2).heading("应用成效")
    record = check_case_file(builder.save(tmp_path / "330100.docx"), roster=zhejiang())
    missing = [i for i in record.issues if i.code == "CASE_SECTION_MISSING"]
    assert len(missing) == 1 and "3、特色亮点" in missing[0].message and "330100.docx" in missing[0].message
    assert [s["found"] for s in record.sections] == [True, True, False, True]  # 特色服务 is a sub-heading
    assert record.status == "rejected"


def test_sections_out_of_order_warn(tmp_path):
    builder = CaseBuilder().title("案例")
    for name in ["背景与需求", "特色亮点", "主要做法", "应用成效"]:
        builder.heading(name)
    builder.heading("背景", 2)
    record = check_case_file(builder.save(tmp_path / "330100.docx"), roster=zhejiang())
    assert "CASE_SECTION_ORDER" in codes(record)
    order = next(i for i in record.issues if i.code == "CASE_SECTION_ORDER")
    assert "背景与需求、特色亮点、主要做法、应用成效" in order.message


def test_missing_subsection_warns(tmp_path):
    builder = CaseBuilder().title("案例").heading("背景与需求").heading("背景", 2)
    for name in SECTIONS[1:]:
        builder.heading(name)
    record = check_case_file(builder.save(tmp_path / "330100.docx"), roster=zhejiang())
    assert codes(record).count("CASE_SUBSECTION_MISSING") == 1
    assert "2）需求" in next(i.message for i in record.issues if i.code == "CASE_SUBSECTION_MISSING")


def test_title_heading_1_with_sections_at_heading_2(tmp_path):
    """Many cases put the title in Heading 1 and the chapters in Heading 2."""
    builder = CaseBuilder()
    builder.heading("智慧杭州：城市大脑")
    for name in SECTIONS:
        builder.heading(name, 2)
        if name == "背景与需求":
            builder.heading("背景", 3).heading("需求", 3)
    record = check_case_file(builder.save(tmp_path / "330100.docx"), roster=zhejiang())
    assert record.title == "智慧杭州：城市大脑"
    assert [s["paragraph"] for s in record.sections] == [2, 5, 6, 7]


def test_document_starting_with_a_section_has_no_title(tmp_path):
    builder = CaseBuilder()
    for name in SECTIONS:
        builder.heading(name)
    record = check_case_file(builder.save(tmp_path / "330100.docx"), roster=zhejiang())
    assert "CASE_TITLE_MISSING" in codes(record) and record.title == ""


def _restyle(builder, ids: dict[str, str], names: dict[str, str]):
    """The styles renamed as another program writes them: Chinese Word's numeric style ids
    ("1", "2", "a3"), WPS's Chinese style names ("标题 1"); the paragraphs follow the new ids."""
    from docx.oxml.ns import qn

    for style in builder.document.styles.element.iterchildren(qn("w:style")):
        old = style.get(qn("w:styleId"))
        if old in ids:
            style.set(qn("w:styleId"), ids[old])
        name = style.find(qn("w:name"))
        if name is not None and name.get(qn("w:val")) in names:
            name.set(qn("w:val"), names[name.get(qn("w:val"))])
        based = style.find(qn("w:basedOn"))
        if based is not None and based.get(qn("w:val")) in ids:
            based.set(qn("w:val"), ids[based.get(qn("w:val"))])
    for element in builder.document.element.body.iter(qn("w:pStyle")):
        element.set(qn("w:val"), ids.get(element.get(qn("w:val")), element.get(qn("w:val"))))
    return builder


@pytest.mark.parametrize("ids, names", [
    ({"Heading1": "1", "Heading2": "2", "Title": "a3"}, {}),  # Chinese Word: ids 1, 2, a3
    ({}, {"heading 1": "标题 1", "heading 2": "标题 2", "Title": "标题"}),  # WPS: Chinese names
])
def test_chinese_word_and_wps_style_spellings(tmp_path, ids, names):
    builder = _restyle(good_case(), ids, names)
    record = check_case_file(builder.save(tmp_path / "330100.docx"), roster=zhejiang())
    assert [s["paragraph"] for s in record.sections] == [2, 7, 11, 13]
    assert record.title == "杭州城市大脑：数据驱动的城市治理" and record.status == "ok"


def test_title_in_heading_1_and_chapters_typed_as_numbered_text(tmp_path):
    builder = CaseBuilder()
    builder.heading("温州“最多跑一次”改革")  # the only styled heading: the title
    builder.para("一、背景与需求").para("（一）背景").para("（二）需求")
    for number, name in zip("二三四", SECTIONS[1:]):
        builder.para(f"{number}、{name}").para("正文。")
    record = check_case_file(builder.save(tmp_path / "330300.docx"), roster=zhejiang())
    assert record.title == "温州“最多跑一次”改革"
    assert [(s["heading"], s["paragraph"]) for s in record.sections] == [
        ("一、背景与需求", 2), ("二、主要做法", 5), ("三、特色亮点", 7), ("四、应用成效", 9)]
    assert record.status == "ok", [i.message for i in record.issues]
