"""Optional indicators (自选指标): the template, each Attachment-2 rule, the bundled example, the CLI.

Every workbook here is a real .xlsx written by the template writer (xlsxwriter) or by filling
the blank template with openpyxl, then read back by the checker.
"""
from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from sctemplates.catalog import load_catalog
from sctemplates.methods import METHODS, raw_points, round_score
from sctemplates.model import defined_name
from sctemplates.optional.definition import OptionalError, check_optional, load_optional
from sctemplates.optional.workbook import (
    COLUMN_INDEX, COLUMNS, FIRST_DATA_ROW, HEADER_ROW, SHEET_DEFINITION, SHEET_LISTS,
    write_optional_template,
)
from sceval.demo.round import INPUTS_DIR as DEMO_INPUTS_DIR

WORKBOOKS = DEMO_INPUTS_DIR
EXAMPLE = WORKBOOKS / "optional_330000_浙江省.xlsx"
RATIO, GRADED, RATE = (METHODS[k].label for k in ("ratio", "graded", "rate"))


@pytest.fixture(scope="module")
def base():
    return load_catalog()


def valid_rows() -> list[dict]:
    """Rows 3..6: ZXP1 with two sub-items, ZXP2 and ZXP3 with one each; 4 + 3 + 3 points."""
    return [
        {"second_code": "ZXP1", "second_name": "旅游服务", "second_weight": 4, "definition": "旅游服务释义",
         "sub_code": "A1", "sub_name": "景区导览覆盖率", "sub_weight": 60, "method": RATIO, "calc": "导览景区数÷景区数",
         "in1_label": "导览景区数", "in1_unit": "个", "in2_label": "景区总数", "in2_unit": "个"},
        {"sub_code": "A2", "sub_name": "旅游平台建设情况", "sub_weight": 40, "method": GRADED, "calc": "按档次",
         "scale": "未建设:0；在建:0.5；建成:1"},
        {"second_code": "ZXP2", "second_name": "社区服务", "second_weight": 3, "definition": "社区服务释义",
         "sub_code": "A1", "sub_name": "智慧社区覆盖率", "sub_weight": 100, "method": RATIO, "calc": "智慧社区÷社区",
         "in1_label": "智慧社区数", "in1_unit": "个", "in2_label": "社区总数", "in2_unit": "个"},
        {"second_code": "ZXP3", "second_name": "产业经济", "second_weight": 3, "definition": "产业经济释义",
         "sub_code": "A1", "sub_name": "信息经济增长率", "sub_weight": 100, "method": RATE, "calc": "增长率÷目标",
         "in1_label": "同比增长率", "in1_unit": "%", "target": 20},
    ]


def write_with_xlsxwriter(path: Path, rows: list[dict]) -> Path:
    return write_optional_template(path, rows)


def write_with_openpyxl(path: Path, rows: list[dict]) -> Path:
    """The blank template, filled cell by cell as a province would in a spreadsheet program."""
    blank = path.with_name("blank_" + path.name)
    write_optional_template(blank)
    book = load_workbook(blank)
    sheet = book[SHEET_DEFINITION]
    for offset, row in enumerate(rows):
        for key, value in row.items():
            sheet.cell(FIRST_DATA_ROW + offset, COLUMN_INDEX[key] + 1, value)
    book.save(path)
    return path


WRITERS = {"xlsxwriter": write_with_xlsxwriter, "openpyxl": write_with_openpyxl}


def found(result) -> list[tuple[str, str]]:
    return [(i.code, i.cell) for i in result.issues]


@pytest.mark.parametrize("writer", WRITERS)
def test_valid_rows_build_an_optional_catalog(tmp_path, base, writer):
    result = check_optional(WRITERS[writer](tmp_path / "ok.xlsx", valid_rows()), base)
    assert result.issues == [] and result.ok
    catalog = result.catalog
    assert (catalog.edition, catalog.title, catalog.total_points) == ("optional", "自选指标", Decimal(10))
    assert [(f.code, f.name, f.weight) for f in catalog.indicators] == [("ZX", "自选指标", Decimal(10))]
    assert [s.code for s in catalog.second_levels()] == ["ZXP1", "ZXP2", "ZXP3"]
    assert [s.code for s in catalog.sub_items()] == ["ZXP1-A1", "ZXP1-A2", "ZXP2-A1", "ZXP3-A1"]
    sub = next(catalog.sub_items())
    assert [i.name for i in sub.inputs] == [defined_name("ZXP1-A1", "numerator"), defined_name("ZXP1-A1", "denominator")]
    assert all(i.min == 0 and not i.integer for i in sub.inputs)
    graded = list(catalog.sub_items())[1]
    assert [(c.label, c.fraction) for c in graded.input("choice").choices] == [
        ("未建设", Decimal(0)), ("在建", Decimal("0.5")), ("建成", Decimal(1))]
    rate = list(catalog.sub_items())[3]
    assert rate.param("target") == Decimal(20) and rate.input("value").min is None


