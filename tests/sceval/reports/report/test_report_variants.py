"""The national variant, chapter 三 from cases.json, and the fall-backs: a rejected city, a full
catalog in results.json, a catalog without group marks, no optional indicators; and the CLI."""
from __future__ import annotations

import copy
import json

from typer.testing import CliRunner

from sctemplates.catalog import load_catalog
from sctemplates.export import catalog_as_dict
from sceval.cli.app import app
from sceval.reports.report import write_report
from tests.sceval.results_factory import make_results
from tests.sceval.reports.report.fixtures import cases_json, national_pair, province_results, with_rejected_city
from tests.sceval.reports.report.report_helpers import (ReadBack, half_up, load_results, mean, median,
                                                        numbers_in, scored, two)


def _report(tmp_path, results, **options) -> ReadBack:
    return ReadBack(write_report(results, out=tmp_path / "报告.docx", **options))


def _exact(results: dict) -> dict:
    """The dict as results.json holds it, read back with exact Decimals."""
    path_text = json.dumps(results, ensure_ascii=False)
    return json.loads(path_text, parse_float=__import__("decimal").Decimal)


def test_national_report_compares_province_averages_and_their_spread(tmp_path):
    pair = national_pair()
    report = _report(tmp_path, pair)
    exact = [_exact(r) for r in pair]
    rows = report.table("各省城市总分")
    assert [r[0] for r in rows] == [r["province"]["name"] for r in pair]
    means = []
    for row, results in zip(rows, exact):
        totals = [c["total"] for c in scored(results)]
        means.append(mean(totals))
        assert row[1:] == [str(len(totals)), two(mean(totals)), two(median(totals)), two(max(totals)),
                           two(min(totals)), two(max(totals) - min(totals))]
    sentence = report.paragraph("个省（区、市）的城市平均分最高为")
    assert numbers_in(sentence) == [str(len(pair)), two(max(means)), two(min(means)), two(max(means) - min(means))]
    assert "本报告汇总了2个省（区、市）的评价结果：浙江省、江苏省" in report.paragraph("本报告汇总了")
    assert report.paragraphs[0] == "2016年新型智慧城市评价工作报告（全国汇总）"
    assert {"一、各省组织评价工作概况", "二、新型智慧城市经验总结", "三、新型智慧城市建设优秀案例"} <= set(report.paragraphs)
    ranking = report.table("城市总分排名")
    assert len(ranking) == sum(len(scored(r)) for r in exact)
    assert all(r[1].startswith(("浙江省", "江苏省")) for r in ranking)  # cities named with their province


def test_chapter_three_lists_each_checked_case(tmp_path):
    cases = cases_json()
    report = _report(tmp_path, [province_results()], cases=cases)
    rows = report.table("优秀案例检查结果")
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        ("杭州市", "城市大脑赋能城市治理", "6234", "6"), ("温州市", "一网通办惠民生", "9012", "12"),
        ("（未识别城市）", "（无标题）", "3000", "0")]
    assert [r[5] for r in rows] == ["符合编制要点", "不符合编制要点", "基本符合，有需核实的提示"]
    wenzhou = report.paragraph("字数9012")
    assert "缺少特色亮点部分" in wenzhou and "符合情况：不符合编制要点" in wenzhou
    assert "超过8000字" in report.paragraph("检查提示：温州市_案例.docx")
    opening = report.paragraph("开篇：杭州市以城市大脑为抓手")
    assert opening.endswith("抓手……") and len(opening) <= len("开篇：") + 200 + 2  # after a whole clause
    assert "（一）杭州市：城市大脑赋能城市治理" in report.paragraphs
    assert "共检查优秀案例3篇" in report.paragraph("共检查优秀案例")


def test_without_cases_chapter_three_asks_the_official(tmp_path):
    report = _report(tmp_path, [province_results()])
    assert any(p.startswith("【请补充：本省推荐的新型智慧城市建设优秀案例") for p in report.paragraphs)


def test_a_rejected_city_is_named_and_not_scored(tmp_path):
    results = with_rejected_city(province_results())
    report = _report(tmp_path, [results])
    city = next(c for c in results["cities"] if c["status"] == "rejected")
    assert f"1个城市的报送均无法采用（{city['name']}）" in report.paragraph("均无法采用")
    row = next(r for r in report.table("参评城市及报送情况") if r[1] == city["name"])
    assert row[3:] == ["已报送但无法采用", "2016年12月22日", "—", ""]  # no total, no 审核调整 mark
    quality = {r[0]: r[3] for r in report.table("数据质量问题（按问题代码）")}
    assert quality["FILE_LEGACY_XLS"] == "1"  # from the file, not again from the city's entry
    assert numbers_in(report.paragraph("列入评价名单的城市共"))[-1] == str(len(scored(_exact(results))))


