"""sceval.api.load_results: real results.json files and summary workbooks, read as DataFrames."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from sceval.api import ResultsRefused, load_results
from sceval.reports.summary.workbook import write_summary
from tests.sceval.results_factory import make_results

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def round_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("api")
    zhejiang = make_results(province_code="330000", seed=11, n_roster=7, n_submitted=5)
    jiangsu = make_results(province_code="320000", seed=12, n_roster=6, n_submitted=4)
    zj_json, js_json = folder / "zj.json", folder / "js.json"
    zj_json.write_text(json.dumps(zhejiang, ensure_ascii=False), encoding="utf-8")
    js_json.write_text(json.dumps(jiangsu, ensure_ascii=False), encoding="utf-8")
    return zhejiang, jiangsu, zj_json, js_json, write_summary(jiangsu, folder / "汇总_江苏省.xlsx")


def test_cities_totals_equal_results_json_as_exact_decimals(round_files):
    zhejiang, _, zj_json, _, _ = round_files
    cities = load_results(zj_json).cities
    expected = {c["code"]: c["total"] for c in zhejiang["cities"]}
    assert len(cities) == len(expected) == 7
    got = dict(zip(cities["城市代码"], cities["总分"]))
    assert got.keys() == expected.keys()
    for code, total in expected.items():
        if total is None:
            assert got[code] is None
        else:
            assert isinstance(got[code], Decimal) and got[code] == Decimal(str(total))
    assert cities["总分"].dtype == object


def test_the_national_view_of_a_results_json_and_a_summary_workbook(round_files):
    zhejiang, jiangsu, zj_json, _, js_book = round_files
    national = load_results(zj_json, js_book)
    assert set(national.cities["省份"]) == {"浙江省", "江苏省"}
    assert len(national.cities) == len(zhejiang["cities"]) + len(jiangsu["cities"])
    ranks = [r for r in national.cities["排名"] if r is not None]
    assert ranks == sorted(ranks) and ranks[0] == 1 and len(ranks) == 9  # ranked across provinces
    wuxi = national.cities[national.cities["城市代码"] == jiangsu["cities"][1]["code"]].iloc[0]
    assert wuxi["状态"] == "有错误" and wuxi["待补分值"] == Decimal("2.67")
    assert national.sources == (str(zj_json), str(js_book))


def test_a_list_of_paths_is_the_same_as_the_paths(round_files):
    """An analyst passes what glob gives: a list (the 湖南 trial got a TypeError traceback)."""
    _, _, zj_json, _, js_book = round_files
    listed = load_results([zj_json, js_book])
    separate = load_results(zj_json, js_book)
    assert listed.sources == separate.sources == (str(zj_json), str(js_book))
    assert listed.cities.equals(separate.cities) and len(listed.cities) == 13


def test_scores_hold_every_indicator_with_level_and_maximum(round_files):
    zhejiang, _, zj_json, _, _ = round_files
    scores = load_results(zj_json).scores
    city = zhejiang["cities"][0]
    mine = scores[scores["城市代码"] == city["code"]]
    assert set(mine["指标代码"]) == set(city["scores"])
    for row in mine.itertuples(index=False):
        assert row.得分 == Decimal(str(city["scores"][row.指标代码])) and isinstance(row.满分, Decimal)
    firsts = mine[mine["层级"] == "一级指标"]
    assert len(firsts) == 8 and sum(firsts["得分"]) == Decimal(str(city["total"]))
    assert set(mine["层级"]) >= {"一级指标", "二级指标", "二级指标分项", "自选指标·二级指标分项"}
    assert set(mine["暂定"]) == {"是", "否"}


def test_issues_name_city_file_code_and_cell(round_files):
    zhejiang, _, zj_json, _, _ = round_files
    issues = load_results(zj_json).issues
    city = zhejiang["cities"][1]
    expected = [(city["code"], city["file"], i["code"], i["cell"]) for i in city["issues"]]
    assert expected
    assert list(zip(issues["城市代码"], issues["文件"], issues["问题代码"], issues["单元格"])) == expected
    assert set(issues["严重程度"]) == {"错误", "警告"}


def test_refusals_raise_with_their_codes(round_files, tmp_path):
    _, _, zj_json, _, _ = round_files
    with pytest.raises(ResultsRefused) as refused:
        load_results(zj_json, zj_json)
    assert [i.code for i in refused.value.issues] == ["MERGE_SAME_PROVINCE"]
    broken = tmp_path / "坏.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ResultsRefused, match="JSON 格式错误"):
        load_results(broken)


def test_pandas_is_imported_by_the_api_only():
    code = "import sys, sceval.cli.app, sceval.export, sceval.reports.tables; print('pandas' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert shown.stdout.strip() == "False"
    importers = [p.relative_to(ROOT).as_posix() for folder in ("sceval", "sctemplates")
                 for p in (ROOT / folder).rglob("*.py") if "import pandas" in p.read_text(encoding="utf-8")]
    assert importers == ["sceval/api.py"]
