"""字数, figures and tables counted exactly, in real .docx files written with python-docx."""
from __future__ import annotations

import pytest

from sceval.cases import check_case_file
from sceval.cases.wordcount import word_count
from tests.sceval.cases.factory import CaseBuilder, good_case
from tests.sceval.ingest_helpers import zhejiang

GOOD_CASE_CHARACTERS = 168  # counted by hand, paragraph by paragraph, in factory.good_case


@pytest.mark.parametrize("text, expected", [
    ("杭州市", 3),
    ("2016年建成GB/T 33356标准。", 9),  # 2016 | 年 建 成 | GB/T | 33356 | 标 准 | 。
    ("“城市大脑”……", 8),  # “ 城 市 大 脑 ” … …: quotation marks and each ellipsis count once
    ("ＡＢＣ１２３", 6),  # full-width letters and digits are East-Asian characters
    ("smart city  v2.0", 3),
    ("图1　城市", 4),  # the ideographic space separates, and counts for nothing
    ("", 0),
    ("   \t ", 0),
    ("e-mail：ndrc_smartcity@126.com", 3),
])
def test_word_count_as_word_counts(text, expected):
    assert word_count(text) == expected


def test_good_case_counts_exactly(tmp_path):
    path = good_case().save(tmp_path / "330100_杭州市_优秀案例.docx")
    record = check_case_file(path, roster=zhejiang())
    assert (record.characters, record.figures, record.tables) == (GOOD_CASE_CHARACTERS, 1, 1)
    assert (record.footnote_characters, record.textbox_characters) == (0, 0)
    assert record.title == "杭州城市大脑：数据驱动的城市治理"
    assert record.city == {"code": "330100", "name": "杭州市"} and record.city_basis == "file_name"
    assert [(s["name"], s["paragraph"]) for s in record.sections] == [
        ("背景与需求", 2), ("主要做法", 7), ("特色亮点", 11), ("应用成效", 13)]
    assert record.opening.startswith("杭州市是国家首批智慧城市试点城市。城市交通拥堵治理")
    assert record.status == "ok", [i.message for i in record.issues]


def _figures_and_tables(tmp_path, build) -> tuple[int, int, object]:
    builder = good_case()
    build(builder)
    record = check_case_file(builder.save(tmp_path / "330100_杭州市.docx"), roster=zhejiang())
    return record.figures - 1, record.tables - 1, record  # minus good_case's own picture and table


@pytest.mark.parametrize("build, figures, tables", [
    (lambda b: b.anchored_picture(), 1, 0),
    (lambda b: b.chart(), 1, 0),
    (lambda b: b.alternate_picture(), 1, 0),  # the mc:Fallback copy is not a second figure
    (lambda b: b.legacy_picture(), 1, 0),
    (lambda b: b.textbox("说明文字"), 0, 0),  # a text box is no figure
    (lambda b: b.textbox("框内有图", with_picture=True), 0, 0),  # nor is a picture inside it
    (lambda b: b.table(3, 3, "数", nested=True), 0, 1),  # the nested table is part of its table
    (lambda b: [b.picture(), b.picture(), b.chart()], 3, 0),
])
def test_each_kind_of_figure_and_table(tmp_path, build, figures, tables):
    assert _figures_and_tables(tmp_path, build)[:2] == (figures, tables)


def test_text_boxes_and_footnotes_are_counted_apart(tmp_path):
    builder = good_case().textbox("平台日均处理数据1.2亿条").footnote("数据截至2016年11月。")
    record = check_case_file(builder.save(tmp_path / "330100_杭州市.docx"), roster=zhejiang())
    # 平台日均处理数据 8 + 1.2 + 亿条 2 = 11, counted once though Word stores the box twice
    assert record.textbox_characters == 11
    assert record.footnote_characters == 9  # 数据截至 4 + 2016 + 年 + 11 + 月 + 。
    assert record.characters == GOOD_CASE_CHARACTERS


def test_table_cells_count_as_body_text_and_nested_ones_too(tmp_path):
    _, _, record = _figures_and_tables(tmp_path, lambda b: b.table(2, 3, "数据", nested=True))
    # 6 cells of 数据 (2 each) + the nested 2×2 table's 4 cells, on top of good_case
    assert record.characters == GOOD_CASE_CHARACTERS + 6 * 2 + 4 * 2


def test_a_one_cell_table_counts_and_warns(tmp_path):
    _, tables, record = _figures_and_tables(tmp_path, lambda b: b.table(1, 1, "版式"))
    assert tables == 1
    layout = [i for i in record.issues if i.code == "CASE_LAYOUT_TABLE"]
    assert len(layout) == 1 and "第 2 个表格" in layout[0].message


def test_numbered_headings_add_their_numbers_to_the_count(tmp_path):
    record = check_case_file(good_case("numbering").save(tmp_path / "330100.docx"), roster=zhejiang())
    assert record.characters == GOOD_CASE_CHARACTERS + 14  # 一、 二、 三、 四、 (2 each) + （一）（二）(3 each)


def test_empty_builder_counts_nothing(tmp_path):
    record = check_case_file(CaseBuilder().save(tmp_path / "空白.docx"))
    assert (record.characters, record.figures, record.tables, record.title) == (0, 0, 0, "")
    assert {"CASE_TITLE_MISSING", "CASE_SECTION_MISSING"} <= {i.code for i in record.issues}
