"""The catalog as a workbook: export → read back is the very mapping the YAML holds, the same
catalog (same fingerprints), and an official's edits in Excel come through exactly."""
from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from sceval.cli.app import app
from sctemplates.catalog import (
    check_catalog_file, default_catalog_path, load_catalog, load_catalog_data, revision_of,
)
from sctemplates.catalog_workbook import sheets as S
from sctemplates.catalog_workbook.export import write_catalog, write_catalog_workbook
from sctemplates.catalog_workbook.read import read_workbook_data
from sctemplates.export import catalog_as_dict
from tests.libreoffice import needs_soffice, resave_xlsx
from tests.sctemplates.catalog_workbook.helpers import cell_of, edit, exported, set_values

BUNDLED = load_catalog()


def test_bundled_catalog_survives_export_and_import(tmp_path):
    path = exported(tmp_path)
    assert read_workbook_data(path).data == yaml.safe_load(default_catalog_path().read_text(encoding="utf-8"))
    again = load_catalog(path)
    assert again.fingerprint() == BUNDLED.fingerprint()
    assert again.input_contract_fingerprint() == BUNDLED.input_contract_fingerprint()
    assert again.scoring_rules_fingerprint() == BUNDLED.scoring_rules_fingerprint()
    assert catalog_as_dict(again) == catalog_as_dict(BUNDLED)


def test_yaml_export_loads_to_the_same_catalog(tmp_path):
    path = write_catalog(load_catalog_data(exported(tmp_path)), tmp_path / "目录.yaml")
    assert load_catalog(path).fingerprint() == BUNDLED.fingerprint()


def test_new_top_level_keys_survive(tmp_path):
    data = load_catalog_data()
    data["maturity_bands"] = [{"name": "领先", "min": 80}, {"name": "起步", "min": 0}]
    data["optional_points"] = 10
    path = write_catalog_workbook(data, tmp_path / "目录.xlsx")
    assert read_workbook_data(path).data == data


def test_settings_sheets_are_tables_an_official_edits(tmp_path):
    data = load_catalog_data()
    data["maturity_bands"] = [{"name": "准备期", "from": 0, "to": 60}, {"name": "成熟期", "from": 60, "to": 100}]
    data["optional_indicators"] = {"code": "ZX", "points": 10}

    def change(book):
        bands = book["成熟度阶段"]
        assert [c.value for c in bands[1]] == ["名称[name]", "下限（含）[from]", "上限（不含，最后一档含）[to]"]
        bands["C2"], bands["B3"] = 55, 55
        rules = book["自选指标规则"]
        assert [c.value for c in rules[3]] == ["分值", "points", 10]
        rules["C3"] = 12
    path = edit(write_catalog_workbook(data, tmp_path / "目录.xlsx"), tmp_path / "改.xlsx", change)
    read = read_workbook_data(path).data
    assert read["maturity_bands"] == [{"name": "准备期", "from": 0, "to": 55}, {"name": "成熟期", "from": 55, "to": 100}]
    assert read["optional_indicators"] == {"code": "ZX", "points": 12}


def test_weights_edited_in_excel_are_read_and_checked(tmp_path):
    changed = {("L1P1-A1", "权重（%）"): 50, ("L1P1-A2", "权重（%）"): 30, ("L1P1-A3", "权重（%）"): 20}
    path = edit(exported(tmp_path), tmp_path / "改.xlsx", set_values(S.SHEET_SUB, changed))
    catalog, problems = check_catalog_file(path)
    assert problems == []
    weights = {sub.code: sub.weight for sub in catalog.sub_items()}
    assert [weights[f"L1P1-A{n}"] for n in (1, 2, 3)] == [Decimal(50), Decimal(30), Decimal(20)]
    untouched = {sub.code: sub.weight for sub in BUNDLED.sub_items() if not sub.code.startswith("L1P1-")}
    assert all(weights[code] == weight for code, weight in untouched.items())
    assert catalog.input_contract_fingerprint() == BUNDLED.input_contract_fingerprint()
    assert catalog.scoring_rules_fingerprint() != BUNDLED.scoring_rules_fingerprint()
    assert revision_of(catalog, BUNDLED) == "rules"
    # the edited workbook exports and imports to itself too
    assert load_catalog(write_catalog_workbook(load_catalog_data(path), tmp_path / "再.xlsx")).fingerprint() \
        == catalog.fingerprint()


def test_provisional_marks_and_fractions_edited(tmp_path):
    def change(book):
        subs = book[S.SHEET_SUB]
        subs[cell_of(subs, "L1P1-A2", "暂定：权重")] = S.NO
        subs[cell_of(subs, "L1P1-A2", "暂定：计分方法")] = S.NO
        scales = book[S.SHEET_SCALES]
        for row in scales.iter_rows(min_row=2):
            if row[0].value == "publish" and row[1].value == "不定期发布":
                row[2].value = 0.5
    catalog = load_catalog(edit(exported(tmp_path), tmp_path / "改.xlsx", change))
    sub = next(s for s in catalog.sub_items() if s.code == "L1P1-A2")
    assert sub.provisional == ()
    graded = next(s for s in catalog.sub_items() if s.code == "L1P2-A1")
    assert graded.inputs[0].choice_fraction("不定期发布") == Decimal("0.5")
    assert revision_of(catalog, BUNDLED) == "rules"


def test_choice_label_edit_changes_the_input_contract(tmp_path):
    def change(book):
        for row in book[S.SHEET_SCALES].iter_rows(min_row=2):
            if row[1].value == "不定期发布":
                row[1].value = "偶尔发布"
    catalog = load_catalog(edit(exported(tmp_path), tmp_path / "改.xlsx", change))
    assert catalog.input_contract_fingerprint() != BUNDLED.input_contract_fingerprint()
    assert catalog.scoring_rules_fingerprint() == BUNDLED.scoring_rules_fingerprint()
    assert revision_of(catalog, BUNDLED) == "inputs"


