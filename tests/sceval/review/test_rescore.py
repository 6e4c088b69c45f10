"""Rescoring from stored inputs under an edited catalog (issue 16, item 4).

Three real returns, ingested under the bundled catalog; the catalog is exported, its provisional
weights edited in openpyxl and loaded back. `rescore` from results.json, a fresh ingest of the
same files under the edited catalog, and a computation written out here from the edited
catalog's weights (Decimal half-up at every level) must agree for every city and indicator.
"""
from __future__ import annotations

import re

import json
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from sctemplates.catalog import load_catalog
from sctemplates.catalog_workbook import sheets as S

from sceval.ingest.batch import IngestOptions, ingest
from sceval.review.rescore import RescoreRefused
from sceval.state.rescoring import rescore_folder
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang
from tests.sctemplates.catalog_workbook.helpers import cell_of, edit, exported, set_values

CATALOG = base_catalog()
ROSTER = zhejiang()
CITIES = [c for c in ROSTER.cities if c.kind != "计划单列市"][:3]  # 宁波 reports to the nation: not ranked here


def cent(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def answers(seed: int) -> dict:
    """A complete return with uneven answers, so that every weight matters."""
    rng = random.Random(seed)
    values = valid_values(CATALOG)
    for _, sub, item in CATALOG.inputs():
        if not item.city_fills or sub is None:
            continue
        if item.choices:
            values[item.name] = rng.choice(item.choices).label
        elif item.role == "denominator":
            values[item.name] = 1000
        elif item.role == "numerator":
            values[item.name] = rng.randint(0, 1000)
        else:
            values[item.name] = rng.randint(0, 40) / 10
    return values


def by_hand(catalog, values: dict) -> dict[str, Decimal]:
    """Every score from the answers and ``catalog``'s weights, written out independently."""
    scores, total = {}, Decimal(0)
    for first in catalog.indicators:
        first_score = Decimal(0)
        for second in first.children:
            if second.method:  # the survey: no feed given, 0
                scores[second.code] = Decimal("0.00")
                continue
            subs = Decimal(0)
            for sub in second.sub_items:
                scores[sub.code] = cent(sub.weight * fraction(sub, values))
                subs += scores[sub.code]
            scores[second.code] = cent(second.weight * subs / 100)
            first_score += scores[second.code]
        scores[first.code] = first_score
        total += first_score
    scores["total"] = total
    return scores


def fraction(sub, values: dict) -> Decimal:
    named = {item.role: item for item in sub.inputs}
    if "choice" in named:
        label = values[named["choice"].name]
        return next(c.fraction for c in named["choice"].choices if c.label == label)
    if "numerator" in named:
        num = Decimal(str(values[named["numerator"].name]))
        den = Decimal(str(values[named["denominator"].name]))
        return min(num, den) / den
    if "value" in named:
        target = dict(sub.params)["target"]
        return min(max(Decimal(str(values[named["value"].name])), Decimal(0)), target) / target
    return Decimal(0)  # central: no feed given


@pytest.fixture(scope="module")
def returns(tmp_path_factory):
    folder = tmp_path_factory.mktemp("returns")
    made = {}
    for index, city in enumerate(CITIES):
        template = render(CATALOG, city, ROSTER, folder / "templates")
        values = answers(index)
        made[city.code] = values
        fill(template, folder / "in" / f"{city.code}_{city.name}.xlsx", values)
    return folder / "in", made


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """Provisional sub-item weights moved in three second levels, one second-level weight pair."""
    folder = tmp_path_factory.mktemp("catalog")
    provisional = [sub for sub in CATALOG.sub_items() if "weight" in sub.provisional]
    seconds = []
    for sub in provisional:
        parent = next(s for s in CATALOG.second_levels() if sub in s.sub_items)
        if len(parent.sub_items) == 3 and parent not in seconds and all(
                "weight" in s.provisional for s in parent.sub_items):
            seconds.append(parent)
    weights = {}
    for parent, new in zip(seconds[:3], ([50, 30, 20], [20, 20, 60], [10, 45, 45])):
        weights.update({(s.code, "权重（%）"): w for s, w in zip(parent.sub_items, new)})
    path = edit(exported(folder), folder / "修订目录.xlsx", set_values(S.SHEET_SUB, weights))
    revised = load_catalog(path)
    assert revised.fingerprint() != CATALOG.fingerprint()
    assert revised.input_contract_fingerprint() == CATALOG.input_contract_fingerprint()
    return path, revised


def _ingest(inputs, out, catalog):
    options = IngestOptions(catalog=catalog, roster=ROSTER, jobs=1, ledger_path=out / "ledger.sqlite",
                            workbooks=False, draws=50)
    return ingest([inputs], out, options)


def _scores(results: dict) -> dict[str, dict]:
    return {c["code"]: {**c["scores"], "total": c["total"]} for c in results["cities"] if c.get("scores")}


def test_rescore_equals_ingest_under_the_edited_catalog_and_the_hand_computation(returns, edited, tmp_path):
    inputs, values = returns
    path, revised = edited
    _ingest(inputs, tmp_path / "old", CATALOG)
    done = rescore_folder(tmp_path / "old", tmp_path / "new", path, draws=50)
    fresh = _ingest(inputs, tmp_path / "fresh", revised).results
    rescored = json.loads((tmp_path / "new" / "results.json").read_text(encoding="utf-8"))
    assert _scores(rescored) == _scores(fresh)
    assert len(_scores(rescored)) == len(CITIES)
    for code, scores in _scores(rescored).items():
        expected = by_hand(revised, values[code])
        assert {k: Decimal(str(v)) for k, v in scores.items()} == expected, code
    old = json.loads((tmp_path / "old" / "results.json").read_text(encoding="utf-8"))
    assert _scores(old) != _scores(rescored)  # the edit really moved scores
    assert rescored["catalog"]["fingerprint"] == revised.fingerprint()
    assert done.changes_path.is_file() and done.summary_path.is_file()


def test_the_changes_workbook_lists_old_and_new_totals(returns, edited, tmp_path):
    import openpyxl

    inputs, _ = returns
    path, _ = edited
    _ingest(inputs, tmp_path / "old", CATALOG)
    done = rescore_folder(tmp_path / "old", tmp_path / "new", path, draws=0)
    sheet = openpyxl.load_workbook(done.changes_path)["变动对比"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "原总分" in r)
    old = json.loads((tmp_path / "old" / "results.json").read_text(encoding="utf-8"))
    new = json.loads((tmp_path / "new" / "results.json").read_text(encoding="utf-8"))
    body = {r[header.index("城市代码")]: r for r in rows[rows.index(header) + 1:] if r[0]}
    for city in new["cities"]:
        if city.get("total") is None:
            continue
        row = body[city["code"]]
        before = next(c for c in old["cities"] if c["code"] == city["code"])
        assert row[header.index("原总分")] == before["total"] and row[header.index("新总分")] == city["total"]
        assert row[header.index("新排名")] == city["rank"]
        moved = row[header.index("变动最大的分项")]
        assert moved and "→" in moved
        # each move as scores are shown everywhere: two decimals on both sides
        assert all(re.fullmatch(r".+：\d+\.\d\d → \d+\.\d\d", line) for line in moved.splitlines()), moved


def test_a_catalog_asking_for_other_inputs_is_refused(returns, tmp_path):
    inputs, _ = returns
    _ingest(inputs, tmp_path / "old", CATALOG)

    def new_input(book):  # L1P2-A1 turns from a graded choice into a ratio of two counts
        subs = book[S.SHEET_SUB]
        subs[cell_of(subs, "L1P2-A1", "计分方法")] = "比例"
        subs[cell_of(subs, "L1P2-A1", "分档表")] = None
        book[S.SHEET_INPUTS].append(["L1P2-A1", "分子", "已发布交通运行指数的路段数", "个"])
        book[S.SHEET_INPUTS].append(["L1P2-A1", "分母", "主要路段数", "个"])

    path = edit(exported(tmp_path), tmp_path / "输入.xlsx", new_input)
    with pytest.raises(RescoreRefused, match="输入约定"):
        rescore_folder(tmp_path / "old", tmp_path / "new", path)
    assert not (tmp_path / "new" / "results.json").exists()


def test_results_carry_ranks_intervals_and_the_sensitivity_block(returns, tmp_path):
    inputs, _ = returns
    results = _ingest(inputs, tmp_path / "old", CATALOG).results
    scored = [c for c in results["cities"] if c.get("total") is not None]
    assert sorted(c["rank"] for c in scored) == list(range(1, len(scored) + 1))
    for city in scored:
        low, high = city["rank_interval"]
        assert low <= city["rank_median"] <= high
    missing = [c for c in results["cities"] if c.get("total") is None]
    assert missing and all(c["rank"] is None and c["rank_interval"] is None for c in missing)
    block = results["sensitivity"]
    assert (block["draws"], block["noise"], block["seed"]) == (50, 0.25, 2016)
    assert set(block["varied"]) == {s.code for s in CATALOG.sub_items() if "weight" in s.provisional}


def test_the_summary_has_the_rank_stability_sheet_with_its_chart(returns, tmp_path):
    import openpyxl

    inputs, _ = returns
    _ingest(inputs, tmp_path / "old", CATALOG)
    done = rescore_folder(tmp_path / "old", tmp_path / "new", draws=200)
    book = openpyxl.load_workbook(done.summary_path)
    sheet = book["排名稳定性"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r[0] == "排名")
    body = [r for r in rows[rows.index(header) + 1:] if r[0] is not None]
    by_code = {c["code"]: c for c in done.results["cities"] if c.get("rank")}
    assert len(body) == len(by_code) == len(CITIES)
    for row in body:
        city = by_code[row[header.index("城市代码")]]
        assert [row[0], row[header.index("区间下限（5%）")], row[header.index("区间上限（95%）")]] == [
            city["rank"], *city["rank_interval"]]
    sentence = " ".join(str(r[0]) for r in rows[:rows.index(header)] if r[0])
    assert "抽样 200 次" in sentence and ("尚未确定" in sentence or "已确定" in sentence)
    assert len(sheet._charts) == 1  # openpyxl keeps the native chart it read
    without = rescore_folder(tmp_path / "old", tmp_path / "none", draws=0)
    assert "排名稳定性" not in openpyxl.load_workbook(without.summary_path).sheetnames


def test_cli_rescore_refuses_an_unusable_folder_and_rescores_a_good_one(returns, edited, tmp_path):
    from typer.testing import CliRunner

    from sceval.cli.app import app

    inputs, _ = returns
    path, revised = edited
    runner = CliRunner()
    empty = runner.invoke(app, ["rescore", str(tmp_path), "--out", str(tmp_path / "x")])
    assert empty.exit_code == 2 and "没有 results.json" in empty.output
    _ingest(inputs, tmp_path / "old", CATALOG)
    done = runner.invoke(app, ["rescore", str(tmp_path / "old"), "--catalog", str(path), "--out",
                               str(tmp_path / "new"), "--draws", "30", "--seed", "9"])
    assert done.exit_code == 0, done.output
    assert "按修订后的计分规则重新计分" in done.output and "变动对比" in done.output
    results = json.loads((tmp_path / "new" / "results.json").read_text(encoding="utf-8"))
    assert results["sensitivity"]["seed"] == 9 and results["catalog"]["fingerprint"] == revised.fingerprint()
    assert any(i["code"] == "ID_RULES_REVISED" for i in results["run_issues"])


def test_a_national_summary_ranks_all_cities_together(returns, tmp_path):
    import openpyxl

    from sceval.reports.summary.workbook import write_summary

    inputs, _ = returns
    one = _ingest(inputs, tmp_path / "a", CATALOG).results
    other = json.loads(json.dumps(one))
    other["province"] = {"code": "320000", "name": "江苏省"}
    for city in other["cities"]:
        city["code"] = "32" + city["code"][2:]
        if city.get("total") is not None:
            city["total"] = round(city["total"] - 0.5, 2)  # below its Zhejiang twin, by a little
    sheet = openpyxl.load_workbook(write_summary([one, other], tmp_path / "全国.xlsx"))["排名稳定性"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r[0] == "排名")
    ranks = [r[0] for r in rows[rows.index(header) + 1:] if r[0] is not None]
    assert sorted(ranks) == list(range(1, 2 * len(CITIES) + 1))  # one national order, not two


def test_stored_inputs_are_enough_optional_indicators_central_values_and_errors(tmp_path):
    """Rescoring under the same catalog reproduces ingest exactly: optional indicators, the
    secretariat's values, a return with unusable and out-of-rule values, points at stake."""
    from decimal import Decimal as D

    from sctemplates.optional.definition import load_optional

    from sceval.demo.round import INPUTS_DIR

    optional = load_optional(INPUTS_DIR / "optional_330000_浙江省.xlsx", CATALOG)
    takes, direct = next(c for c in ROSTER.cities if c.takes_optional), next(c for c in ROSTER.cities if not c.takes_optional)
    sub = next(s for s in CATALOG.sub_items() if s.method == "ratio")
    num, den = sub.input("numerator").name, sub.input("denominator").name
    broken = {num: "约100", den: 0}
    paths = []
    for city, extra in ((takes, {}), (direct, broken)):
        template = render(CATALOG, city, ROSTER, tmp_path / "t", optional=optional)
        values = valid_values(CATALOG) | (valid_values(optional) if city.takes_optional else {}) | extra
        paths.append(fill(template, tmp_path / "in" / f"{city.code}.xlsx", values))
    central = [item for _, _, item in CATALOG.inputs() if not item.city_fills]
    feed = {takes.code: {item.name: D("61.37") for item in central}}
    out = tmp_path / "out"
    ingest([tmp_path / "in"], out, IngestOptions(CATALOG, central=feed, optional=optional, roster=ROSTER, jobs=1,
                                                 ledger_path=out / "ledger.sqlite", workbooks=False, draws=0))
    done = rescore_folder(out, tmp_path / "again", draws=0, workbooks=False)
    keys = ("scores", "total", "optional_total", "points_at_stake", "status")
    before = {c["code"]: {k: c.get(k) for k in keys} for c in done.before["cities"] if c.get("scores")}
    after = {c["code"]: {k: c.get(k) for k in keys} for c in done.results["cities"] if c.get("scores")}
    assert before == after and set(before) == {takes.code, direct.code}
    assert before[takes.code]["optional_total"] and before[direct.code]["status"] == "has_errors"
    survey = next(s for s in CATALOG.second_levels() if s.method == "survey")
    assert after[takes.code]["scores"][survey.code] == float(cent(survey.weight * D("61.37") / 100)) > 0
    codes = {i["code"] for c in done.results["cities"] if c["code"] == direct.code for i in c["issues"]}
    assert {"RATIO_DEN_ZERO"} <= codes or any(code.startswith("VAL_") for code in codes)
