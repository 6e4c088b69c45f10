"""Each fault of 附件3 by its code: length, figures, sources, advertising, guidance, city."""
from __future__ import annotations

from sceval.cases import check_case_file
from sceval.cases.template import write_case_template
from tests.sceval.cases.factory import CaseBuilder, good_case
from tests.sceval.ingest_helpers import zhejiang

SENTENCE = "城市大脑汇聚交通、城管、公安等部门数据，支撑城市精细化治理。"  # 30 字


def codes(record) -> list[str]:
    return [item.code for item in record.issues]


def check(builder, tmp_path, name="330100_杭州市.docx"):
    return check_case_file(builder.save(tmp_path / name), roster=zhejiang())


def test_9000_characters_are_too_long(tmp_path):
    builder = good_case()
    for _ in range(300):  # 300 × 30 = 9,000 字 on top of good_case's 168
        builder.para(SENTENCE)
    record = check(builder, tmp_path)
    assert record.characters == 168 + 9000
    assert "CASE_TOO_LONG" in codes(record) and record.status == "rejected"
    assert "9,168 字" in next(i.message for i in record.issues if i.code == "CASE_TOO_LONG")


def test_8000_characters_are_within_the_limit(tmp_path):
    builder = good_case()
    for _ in range(261):
        builder.para(SENTENCE)
    builder.para("城" * 2)  # 168 + 7,830 + 2 = 8,000 exactly
    record = check(builder, tmp_path)
    assert record.characters == 8000 and "CASE_TOO_LONG" not in codes(record)


def test_12_figures_and_tables_are_too_many(tmp_path):
    builder = good_case()
    for number in range(8):
        builder.picture(f"图{number + 2}　示意（资料来源：市数据局）")
    builder.chart().para("资料来源：市统计局").table(2, 2, "数").para("数据来源：市统计局")
    record = check(builder, tmp_path)
    assert (record.figures, record.tables) == (10, 2)
    assert "CASE_TOO_MANY_FIGURES" in codes(record)
    assert "合计 12 张" in next(i.message for i in record.issues if i.code == "CASE_TOO_MANY_FIGURES")


def test_ten_figures_and_tables_are_allowed(tmp_path):
    builder = good_case()
    for number in range(8):
        builder.picture(f"图{number + 2}　示意（资料来源：市数据局）")
    record = check(builder, tmp_path)
    assert record.figures + record.tables == 10 and "CASE_TOO_MANY_FIGURES" not in codes(record)


def test_figure_without_a_nearby_source_is_listed(tmp_path):
    builder = good_case().heading("补充", 2)
    for _ in range(4):
        builder.para(SENTENCE)
    builder.picture("图2　平台界面")  # no source in the caption nor after it
    record = check(builder, tmp_path)
    found = [i for i in record.issues if i.code == "CASE_SOURCE_MISSING"]
    assert len(found) == 1 and "有 1 张图表" in found[0].message
    assert "第 24 段（位于“应用成效”）的图片" in found[0].message  # good_case has 18 paragraphs


def test_figures_without_any_source_in_the_whole_document(tmp_path):
    builder = CaseBuilder().title("案例")
    for name in ["背景与需求", "主要做法", "特色亮点", "应用成效"]:
        builder.heading(name).para(SENTENCE)
    builder.picture("图1　平台").table(2, 2, "数")
    record = check(builder, tmp_path)
    found = [i for i in record.issues if i.code == "CASE_NO_SOURCE"]
    assert len(found) == 1 and "有 2 张图表" in found[0].message and "第 1 个表格" in found[0].message
    assert "CASE_SOURCE_MISSING" not in codes(record)


def test_advertising_is_listed_with_the_sentence_never_rejected(tmp_path):
    builder = good_case()
    builder.para("平台由杭州某某科技有限公司承建，采用全球领先的技术。")
    builder.para("系统使用了 CityBrain® 引擎。第一阶段已完成。")
    record = check(builder, tmp_path)
    ad = {i.code: i.message for i in record.issues if i.code.startswith("CASE_AD_")}
    assert set(ad) == {"CASE_AD_COMPANY", "CASE_AD_TRADEMARK", "CASE_AD_SUPERLATIVE"}
    assert "杭州某某科技有限公司" in ad["CASE_AD_COMPANY"] and "“平台由杭州某某科技有限公司承建" in ad["CASE_AD_COMPANY"]
    assert "领先" in ad["CASE_AD_SUPERLATIVE"] and "第一阶段" not in ad["CASE_AD_SUPERLATIVE"]
    assert "®" in ad["CASE_AD_TRADEMARK"] and "第 20 段" in ad["CASE_AD_TRADEMARK"]
    assert record.status == "warnings"


def test_guidance_left_in_a_filled_template_warns(tmp_path):
    city = zhejiang().cities[0]
    path = write_case_template(city, tmp_path / "模板.docx", "330000", "浙江省", "2016-12-01T00:00:00+00:00")
    record = check_case_file(path, roster=zhejiang())
    assert set(codes(record)) == {"CASE_TITLE_MISSING", "CASE_GUIDANCE_LEFT"}
    assert all(section["found"] for section in record.sections)
    assert record.city == {"code": city.code, "name": city.name} and record.city_basis == "passport"


def test_city_from_the_text_is_a_warning(tmp_path):
    builder = good_case(title="温州市“最多跑一次”改革")
    record = check(builder, tmp_path, name="优秀案例.docx")
    assert record.city == {"code": "330300", "name": "温州市"} and record.city_basis == "text"
    assert "CASE_CITY_FROM_TEXT" in codes(record)


def test_city_from_a_short_name_in_the_file_name(tmp_path):
    record = check(good_case(), tmp_path, name="嘉兴案例（定稿）.docx")
    assert record.city == {"code": "330400", "name": "嘉兴市"} and record.city_basis == "file_name"


def test_unknown_city_warns(tmp_path):
    builder = good_case(title="城市大脑")
    builder.document.paragraphs[3].text = "本市是国家首批智慧城市试点城市。"
    record = check(builder, tmp_path, name="案例.docx")
    assert record.city is None and "CASE_CITY_UNKNOWN" in codes(record)
