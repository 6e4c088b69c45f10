"""A broken catalog workbook is refused with every problem placed on its sheet and cell, in
Chinese; `sceval catalog check` exits 2. YAML problems name the code and the key."""
from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sctemplates.catalog import CatalogError, check_catalog_file, load_catalog
from sctemplates.catalog_workbook import sheets as S
from tests.sctemplates.catalog_workbook.helpers import cell_of, column_letter, edit, exported, row_of, set_values


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return exported(tmp_path_factory.mktemp("catalog"))


def problems_of(path) -> list[str]:
    catalog, problems = check_catalog_file(path)
    assert catalog is None
    return problems


def cell(sheet: str, code: str, header: str, source) -> str:
    book = openpyxl.load_workbook(source)
    return f"工作表“{sheet}”{cell_of(book[sheet], code, header)}"


def test_weight_text_is_named_by_sheet_and_cell(source, tmp_path):
    path = edit(source, tmp_path / "坏.xlsx", set_values(S.SHEET_SUB, {("L1P1-A2", "权重（%）"): "三十五"}))
    where = cell(S.SHEET_SUB, "L1P1-A2", "权重（%）", source)
    assert f"{where}：L1P1-A2 weight：'三十五' 不是数字" in problems_of(path)


def test_blank_weight_or_unsaved_formula(source, tmp_path):
    path = edit(source, tmp_path / "空.xlsx", set_values(S.SHEET_SUB, {("L1P1-A2", "权重（%）"): "=100-30-35"}))
    where = cell(S.SHEET_SUB, "L1P1-A2", "权重（%）", source)
    assert any(p.startswith(f"{where}：L1P1-A2 weight：未填写") for p in problems_of(path))


def test_numeric_text_is_a_number(source, tmp_path):
    path = edit(source, tmp_path / "文本.xlsx", set_values(S.SHEET_SUB, {("L1P1-A2", "权重（%）"): " 35 "}))
    assert load_catalog(path).fingerprint() == load_catalog().fingerprint()


def test_unknown_method_kind(source, tmp_path):
    path = edit(source, tmp_path / "坏.xlsx", set_values(S.SHEET_SUB, {("L1P1-A1", "计分方法"): "打分"}))
    where = cell(S.SHEET_SUB, "L1P1-A1", "计分方法", source)
    assert any(p.startswith(f"{where}：L1P1-A1：未知的计分方法 '打分'") for p in problems_of(path))


def test_duplicate_code_names_the_second_row(source, tmp_path):
    def change(book):
        sheet = book[S.SHEET_SUB]
        sheet[cell_of(sheet, "L1P1-A3", "编码")] = "L1P1-A2"
    path = edit(source, tmp_path / "重.xlsx", change)
    book = openpyxl.load_workbook(source)
    second_row = row_of(book[S.SHEET_SUB], "L1P1-A3")
    where = f"工作表“{S.SHEET_SUB}”{column_letter(book[S.SHEET_SUB], '编码')}{second_row}"
    assert f"{where}：L1P1-A2：编码重复" in problems_of(path)


def test_sub_weights_that_do_not_sum_name_their_cells(source, tmp_path):
    path = edit(source, tmp_path / "和.xlsx", set_values(S.SHEET_SUB, {("L1P1-A1", "权重（%）"): 31}))
    book = openpyxl.load_workbook(source)
    sheet = book[S.SHEET_SUB]
    span = f"{cell_of(sheet, 'L1P1-A1', '权重（%）')}:{cell_of(sheet, 'L1P1-A3', '权重（%）')}"
    assert f"工作表“{S.SHEET_SUB}”{span}：L1P1：分项权重之和为 101%，应为 100%" in problems_of(path)


def test_second_level_weights_that_do_not_sum(source, tmp_path):
    path = edit(source, tmp_path / "和.xlsx", set_values(S.SHEET_SECOND, {("L1P1", "权重（分）"): 9}))
    found = problems_of(path)
    assert any(p.startswith(f"工作表“{S.SHEET_SECOND}”D2:D") and "L1：二级指标权重之和为 38" in p for p in found)


def test_every_problem_is_listed_in_one_pass(source, tmp_path):
    bad = {("L1P1-A2", "权重（%）"): "三十五", ("L1P2-A1", "计分方法"): "打分", ("L1P3-A1", "暂定：权重"): "对"}
    found = problems_of(edit(source, tmp_path / "多.xlsx", set_values(S.SHEET_SUB, bad)))
    assert any("不是数字" in p for p in found) and any("未知的计分方法" in p for p in found)
    assert f"{cell(S.SHEET_SUB, 'L1P3-A1', '暂定：权重', source)}：应填“是”或“否”，实为“对”" in found


