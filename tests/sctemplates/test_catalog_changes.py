"""A revised catalog's changes listed fact by fact (`sceval catalog check --against`)."""
from __future__ import annotations

from typer.testing import CliRunner

from sceval.cli.app import app
from sctemplates.catalog import load_catalog, load_catalog_data, parse_data
from sctemplates.catalog_changes import catalog_changes
from sctemplates.catalog_workbook import sheets as S
from tests.sctemplates.catalog_workbook.helpers import edit, exported, set_values

BUNDLED = load_catalog()


def revised(tmp_path):
    def change(book):
        set_values(S.SHEET_SUB, {("L1P1-A1", "权重（%）"): 50, ("L1P1-A2", "权重（%）"): 30,
                                 ("L1P1-A3", "权重（%）"): 20, ("L3P2-A1", "目标值"): 4})(book)
        for row in book[S.SHEET_SCALES].iter_rows(min_row=2):
            if row[1].value == "不定期发布":
                row[2].value = 0.5
        inputs = book[S.SHEET_INPUTS]
        for row in inputs.iter_rows(min_row=2):
            if row[0].value == "L1P1-A1" and row[1].value == "分母":
                row[3].value = "个"
    return edit(exported(tmp_path), tmp_path / "改.xlsx", change)


def test_every_changed_fact_is_listed(tmp_path):
    new = load_catalog(revised(tmp_path))
    users = [s.code for s in new.sub_items() if s.inputs and s.inputs[0].choice_fraction("不定期发布") is not None]
    denominator = next(s for s in BUNDLED.sub_items() if s.code == "L1P1-A1").input("denominator").label
    assert catalog_changes(new, BUNDLED) == [
        "L1P1-A1 权重 30 → 50", f"L1P1-A1 输入“{denominator}”单位 项 → 个",
        "L1P1-A2 权重 35 → 30", "L1P1-A3 权重 35 → 20",
        *[f"{code} 档次“不定期发布”得分比例 0.4 → 0.5" for code in users if code < "L3"],
        "L3P2-A1 目标值 3.4 → 4",
        *[f"{code} 档次“不定期发布”得分比例 0.4 → 0.5" for code in users if code > "L3"],
    ]
    assert catalog_changes(BUNDLED, BUNDLED) == []


def test_added_and_removed_indicators():
    data = load_catalog_data()
    second = data["indicators"][0]["children"][0]
    dropped = second["sub_items"].pop()
    second["sub_items"][-1]["weight"] += dropped["weight"]  # the sum stays 100
    new = parse_data(data, "改.yaml")
    kept = second["sub_items"][-1]
    assert catalog_changes(new, BUNDLED) == [f"删除指标 {dropped['code']}（{dropped['name']}）",
                                             f"{kept['code']} 权重 35 → {kept['weight']}"]
    assert catalog_changes(BUNDLED, new)[1] == f"新增指标 {dropped['code']}（{dropped['name']}）"


def test_cli_lists_the_changes(tmp_path):
    result = CliRunner().invoke(app, ["catalog", "check", str(revised(tmp_path))])
    assert result.exit_code == 0 and "处改动" in result.output and "L1P1-A1 权重 30 → 50" in result.output
    assert "需要重新生成并下发模板" in result.output  # a unit changed: the input contract moved