def test_a_full_catalog_in_results_is_used_and_unmarked_groups_derive_nothing(tmp_path):
    results = province_results()
    tree = catalog_as_dict(load_catalog())
    for first in tree["indicators"]:
        first["kind"] = ""
    results["catalog"] = tree
    report = _report(tmp_path, [results])
    assert "指标目录未标注一级指标的分组" in report.paragraph("未标注一级指标的分组")
    assert "各组一级指标平均得分率" not in report.tables


def test_a_full_catalog_gives_the_maxima_of_the_rates(tmp_path):
    """A catalog in results.json whose L1 is worth twice as much halves L1's rate."""
    results = province_results()
    tree = catalog_as_dict(load_catalog())
    tree["indicators"][0]["weight"] *= 2
    results["catalog"] = tree
    row = _report(tmp_path, [results]).table("一级指标平均得分率")[0]
    exact = _exact(results)
    values = [c["scores"]["L1"] for c in scored(exact)]
    assert row[2] == str(tree["indicators"][0]["weight"])
    assert row[4] == f"{two(half_up(sum(values) * 100 / (len(values) * tree['indicators'][0]['weight'])))}%"


def test_no_optional_indicators_is_said(tmp_path):
    report = _report(tmp_path, [province_results(optional=False)])
    assert "本省未设置自选指标。" in report.paragraphs


def test_another_catalog_fingerprint_is_noted(tmp_path):
    results = copy.deepcopy(province_results())
    results["catalog"]["fingerprint"] = "0000000000000000"
    assert "指纹（0000000000000000）" in _report(tmp_path, [results]).paragraph("不一致")