def test_unknown_parent_unit_and_role(source, tmp_path):
    def change(book):
        subs = book[S.SHEET_SUB]
        subs[cell_of(subs, "L1P1-A1", "二级指标编码")] = "L1P0"
        inputs = book[S.SHEET_INPUTS]
        assert [c.value for c in inputs[2]][:2] == ["L1P1-A1", "分子"]  # tree order
        inputs["B4"], inputs["D5"] = "分子分母", "斤"  # L1P1-A2 numerator's role, its denominator's unit
    found = problems_of(edit(source, tmp_path / "坏.xlsx", change))
    assert f"{cell(S.SHEET_SUB, 'L1P1-A1', '二级指标编码', source)}：上级指标编码“L1P0”不存在" in found
    assert any(p.startswith(f"工作表“{S.SHEET_INPUTS}”B4：角色“分子分母”无效") for p in found)
    assert f"工作表“{S.SHEET_INPUTS}”D5：L1P1-A2 denominator：单位 '斤' 未在 units 中声明" in found


def test_missing_sheet_and_column(source, tmp_path):
    def change(book):
        del book[S.SHEET_UNITS]
    assert problems_of(edit(source, tmp_path / "缺表.xlsx", change)) == [f"缺少工作表“{S.SHEET_UNITS}”"]

    def drop_header(book):
        sheet = book[S.SHEET_SUB]
        sheet[f"{column_letter(sheet, '计分方法')}1"] = "方法"
    found = problems_of(edit(source, tmp_path / "缺列.xlsx", drop_header))
    assert f"工作表“{S.SHEET_SUB}”第 1 行：缺少列“计分方法”" in found


def test_not_a_workbook(tmp_path):
    path = tmp_path / "目录.xlsx"
    path.write_text("edition: 2016", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert caught.value.problems[0].startswith("无法读取工作簿")


def test_cli_check_exits_2_naming_the_cell(source, tmp_path):
    path = edit(source, tmp_path / "坏.xlsx", set_values(S.SHEET_SUB, {("L1P1-A2", "权重（%）"): "三十五"}))
    result = CliRunner().invoke(app, ["catalog", "check", str(path)])
    assert result.exit_code == 2
    assert cell(S.SHEET_SUB, "L1P1-A2", "权重（%）", source) in result.output and "处错误" in result.output
    # every --catalog option takes the workbook: a broken one stops the command with the same message
    result = CliRunner().invoke(app, ["catalog", "--catalog", str(path)])
    assert result.exit_code == 2 and "不是数字" in result.output


def test_cli_check_yaml_names_code_and_key(tmp_path):
    from sctemplates.catalog import default_catalog_path

    text = default_catalog_path().read_text(encoding="utf-8").replace("weight: 35\n", "weight: 三十五\n", 1)
    path = tmp_path / "坏.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["catalog", "check", str(path)])
    assert result.exit_code == 2 and "L1P1-A2 weight：'三十五' 不是数字" in result.output


def test_a_sheet_past_the_row_bound_is_refused_without_reading_the_rest(source, tmp_path):
    """Issue 21, item 6: a million rows in 输入项 took `catalog check` past 2 GB; rows are now read
    streaming and only up to MAX_ROWS."""
    from sctemplates.catalog_workbook import sheets as S
    from sctemplates.catalog_workbook.read import MAX_ROWS

    def pad(book):
        sheet = book[S.SHEET_INPUTS]
        for number in range(MAX_ROWS + 10):
            sheet.append([f"X{number}", "numerator", "填充"])

    problems = problems_of(edit(source, tmp_path / "长.xlsx", pad))
    assert any(f"“{S.SHEET_INPUTS}”超过 {MAX_ROWS:,} 行" in problem for problem in problems), problems


def test_a_part_past_the_size_bound_is_refused_before_openpyxl_reads_it(source, monkeypatch, tmp_path):
    """A sheet stating no dimension is scanned whole by openpyxl just to size it: refused first."""
    import shutil

    import sctemplates.catalog_workbook.read as read

    monkeypatch.setattr(read, "MAX_PART_BYTES", 1000)  # the real bound (16 MB) at the scale of the test
    problems = problems_of(shutil.copy(source, tmp_path / "大.xlsx"))  # a fresh path: no cached catalog
    assert len(problems) == 1 and "解压后超过 1,000 字节" in problems[0]