def set_cell(rows, index, key, value):
    rows[index - FIRST_DATA_ROW][key] = value


def add_fourth_second(rows):
    set_cell(rows, 6, "second_weight", 2)
    rows.append({**rows[2], "second_code": "ZXP4", "second_name": "农业服务", "second_weight": 1})


def four_subs(rows):
    rows[2]["sub_weight"] = 25
    for n in (2, 3, 4):
        rows.insert(2 + n - 1, {**rows[2], "second_code": "", "second_name": "", "second_weight": "",
                                "definition": "", "sub_code": f"A{n}", "sub_name": f"社区分项{n}"})


RULES = {
    "too many second": (add_fourth_second, [("OPT_TOO_MANY_SECOND", "E7")]),
    "too many sub": (four_subs, [("OPT_TOO_MANY_SUB", "H8")]),
    "weight sum": (lambda r: set_cell(r, 6, "second_weight", 4), [("OPT_WEIGHT_SUM", "G6")]),
    "sub weight sum": (lambda r: set_cell(r, 4, "sub_weight", 30), [("OPT_SUB_WEIGHT_SUM", "J4")]),
    "missing definition": (lambda r: set_cell(r, 3, "definition", ""), [("OPT_MISSING_DEFINITION", "C3")]),
    "missing method": (lambda r: set_cell(r, 5, "method", ""), [("OPT_MISSING_METHOD", "K5")]),
    "missing calculation": (lambda r: set_cell(r, 5, "calc", ""), [("OPT_MISSING_METHOD", "D5")]),
    "missing denominator": (lambda r: set_cell(r, 5, "in2_label", ""), [("OPT_MISSING_METHOD", "N5")]),
    "missing scale": (lambda r: set_cell(r, 4, "scale", ""), [("OPT_MISSING_METHOD", "P4")]),
    "second duplicates base": (lambda r: set_cell(r, 5, "second_name", "政务服务"), [("OPT_DUPLICATES_BASE", "F5")]),
    "sub duplicates base": (lambda r: set_cell(r, 3, "sub_name", "一站式办理率"), [("OPT_DUPLICATES_BASE", "I3")]),
    "first level name": (lambda r: set_cell(r, 6, "second_name", "惠民服务"), [("OPT_DUPLICATES_BASE", "F6")]),
    "weight not a number": (lambda r: set_cell(r, 5, "second_weight", "三分"), [("OPT_BAD_VALUE", "G5")]),
    "negative sub weight": (lambda r: set_cell(r, 5, "sub_weight", -100), [("OPT_BAD_VALUE", "J5")]),
    "bad sub code": (lambda r: set_cell(r, 4, "sub_code", "B2"), [("OPT_BAD_VALUE", "H4")]),
    "duplicate sub code": (lambda r: set_cell(r, 4, "sub_code", "A1"), [("OPT_BAD_VALUE", "H4")]),
    "bad second code": (lambda r: set_cell(r, 5, "second_code", "ZX2"), [("OPT_BAD_VALUE", "E5")]),
    "scale without fractions": (lambda r: set_cell(r, 4, "scale", "高；低"), [("OPT_BAD_VALUE", "P4")]),
    "scale fraction above one": (lambda r: set_cell(r, 4, "scale", "无:0；有:2"), [("OPT_BAD_VALUE", "P4")]),
    "rate target zero": (lambda r: set_cell(r, 6, "target", 0), [("OPT_BAD_VALUE", "Q6")]),
    "unknown method": (lambda r: set_cell(r, 5, "method", "专家打分"), [("OPT_BAD_VALUE", "K5")]),
    "inconsistent repeat": (lambda r: set_cell(r, 4, "second_name", "旅游"), [("OPT_BAD_VALUE", "F4")]),
    "first row without code": (lambda r: set_cell(r, 3, "second_code", ""), [("OPT_BAD_VALUE", "E3")]),
}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("rule", RULES)
def test_each_attachment_two_rule(tmp_path, base, writer, rule):
    breaks, expected = RULES[rule]
    rows = valid_rows()
    breaks(rows)
    path = WRITERS[writer](tmp_path / "bad.xlsx", rows)
    result = check_optional(path, base)
    assert result.catalog is None and not result.ok
    assert found(result) == expected
    for item in result.issues:
        assert (item.file, item.sheet) == (str(path), SHEET_DEFINITION)
        assert f"{SHEET_DEFINITION}!{item.cell}" in item.message