def test_workbook_is_laid_out_for_editing(tmp_path):
    book = openpyxl.load_workbook(exported(tmp_path))
    subs = book[S.SHEET_SUB]
    assert subs.freeze_panes == "A2"
    assert [c.value for c in subs[1]][:4] == ["二级指标编码", "编码", "名称", "权重（%）"]
    assert subs.column_dimensions["C"].width > 30
    lists = book[S.SHEET_LISTS]
    assert lists.sheet_state == "hidden"
    method_col = cell_of(subs, "L1P1-A1", "计分方法")[0]
    validation = next(v for v in subs.data_validations.dataValidation if str(v.sqref).startswith(method_col))
    assert validation.type == "list" and S.SHEET_LISTS in validation.formula1
    listed = [c.value for c in lists["A"] if c.value]
    assert listed == list(S.method_labels()) and "比例" in listed
    assert subs[cell_of(subs, "L1P1-A1", "计分方法")].value == "比例"
    inputs = book[S.SHEET_INPUTS]
    assert [c.value for c in inputs[1]][:4] == ["指标编码", "角色", "输入名称", "单位"]
    assert inputs["B2"].value in S.ROLE_LABELS.values()


def test_cli_export_check_and_json(tmp_path):
    runner = CliRunner()
    out = tmp_path / "目录.xlsx"
    result = runner.invoke(app, ["catalog", "export", str(out)])
    assert result.exit_code == 0 and BUNDLED.fingerprint() in result.output
    result = runner.invoke(app, ["catalog", "check", str(out)])
    assert result.exit_code == 0 and "检查通过" in result.output and "完全一致" in result.output
    result = runner.invoke(app, ["catalog", "--json", "--catalog", str(out)])
    shown = yaml.safe_load(result.output)
    assert shown["fingerprint"] == BUNDLED.fingerprint()
    assert shown["input_contract_fingerprint"] == BUNDLED.input_contract_fingerprint()
    assert shown["scoring_rules_fingerprint"] == BUNDLED.scoring_rules_fingerprint()
    plain = runner.invoke(app, ["catalog"])
    assert plain.exit_code == 0 and "L1P1-A1" in plain.output


@pytest.mark.parametrize("suffix", [".xlsx", ".yaml"])
def test_check_refuses_a_missing_file(tmp_path, suffix):
    result = CliRunner().invoke(app, ["catalog", "check", str(tmp_path / f"无{suffix}")])
    assert result.exit_code == 2 and "文件不存在" in result.output


def test_every_catalog_option_takes_the_workbook(tmp_path):
    """`sceval render --catalog 目录.xlsx` renders templates whose passport carries that catalog."""
    from sctemplates.layout import PASSPORT_PROPERTY_PREFIX
    from tests.sceval.ingest_helpers import ROSTER_CSV

    changed = {("L1P1-A1", "权重（%）"): 50, ("L1P1-A2", "权重（%）"): 30, ("L1P1-A3", "权重（%）"): 20}
    path = edit(exported(tmp_path), tmp_path / "改.xlsx", set_values(S.SHEET_SUB, changed))
    revised = load_catalog(path)
    result = CliRunner().invoke(app, ["render", "--roster", str(ROSTER_CSV), "--catalog", str(path),
                                      "--out", str(tmp_path / "模板")])
    assert result.exit_code == 0, result.output
    first = sorted((tmp_path / "模板").glob("*.xlsx"))[0]
    props = {p.name: p.value for p in openpyxl.load_workbook(first).custom_doc_props.props}
    assert props[PASSPORT_PROPERTY_PREFIX + "fingerprint"] == revised.fingerprint() != BUNDLED.fingerprint()
    assert props[PASSPORT_PROPERTY_PREFIX + "input_fingerprint"] == BUNDLED.input_contract_fingerprint()


def test_check_against_the_catalog_templates_were_rendered_with(tmp_path):
    changed = {("L1P1-A1", "权重（%）"): 50, ("L1P1-A2", "权重（%）"): 30, ("L1P1-A3", "权重（%）"): 20}
    path = edit(exported(tmp_path), tmp_path / "改.xlsx", set_values(S.SHEET_SUB, changed))
    runner = CliRunner()
    result = runner.invoke(app, ["catalog", "check", str(path)])
    assert result.exit_code == 0 and "仍可回收" in result.output
    result = runner.invoke(app, ["catalog", "check", str(default_catalog_path()), "--against", str(path)])
    assert result.exit_code == 0 and f"目录 {path} 一致" in result.output


@pytest.mark.libreoffice
@needs_soffice
def test_a_catalog_saved_by_libreoffice_reads_the_same(tmp_path):
    """An official may edit the workbook in LibreOffice or WPS: their save keeps every fact."""
    changed = {("L1P1-A1", "权重（%）"): 50, ("L1P1-A2", "权重（%）"): 30, ("L1P1-A3", "权重（%）"): 20}
    path = edit(exported(tmp_path), tmp_path / "改.xlsx", set_values(S.SHEET_SUB, changed))
    (resaved,) = resave_xlsx([path], tmp_path / "lo")
    assert read_workbook_data(resaved).data == read_workbook_data(path).data
    assert load_catalog(resaved).fingerprint() == load_catalog(path).fingerprint()
    validations = openpyxl.load_workbook(resaved)[S.SHEET_SUB].data_validations.dataValidation
    assert any(v.type == "list" for v in validations)  # the drop-downs survive the save
