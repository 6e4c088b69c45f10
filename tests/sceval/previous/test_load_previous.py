"""The previous round's loader and edition mappings, on real results.json files and catalogs."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from sctemplates.catalog import load_catalog
from sctemplates.render.previous import NEW_INPUT, NOT_FILLED
from sceval.previous.diff import ADDED, DROPPED, RENAMED, catalog_diff, starter_mapping
from sceval.previous.editions import MappingError, load_mapping
from sceval.previous.load import PreviousError, load_previous
from tests.sceval.previous.revised_edition import SPLIT, write_revised
from tests.sceval.results_factory import make_results


def _write(results: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return path


def _ranked(results: dict) -> dict:
    for rank, city in enumerate([c for c in results["cities"] if c["total"] is not None], 1):
        city["rank"] = rank
    return results


def test_one_file_gives_inputs_total_rank_first_levels_status_round(tmp_path):
    results = _ranked(make_results(n_roster=4, n_submitted=3, optional=False))
    loaded = load_previous([_write(results, tmp_path)])
    first = results["cities"][0]
    city = loaded.cities[first["code"]]
    assert city.total == Decimal(str(first["total"]))
    assert city.rank == 1 and city.status == first["status"]
    assert set(city.scores) == {f.code for f in load_catalog().indicators}
    assert city.scores["L1"] == Decimal(str(first["scores"]["L1"]))
    assert city.inputs == first["inputs"]
    assert city.round == loaded.round_name == "浙江省2016-11-30回收"
    missing = loaded.cities[results["cities"][3]["code"]]
    assert missing.status == "missing" and missing.total is None


def test_merged_across_files_a_scored_city_wins_over_a_missing_one(tmp_path):
    province = _ranked(make_results(n_roster=4, n_submitted=2, optional=False))
    secretariat = _ranked(make_results(n_roster=4, n_submitted=4, optional=False, seed=7))
    secretariat["round_name"] = "2016年全国新型智慧城市评价"
    loaded = load_previous([_write(province, tmp_path / "a"), _write(secretariat, tmp_path / "b")])
    third = secretariat["cities"][2]
    assert loaded.cities[third["code"]].total == Decimal(str(third["total"]))
    assert loaded.rounds == ("浙江省2016-11-30回收", "2016年全国新型智慧城市评价")
    reversed_order = load_previous([_write(secretariat, tmp_path / "b"), _write(province, tmp_path / "a")])
    first = province["cities"][0]
    assert reversed_order.cities[first["code"]].total == Decimal(str(first["total"]))


def test_not_results_json_is_a_chinese_error_naming_the_file(tmp_path):
    bad = tmp_path / "results.json"
    bad.write_text("{\"files\": []}", encoding="utf-8")
    with pytest.raises(PreviousError, match="results.json"):
        load_previous([bad])


def test_shown_values_new_inputs_and_unfilled(tmp_path):
    results = make_results(n_roster=2, n_submitted=1, optional=False)
    first = results["cities"][0]
    name = next(iter(first["inputs"]))
    first["inputs"][name] = None
    loaded = load_previous([_write(results, tmp_path)])
    shown = loaded.for_city(first["code"])
    assert shown.shown(name) == NOT_FILLED
    other = list(first["inputs"])[1]
    assert shown.shown(other) == first["inputs"][other]
    assert shown.shown("SC_NOT_IN_2016_VALUE") == NEW_INPUT


def test_diff_finds_the_rename_split_and_drop_of_the_revised_edition(tmp_path):
    _path, revised = write_revised(tmp_path)
    rows = catalog_diff(load_catalog(), revised)
    kinds = {(r.kind, r.what, r.old, r.new) for r in rows}
    assert (RENAMED, "指标", "L1P1-A1", "L1P1-A4") in kinds
    assert (RENAMED, "输入", "SC_L1P1_A1_NUM", "SC_L1P1_A4_NUM") in kinds
    assert (DROPPED, "指标", "L1P2-A3", "") in kinds
    assert (DROPPED, "输入", "SC_L1P2_A3_DEN", "") in kinds
    assert (ADDED, "指标", "", SPLIT[1]) in kinds
    assert (ADDED, "输入", "", "SC_L1P1_A5_NUM") in kinds
    # codes: the rename, the drop, the new part, A2's new name; inputs: 2 renamed, 2 dropped, 2 new
    assert sorted((r.what, r.kind) for r in rows) == sorted(
        [("指标", RENAMED), ("指标", DROPPED), ("指标", ADDED), ("指标", "名称变化")]
        + [("输入", RENAMED)] * 2 + [("输入", DROPPED)] * 2 + [("输入", ADDED)] * 2)


def test_starter_mapping_loads_and_renames_previous_values(tmp_path):
    _path, revised = write_revised(tmp_path)
    old = load_catalog()
    text = starter_mapping(old, revised, catalog_diff(old, revised))
    assert text.startswith("# 版本对照")
    text += f"  SC_L1P1_A2_NUM: [SC_L1P1_A2_NUM, SC_L1P1_A5_NUM]\n  SC_L1P1_A2_DEN: [SC_L1P1_A2_DEN, SC_L1P1_A5_DEN]\n"
    mapping_file = tmp_path / "mapping.yaml"
    mapping_file.write_text(text, encoding="utf-8")
    mapping = load_mapping(mapping_file)
    results = make_results(n_roster=1, n_submitted=1, optional=False)
    loaded = load_previous([_write(results, tmp_path / "prev")], mapping)
    inputs = results["cities"][0]["inputs"]
    city = loaded.for_city(results["cities"][0]["code"])
    assert city.shown("SC_L1P1_A4_NUM") == inputs["SC_L1P1_A1_NUM"]
    assert "SC_L1P1_A1_NUM" not in loaded.cities[results["cities"][0]["code"]].inputs
    assert "SC_L1P2_A3_NUM" not in loaded.input_names
    assert city.shown("SC_L1P1_A5_NUM") == "由上一轮“SC_L1P1_A2_NUM”拆分"
    assert city.shown("SC_L1P1_A2_NUM") == "由上一轮“SC_L1P1_A2_NUM”拆分"


def test_merged_inputs_add_exactly(tmp_path):
    mapping_file = tmp_path / "m.yaml"
    mapping_file.write_text("from: a\nto: b\ninputs:\n  X: Z\n  Y: Z\n", encoding="utf-8")
    mapping = load_mapping(mapping_file)
    assert mapping.inputs({"X": 0.1, "Y": 0.2}) == {"Z": 0.3}
    assert mapping.inputs({"X": 1, "Y": None}) == {"Z": None}


@pytest.mark.parametrize("text, words", [("- a\n", "顶层应为映射"), ("colour: red\n", "未知的键 colour"),
                                         ("inputs:\n  X: 3\n", "inputs.X")])
def test_bad_mapping_files_say_where(tmp_path, text, words):
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=words):
        load_mapping(path)