def test_full_codes_percent_fractions_and_text_numbers_are_accepted(tmp_path, base):
    rows = valid_rows()
    set_cell(rows, 4, "sub_code", "ZXP1-A2")
    set_cell(rows, 4, "scale", "未建设：0%；建成：100%")
    set_cell(rows, 3, "sub_weight", "60%")
    catalog = load_optional(write_with_openpyxl(tmp_path / "t.xlsx", rows), base)
    sub = list(catalog.sub_items())[1]
    assert sub.code == "ZXP1-A2"
    assert [c.fraction for c in sub.input("choice").choices] == [Decimal(0), Decimal(1)]


def test_inserted_column_moves_the_named_cell(tmp_path, base):
    rows = valid_rows()
    set_cell(rows, 3, "definition", "")
    path = write_with_openpyxl(tmp_path / "moved.xlsx", rows)
    book = load_workbook(path)
    book[SHEET_DEFINITION].insert_cols(1)
    book.save(path)
    assert found(check_optional(path, base)) == [("OPT_MISSING_DEFINITION", "D3")]


def test_load_optional_raises_with_every_issue(tmp_path, base):
    rows = valid_rows()
    set_cell(rows, 3, "definition", "")
    set_cell(rows, 6, "second_weight", 5)
    with pytest.raises(OptionalError) as caught:
        load_optional(write_with_xlsxwriter(tmp_path / "two.xlsx", rows), base)
    assert {i.code for i in caught.value.issues} == {"OPT_MISSING_DEFINITION", "OPT_WEIGHT_SUM"}


def _foreign_xlsx(path: Path) -> None:
    book = Workbook()
    book.active.append(["城市", "得分"])
    book.save(path)


@pytest.mark.parametrize("name, make", [
    ("foreign.xlsx", _foreign_xlsx),
    ("corrupt.xlsx", lambda p: p.write_bytes(b"PK\x03\x04 broken")),
    ("rows.csv", lambda p: p.write_text("二级指标编码,分项名称\n", encoding="utf-8")),
    ("absent.xlsx", lambda p: None),
])
def test_unusable_files_give_bad_file(tmp_path, base, name, make):
    path = tmp_path / name
    make(path)
    result = check_optional(path, base)
    assert result.catalog is None
    assert [i.code for i in result.issues] == ["OPT_BAD_FILE"]


def test_blank_template_is_reported_not_raised(tmp_path, base):
    result = check_optional(write_optional_template(tmp_path / "blank.xlsx"), base)
    assert found(result) == [("OPT_BAD_VALUE", "E3")]


def test_template_layout_dropdowns_and_instructions(tmp_path):
    path = write_optional_template(tmp_path / "t.xlsx", title="浙江省")
    book = load_workbook(path)
    assert book.sheetnames[0] == SHEET_DEFINITION and "填写说明" in book.sheetnames
    assert book[SHEET_LISTS].sheet_state == "hidden"
    sheet = book[SHEET_DEFINITION]
    assert [c.value for c in sheet[HEADER_ROW]] == [c.header for c in COLUMNS]
    assert [c.value for c in sheet[HEADER_ROW]][:4] == ["一级指标及权重", "二级指标及权重", "二级指标释义及评价方法", "二级指标分项及计算方法"]
    assert sheet.freeze_panes == "E3"
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 3 and all(v.formula1.startswith(f"'{SHEET_LISTS}'!$") for v in lists)
    method_list = [book[SHEET_LISTS].cell(r, 1).value for r in range(1, 5)]
    assert method_list == [METHODS[k].label for k in ("ratio", "capped_ratio", "graded", "rate")]
    assert sheet.cell(HEADER_ROW, COLUMN_INDEX["scale"] + 1).comment is not None
    guide = " ".join(str(c.value) for c in book["填写说明"]["A"] if c.value)
    assert "10 分" in guide and METHODS["ratio"].explain in guide