def test_cli_writes_the_report_and_refuses_bad_input(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(province_results(), ensure_ascii=False), encoding="utf-8")
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps(cases_json(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out" / "评价工作报告.docx"
    runner = CliRunner()
    done = runner.invoke(app, ["report", str(results), "--cases", str(cases), "--province",
                               "sceval/demo/inputs/province_330000.yaml", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert out.is_file() and "已生成评价工作报告" in done.output
    assert "城市大脑赋能城市治理" in ReadBack(out).table("优秀案例检查结果")[0]
    assert "示例联系人甲（虚构）" in ReadBack(out).paragraph("评价工作联系人")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    refused = runner.invoke(app, ["report", str(results), "--cases", str(bad), "--out", str(tmp_path / "x.docx")])
    assert refused.exit_code == 2 and "无法读取优秀案例检查结果" in refused.output
    assert not (tmp_path / "x.docx").exists()


def test_the_same_numbers_come_from_a_results_file_on_disk(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(province_results(), ensure_ascii=False), encoding="utf-8")
    report = ReadBack(write_report([results], out=tmp_path / "r.docx"))
    totals = [c["total"] for c in scored(load_results(results))]
    assert numbers_in(report.paragraph("总分平均为"))[1] == two(mean(totals))


def test_chapter_three_from_the_real_case_checker(tmp_path):
    """Case templates written and checked by `sceval cases`, their cases.json read by the report."""
    from sctemplates.roster import load_roster
    from sceval.cases.check import check_cases
    from sceval.cases.template import write_case_templates
    from sceval.demo.round import INPUTS_DIR

    roster = load_roster(INPUTS_DIR / "roster_330000_浙江省.csv")
    write_case_templates(roster, tmp_path / "cases")
    checked = check_cases([tmp_path / "cases"], roster=roster, out_dir=tmp_path / "checked")
    cases = json.loads(checked.path.read_text(encoding="utf-8"))
    rows = _report(tmp_path, [province_results()], cases=checked.path).table("优秀案例检查结果")
    assert len(rows) == len(cases["files"]) == len(roster.cities)
    labels = {"ok": "符合编制要点", "warnings": "基本符合，有需核实的提示", "rejected": "不符合编制要点"}
    for row, case in zip(rows, cases["files"]):
        assert row[1] == case["city"]["name"] and row[3] == str(case["characters"])
        assert row[4] == str(case["figures"] + case["tables"]) and row[5] == labels[case["status"]]


def test_a_round_with_no_return_yet_still_gives_a_report(tmp_path):
    results = province_results(n_submitted=0, optional=False)
    del results["roster"]  # an older results.json: the cities list is the roster
    report = _report(tmp_path, [results])
    assert "本轮没有已计分的城市，无法进行得分分析。" in report.paragraphs
    assert "没有已计分的城市，无法统计数据完整性。" in report.paragraphs
    assert f"{len(results['cities'])}个城市未报送" in report.paragraph("个城市未报送")
    assert [r[3] for r in report.table("参评城市及报送情况")] == ["未报送"] * len(results["cities"])


def test_cli_takes_cases_json_from_beside_results_json(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(province_results(), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "cases.json").write_text(json.dumps(cases_json(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "r.docx"
    done = CliRunner().invoke(app, ["report", str(results), "--out", str(out)])
    assert done.exit_code == 0 and "使用计分结果旁的优秀案例检查结果" in done.output
    assert len(ReadBack(out).table("优秀案例检查结果")) == 3


def test_provinces_scored_with_different_catalogs_are_noted(tmp_path):
    pair = national_pair()
    pair[1]["catalog"] = dict(pair[1]["catalog"], fingerprint="ffffffffffffffff")
    assert "各省计分结果所用的指标目录不同" in _report(tmp_path, pair).paragraph("指标目录不同")


def test_a_catalog_without_maturity_bands_names_no_stage(tmp_path):
    results = province_results()
    tree = catalog_as_dict(load_catalog())
    tree.pop("maturity_bands", None)
    results["catalog"] = tree
    report = _report(tmp_path, [results])
    assert "各成熟度阶段城市数" not in report.tables
    assert {r[3] for r in report.table("城市总分排名")} == {"—"}


def test_another_province_s_configuration_is_not_used(tmp_path):
    results = make_results(province_code="320000", n_roster=5, n_submitted=4, seed=3)
    report = _report(tmp_path, [results], province="sceval/demo/inputs/province_330000.yaml")
    assert "所给省级评价配置属于浙江省（330000），计分结果属于江苏省（320000）" in report.paragraph("本报告未采用该配置")
    assert not any("示例联系人" in p for p in report.paragraphs)


def test_an_unreadable_feed_cell_is_counted_among_the_feeds_problems(tmp_path):
    """QA round (江苏): the feed's 八十分 (CENTRAL_BAD, on 盐城's row as ingest puts it) was
    reported as “统一数据文件中发现问题0处”."""
    results = copy.deepcopy(province_results())
    city = next(c for c in results["cities"] if c["status"] in ("submitted", "has_errors"))
    city["issues"].append({"code": "CENTRAL_BAD", "severity": "error", "sheet": "秘书处统一数据", "cell": "E12",
                           "indicator": "L8P1", "file": "统一数据.xlsx",
                           "message": "秘书处统一数据文件 统一数据.xlsx：工作表“秘书处统一数据” 单元格 E12：填写的“八十分”无法确定为一个数值"})
    city["points_at_stake"] = 20.0  # the survey's points, pending as ingest keeps them
    report = _report(tmp_path, [results])
    assert "统一数据文件中发现问题1处" in report.paragraph("统一数据文件中发现问题")
    assert "八十分" in report.paragraph("统一数据问题：")
    at_stake = report.paragraph("暂未得到共")
    assert "城市更正后可以得到" not in at_stake  # the feed's error is not the city's to correct
    assert f"其中{city['name']}的未得分值含秘书处统一数据中无法读取的数值，由秘书处更正" in at_stake


def test_the_report_dates_a_return_by_the_time_it_carries_not_the_disk_time(tmp_path):
    """Issue 19: a file copied into the inbox on 12-28 (its mtime) that was filled on 12-18."""
    results = province_results()
    city = next(c for c in results["cities"] if c["status"] == "submitted")
    row = next(f for f in results["files"] if f["sha256"] == city["sha256"])
    assert not row.get("message")
    row.update(received_at="2016-12-28T02:00:00+00:00", order_basis="filed", order_time="2016-12-18")
    city["received_at"] = row["received_at"]
    report = _report(tmp_path, [results])
    shown = next(r for r in report.table("参评城市及报送情况") if r[1] == city["name"])
    assert shown[4] == "2016年12月18日"


def test_the_national_ranking_marks_totals_with_review_adjustments(tmp_path):
    """The national report's 表1 has no city totals: 城市总分排名 carries the 审核调整 mark and its note."""
    pair = national_pair()
    city = scored(pair[1])[0]
    city["adjustments"] = [{"id": n, "input": name, "original": 1, "adjusted": 2, "why": "电话核实", "by": "省审核组",
                            "at": "2016-12-26T02:00:00+00:00"} for n, name in enumerate(("SC_A_NUM", "SC_A_DEN"), 1)]
    report = _report(tmp_path, pair)
    label = f"{pair[1]['province']['name']}{city['name']}"
    marks = {row[1]: row[4] for row in report.table("城市总分排名")}
    assert marks.pop(label) == "2 项" and set(marks.values()) == {""}
    assert f"（{label}）" in report.paragraph("注：“审核调整”列")
