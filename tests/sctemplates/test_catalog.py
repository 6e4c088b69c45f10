"""The catalog: the bundled 2016 data against the reference facts, and every loader rule."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sceval.cli.app import app
from sctemplates.catalog import CatalogError, default_catalog_path, load_catalog, parse_catalog

# The reference facts, kept in the repository so the test runs in any clone; the shared original
# (beside the checkout, where it exists) must not have moved on from this copy.
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "indicators-2016.yaml"
SHARED_REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "indicators-2016.yaml"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture
def raw() -> dict:
    return yaml.safe_load(default_catalog_path().read_text(encoding="utf-8"))


def reparse(data: dict):
    return parse_catalog(yaml.safe_dump(data, allow_unicode=True), source="broken.yaml")


def broken(data: dict) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        reparse(data)
    assert caught.value.source == "broken.yaml"
    assert "broken.yaml" in str(caught.value)
    return caught.value.problems


def find(data: dict, code: str) -> dict:
    for first in data["indicators"]:
        if first["code"] == code:
            return first
        for second in first["children"]:
            if second["code"] == code:
                return second
            for sub in second.get("sub_items", []):
                if sub["code"] == code:
                    return sub
    raise KeyError(code)


def test_tree_has_8_21_54(catalog):
    assert len(catalog.indicators) == 8
    assert sum(1 for _ in catalog.second_levels()) == 21
    assert sum(1 for _ in catalog.sub_items()) == 54


@pytest.mark.skipif(not SHARED_REFERENCE.exists(), reason="no shared/ beside this checkout to compare with")
def test_the_kept_reference_is_the_shared_one():
    assert REFERENCE.read_bytes() == SHARED_REFERENCE.read_bytes()


def test_codes_names_weights_match_the_reference(catalog):
    ref = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    ours = {n.code: n for n in [*catalog.indicators, *catalog.second_levels(), *catalog.sub_items()]}
    for first in ref["indicators"]:
        assert (ours[first["code"]].name, ours[first["code"]].weight) == (first["name"], first["weight"])
        for second in first["children"]:
            node = ours[second["code"]]
            assert (node.name, node.weight) == (second["name"], second["weight"])
            for sub in second.get("sub_items", []):
                assert ours[sub["code"]].name == sub["name"]
                if "weight_in_parent" in sub:
                    assert ours[sub["code"]].weight == Decimal(str(sub["weight_in_parent"]))
                if "method" in sub:
                    assert ours[sub["code"]].method == sub["method"]


def test_confirmed_facts(catalog):
    subs = {s.code: s for s in catalog.sub_items()}
    a1 = subs["L1P1-A1"]
    assert (a1.method, a1.weight, a1.is_provisional) == ("ratio", 30, False)
    assert subs["L1P7-A2"].method == "central"
    assert subs["L1P7-A2"].inputs[0].source == "central"
    survey = {s.code: s for s in catalog.second_levels()}["L8P1"]
    assert (survey.method, survey.weight, survey.sub_items) == ("survey", 20, ())


def test_unknown_facts_are_marked_provisional(catalog):
    subs = {s.code: s for s in catalog.sub_items()}
    assert "weight" in subs["L1P1-A2"].provisional
    assert catalog.provisional is True
    assert len(catalog.provisional_codes()) == 53  # every sub-item but the confirmed L1P1-A1


def test_every_input_has_a_unique_defined_name(catalog):
    names = [i.name for _, _, i in catalog.inputs()]
    assert len(names) == len(set(names))
    assert all(n.startswith("SC_") and "-" not in n for n in names)


def test_fingerprint_changes_with_a_weight(raw, catalog):
    find(raw, "L1P1-A2")["weight"] = 36
    find(raw, "L1P1-A3")["weight"] = 34
    assert reparse(raw).fingerprint() != catalog.fingerprint()


def test_first_level_weights_must_sum_to_100(raw):
    find(raw, "L7")["weight"] = 5
    assert any("一级指标权重之和为 101" in p for p in broken(raw))


def test_second_level_weights_must_sum_to_first(raw):
    find(raw, "L1P2")["weight"] = 4
    assert any(p.startswith("L1：二级指标权重之和为 38") for p in broken(raw))


def test_sub_item_weights_must_sum_to_100(raw):
    find(raw, "L1P2-A1")["weight"] = 40
    assert any(p.startswith("L1P2：分项权重之和为 106%") for p in broken(raw))


def test_codes_must_be_unique(raw):
    find(raw, "L1P2-A2")["code"] = "L1P2-A1"
    assert "L1P2-A1：编码重复" in broken(raw)


def test_codes_must_be_well_formed_and_under_their_parent(raw):
    find(raw, "L1P2-A3")["code"] = "L1P3-A9"
    find(raw, "L1P2-A2")["code"] = "L1P2_A2"
    problems = broken(raw)
    assert "L1P3-A9：编码与上级指标 L1P2 不一致" in problems
    assert any(p.startswith("L1P2_A2：编码格式不正确") for p in problems)


def test_method_inputs_must_be_declared(raw):
    del find(raw, "L1P2-A2")["denominator"]
    assert any("L1P2-A2：计分方法 ratio 需要声明输入 denominator" in p for p in broken(raw))


def test_unknown_method_is_refused(raw):
    find(raw, "L1P2-A2")["method"] = "expert"
    assert any(p.startswith("L1P2-A2：未知的计分方法 'expert'") for p in broken(raw))


def test_choice_fractions_must_be_within_0_and_1(raw):
    raw["scales"]["publish"][1]["fraction"] = 1.5
    assert any("不在 0–1 之间" in p and p.startswith("L1P2-A1") for p in broken(raw))


def test_undefined_scale_and_unit_are_refused(raw):
    find(raw, "L1P2-A1")["scale"] = "nope"
    find(raw, "L1P2-A2")["numerator"]["unit"] = "斤"
    problems = broken(raw)
    assert any(p.startswith("L1P2-A1：分档方法引用了未定义的档次表") for p in problems)
    assert any(p.startswith("L1P2-A2 numerator：单位 '斤'") for p in problems)


def test_non_numeric_weight_and_rate_target(raw):
    find(raw, "L1P2-A1")["weight"] = "三十"
    find(raw, "L3P2-A1")["target"] = 0
    problems = broken(raw)
    assert "L1P2-A1 weight：'三十' 不是数字" in problems
    assert "L3P2-A1：参数 target 应大于 0" in problems


def test_second_level_needs_sub_items_or_a_method(raw):
    find(raw, "L8P1").pop("method")
    assert "L8P1：二级指标既无分项也无计分方法" in broken(raw)


def test_yaml_syntax_error_names_the_file():
    with pytest.raises(CatalogError) as caught:
        parse_catalog("indicators: [unclosed", source="bad.yaml")
    assert "bad.yaml" in str(caught.value) and "YAML" in caught.value.problems[0]


def test_yaml_syntax_error_says_where_in_chinese():
    """A person fixes the file in a text editor: the line and column, in Chinese, come first."""
    with pytest.raises(CatalogError) as caught:
        parse_catalog("edition: x\nindicators: [\n  - a: b\n", source="bad.yaml")
    assert caught.value.problems[0].startswith("YAML 格式错误，位于第 3 行第 3 列附近（")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path / "none.yaml")
    assert caught.value.problems == ["文件不存在"]


def test_catalog_json_shape(catalog):
    result = CliRunner().invoke(app, ["catalog", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["edition"], data["provisional"], data["fingerprint"]) == ("2016", True, catalog.fingerprint())
    first = data["indicators"][0]
    assert set(first) >= {"code", "name", "weight", "children"}
    sub = first["children"][0]["sub_items"][0]
    assert set(sub) >= {"code", "name", "weight_in_parent", "provisional", "method", "inputs"}
    assert set(sub["inputs"][0]) >= {"name", "role", "label", "unit", "min", "max", "choices"}
    graded = first["children"][1]["sub_items"][0]
    assert graded["inputs"][0]["role"] == "choice"
    assert all(set(c) == {"label", "fraction"} for c in graded["inputs"][0]["choices"])


def test_catalog_command_rejects_a_broken_file(tmp_path, raw):
    find(raw, "L7")["weight"] = 5
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, ["catalog", "--catalog", str(path)])
    assert result.exit_code == 2
    assert "一级指标权重之和为 101" in result.output


def test_catalog_tree_prints_provisional_marks():
    result = CliRunner().invoke(app, ["catalog"])
    assert result.exit_code == 0
    assert "L1P1-A2" in result.output and "暂定" in result.output
    assert "一级指标 8 个，二级指标 21 个，分项 54 个" in result.output