def test_bundled_example_is_valid_and_scores_out_of_ten(base):
    catalog = load_optional(EXAMPLE, base)
    seconds = list(catalog.second_levels())
    assert [s.name for s in seconds] == ["旅游服务", "社区服务", "产业经济"]
    assert sum(s.weight for s in seconds) == 10
    assert all(2 <= len(s.sub_items) <= 3 and sum(x.weight for x in s.sub_items) == 100 for s in seconds)
    assert {"ratio", "graded"} <= {x.method for x in catalog.sub_items()}
    assert _full_marks(catalog) == Decimal("10.00")
    assert catalog.fingerprint() != base.fingerprint()


def _full_marks(catalog) -> Decimal:
    """Total with every sub-item at its best: Σ second weight × Σ sub points / 100."""
    total = Decimal(0)
    for second in catalog.second_levels():
        subs = sum(round_score(raw_points(s.method, s.weight, _best(s), dict(s.params))) for s in second.sub_items)
        total += round_score(second.weight * subs / 100)
    return round_score(total)


def _best(sub) -> dict:
    if sub.method == "graded":
        return {"choice": max(c.fraction for c in sub.input("choice").choices)}
    if sub.method == "rate":
        return {"value": sub.param("target")}
    return {"numerator": Decimal(5), "denominator": Decimal(5)}


def test_example_is_reproducible_from_its_yaml(tmp_path, base):
    spec = importlib.util.spec_from_file_location("make_demo_inputs", WORKBOOKS / "make_demo_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    again = module.write_optional_example(WORKBOOKS / "optional_330000_浙江省.yaml", tmp_path / "again.xlsx")
    assert load_optional(again, base).fingerprint() == load_optional(EXAMPLE, base).fingerprint()


def test_fingerprint_distinguishes_optional_sets(tmp_path, base):
    one = load_optional(write_with_xlsxwriter(tmp_path / "a.xlsx", valid_rows()), base)
    rows = valid_rows()
    set_cell(rows, 3, "sub_weight", 50)
    set_cell(rows, 4, "sub_weight", 50)
    two = load_optional(write_with_xlsxwriter(tmp_path / "b.xlsx", rows), base)
    assert one.fingerprint() != two.fingerprint()


def test_checking_never_modifies_the_input(tmp_path, base):
    path = write_with_openpyxl(tmp_path / "x.xlsx", valid_rows())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    check_optional(path, base)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_example_survives_a_libreoffice_save(tmp_path, base):
    """A province that opens and re-saves the file in LibreOffice keeps the same definition."""
    profile = f"file:///tmp/sceval-lo-{uuid.uuid4().hex}"
    source = tmp_path / "in" / "example.xlsx"
    source.parent.mkdir()
    shutil.copy(EXAMPLE, source)
    out = tmp_path / "out"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
         "--outdir", str(out), str(source)],
        check=True, timeout=120, capture_output=True,
    )
    resaved = load_optional(out / "example.xlsx", base)
    assert resaved.fingerprint() == load_optional(EXAMPLE, base).fingerprint()


def test_cli_optional_template_and_check(tmp_path):
    from sceval.cli.app import app

    runner = CliRunner()
    out = tmp_path / "tpl.xlsx"
    made = runner.invoke(app, ["optional", "template", str(out), "--title", "浙江省"])
    assert made.exit_code == 0, made.output
    assert load_workbook(out)[SHEET_DEFINITION].cell(1, 1).value.startswith("浙江省")
    good = runner.invoke(app, ["optional", "check", str(EXAMPLE)])
    assert good.exit_code == 0, good.output
    assert "ZXP3" in good.output and "10" in good.output
    rows = valid_rows()
    set_cell(rows, 6, "second_weight", 4)
    bad = runner.invoke(app, ["optional", "check", str(write_with_xlsxwriter(tmp_path / "bad.xlsx", rows))])
    assert bad.exit_code == 1
    assert "OPT_WEIGHT_SUM" in bad.output and "错误" in bad.output
