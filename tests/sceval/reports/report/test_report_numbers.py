"""The demo round's report, reopened: every number in its text and tables equals the value this
test computes on its own from results.json (and the catalog for each indicator's maximum)."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from sctemplates.catalog import load_catalog
from tests.sceval.reports.report.report_helpers import (ReadBack, half_up, load_results, mean, median,
                                                        numbers_in, own_roster, scored, two)

BEIJING = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def demo(demo_round):
    return demo_round, load_results(demo_round.results), ReadBack(demo_round.report)


def _maxima() -> dict[str, Decimal]:
    """Each indicator's most points, read from the catalog model (not from the report's tree)."""
    catalog = load_catalog()
    maxima = {}
    for first in catalog.first_levels():
        maxima[first.code] = first.weight
        for second in first.children:
            maxima[second.code] = second.weight
            for sub in second.sub_items:
                maxima[sub.code] = sub.weight
    return maxima


def _rate(results: dict, code: str) -> tuple[Decimal, Decimal]:
    values = [c["scores"][code] for c in scored(results) if c["scores"].get(code) is not None]
    return mean(values), half_up(sum(values) * 100 / (len(values) * _maxima()[code]))


def test_the_demo_ends_with_the_report_and_its_pdf(demo):
    run, _results, _report = demo
    assert run.report.name == "评价工作报告.docx" and run.report.is_file()
    assert run.report.with_suffix(".pdf").is_file() == (shutil.which("soffice") is not None)


def test_totals_sentence_and_ranking_table(demo):
    _run, results, report = demo
    totals = [c["total"] for c in scored(results)]
    best = max(totals)
    sentence = report.paragraph("总分平均为")
    assert numbers_in(sentence) == [str(len(totals)), two(mean(totals)), two(median(totals)), two(best),
                                    two(min(totals)), two(best - min(totals))]
    leader = next(c["name"] for c in scored(results) if c["total"] == best)
    assert f"最高为{two(best)}分（{leader}）" in sentence
    ordered = sorted(scored(results), key=lambda c: -c["total"])
    assert [(row[1], row[2]) for row in report.table("城市总分排名")] == [(c["name"], two(c["total"])) for c in ordered]


def test_cities_table_lists_the_roster_with_totals_and_beijing_dates(demo):
    _run, results, report = demo
    rows = report.table("参评城市及报送情况")
    own = {c["code"] for c in own_roster(results)}
    assert [r[1] for r in rows] == [c["name"] for c in own_roster(results)]
    for row, city in zip(rows, [c for c in results["cities"] if c["code"] in own], strict=True):
        assert row[5] == (two(city["total"]) if city["total"] is not None else "—")
        if city["received_at"]:
            day = datetime.fromisoformat(city["received_at"]).astimezone(BEIJING).date()
            assert row[4] == f"{day.year}年{day.month}月{day.day}日"
    kinds = Counter(c["kind"] for c in own_roster(results))
    sentence = report.paragraph("列入评价名单的城市共")
    assert numbers_in(sentence) == [str(len(own)), *map(str, kinds.values()), str(len(scored(results)))]


def test_first_level_rates_table_and_sentence(demo):
    _run, results, report = demo
    rows = report.table("一级指标平均得分率")
    firsts = [f.code for f in load_catalog().first_levels()]
    assert [r[0] for r in rows] == firsts
    rates = {}
    for row in rows:
        average, rate = _rate(results, row[0])
        rates[row[0]] = rate
        assert row[2:] == [str(_maxima()[row[0]]), two(average), f"{two(rate)}%"]
        assert Decimal(0) <= rate <= 100
    sentence = report.paragraph("平均得分率最高的是", "最低的是", "一级指标得分占其满分")
    assert numbers_in(sentence) == [two(max(rates.values())), two(min(rates.values()))]


@pytest.mark.parametrize("title,level", [("平均得分率最高和最低的二级指标", 2), ("平均得分率最高和最低的二级指标分项", 3)])
def test_strongest_and_weakest_are_the_true_ends(demo, title, level):
    _run, results, report = demo
    catalog = load_catalog()
    codes = ([s.code for s in catalog.second_levels()] if level == 2 else [s.code for s in catalog.sub_items()])
    rates = {code: _rate(results, code)[1] for code in codes}
    rows = report.table(title)
    strong = [r for r in rows if r[0] == "优势"]
    weak = [r for r in rows if r[0] == "短板"]
    ordered = sorted(rates.values())
    assert [r[5] for r in strong] == [f"{two(v)}%" for v in sorted(ordered, reverse=True)[:len(strong)]]
    assert [r[5] for r in weak] == [f"{two(v)}%" for v in ordered[:len(weak)]]
    for row in rows:
        assert row[5] == f"{two(rates[row[1]])}%" and row[3] == str(_maxima()[row[1]])
        assert row[4] == two(_rate(results, row[1])[0])


def test_groups_follow_the_catalog_kind_marks(demo):
    _run, results, report = demo
    catalog = load_catalog()
    kinds = list(dict.fromkeys(f.kind for f in catalog.first_levels()))
    rows = report.table("各组一级指标平均得分率")
    assert [r[0] for r in rows] == kinds
    cities = scored(results)
    for row in rows:
        members = [f for f in catalog.first_levels() if f.kind == row[0]]
        maximum = sum(f.weight for f in members)
        points = sum(c["scores"][f.code] for c in cities for f in members)
        assert row[2] == str(maximum)
        assert row[3] == f"{two(half_up(points * 100 / (len(cities) * maximum)))}%"
    rates = [Decimal(r[3].rstrip("%")) for r in rows]
    assert numbers_in(report.paragraph("按指标目录对一级指标的分组")) == [*(two(r) for r in rates), two(max(rates) - min(rates))]
    assert f"{rows[rates.index(max(rates))][0]}最高，比{rows[rates.index(min(rates))][0]}高" in report.paragraph("个百分点")


def test_leaders_table(demo):
    _run, results, report = demo
    for row in report.table("各一级指标领先城市"):
        best = max(c["scores"][row[0]] for c in scored(results))
        assert row[3] == two(best)
        assert row[4] == "、".join(c["name"] for c in scored(results) if c["scores"][row[0]] == best)


def test_points_at_stake(demo):
    _run, results, report = demo
    losing = sorted([c for c in scored(results) if c["points_at_stake"]], key=lambda c: -c["points_at_stake"])
    assert losing, "the demo plants mistakes that cost points"
    rows = report.table("因错误和漏填未得的分值")
    assert [(r[0], r[1]) for r in rows] == [(c["name"], two(c["points_at_stake"])) for c in losing]
    assert [r[2] for r in rows] == [str(sum(1 for i in c["issues"] if i["severity"] == "error")) for c in losing]
    errors = Counter(code for c in scored(results)
                     for code in {i["indicator"] for i in c["issues"] if i["severity"] == "error" and i["indicator"]})
    assert {r[0]: int(r[2]) for r in report.table("有错误的分项（按城市数）")} == dict(errors)
    sentence = report.paragraph("因数据错误或漏填暂未得到")
    assert numbers_in(sentence) == [str(len(losing)), two(sum(c["points_at_stake"] for c in losing)),
                                    two(losing[0]["points_at_stake"])]


def test_issues_by_code(demo):
    _run, results, report = demo
    counted = Counter(i["code"] for c in scored(results) for i in c["issues"])
    counted.update(i["code"] for f in results["files"] if f["status"] == "rejected" for i in f["issues"])
    rows = report.table("数据质量问题（按问题代码）")
    assert {r[0]: int(r[3]) for r in rows} == dict(counted)
    assert [int(r[3]) for r in rows] == sorted(counted.values(), reverse=True)
    # "cities or files": the cities whose counted return has the code, and each unusable file by its city
    where = {code: {c["code"] for c in scored(results) if any(i["code"] == code for i in c["issues"])}
             for code in counted}
    for entry in results["files"]:
        if entry["status"] == "rejected":
            for item in entry["issues"]:
                where[item["code"]].add(entry["city"] or entry["path"])
    cities = {code: len(found) for code, found in where.items()}
    assert {r[0]: int(r[4]) for r in rows} == cities
    top = rows[0][0]
    assert numbers_in(report.paragraph("共记录问题")) == [str(sum(counted.values())), str(len(counted)),
                                                      str(counted[top]), str(cities[top])]


def test_process_counts_files_by_status_and_day(demo):
    _run, results, report = demo
    status = Counter(f["status"] for f in results["files"])
    roster = len(results["roster"])
    sentence = report.paragraph("下发填报模板")
    assert numbers_in(sentence) == [str(roster), "1", str(roster), str(len(results["files"])),
                                    *(str(status[s]) for s in ("counted", "superseded", "rejected", "duplicate",
                                                               "invalidated"))]
    days = Counter(datetime.fromisoformat(f["received_at"]).astimezone(BEIJING).date() for f in results["files"])
    rows = report.table("按日期统计的报送文件（北京时间）")
    assert [(r[0], int(r[1])) for r in rows] == [(f"{d.year}年{d.month}月{d.day}日", n) for d, n in sorted(days.items())]
    missing = [c["name"] for c in results["cities"] if c["status"] == "missing"]
    corrected = [c["name"] for c in results["cities"] if c["status"] == "corrected"]
    outcome = report.paragraph("未报送（")
    assert f"{len(missing)}个城市未报送（{'、'.join(missing)}）" in outcome
    assert f"{len(corrected)}个城市报送了更正版（{'、'.join(corrected)}）" in outcome


def test_completeness_and_optional(demo):
    _run, results, report = demo
    cities = scored(results)
    values = [c["completeness"] for c in cities]
    short = sorted([c for c in cities if c["completeness"] < 100], key=lambda c: c["completeness"])
    expected = [str(len(cities)), two(mean(values)), str(sum(1 for v in values if v == 100)),
                *(two(c["completeness"]) for c in short)]
    assert numbers_in(report.paragraph("平均完整率")) == expected
    optional = results["optional_catalog"]
    seconds = [s for f in optional["indicators"] for s in f["children"]]
    taking = [c for c in cities if c["optional_total"] is not None]
    maximum = optional["indicators"][0]["weight"]
    points = sum(c["optional_total"] for c in taking)
    assert numbers_in(report.paragraph("设置自选指标")) == [
        str(len(seconds)), str(maximum), str(len(taking)), two(mean(c["optional_total"] for c in taking)),
        two(half_up(points * 100 / (len(taking) * maximum)))]
    rows = report.table("浙江省自选指标")
    subs = [s for second in seconds for s in second["sub_items"]]
    assert [r[0] for r in rows] == [code for s in seconds for code in [s["code"], *(x["code"] for x in s["sub_items"])]]
    assert {r[0]: r[2] for r in rows if "-" in r[0]} == {s["code"]: f"占{s['weight_in_parent']}%" for s in subs}


def test_every_number_in_the_text_is_accounted_for(demo):
    """No sentence states a number that is not one of the figures the tests above derived."""
    _run, results, report = demo
    allowed = set()
    for table in report.tables.values():
        for row in table:
            for cell in row:
                allowed.update(numbers_in(cell.replace("%", "")))
    cities = scored(results)
    allowed |= {str(len(results["roster"])), str(len(own_roster(results))), str(len(cities)), str(len(results["files"])), "0", "1",
                "2016", "12", "30"}  # the deadline 2016-12-30 from the province configuration
    allowed |= {str(n) for n in Counter(c["kind"] for c in own_roster(results)).values()}
    own = {c["code"] for c in own_roster(results)}  # a city reporting to the nation: its own total, said apart
    allowed |= {two(c["total"]) for c in results["cities"] if c["code"] not in own and c["total"] is not None}
    allowed |= {two(mean([c["total"] for c in cities])), two(median([c["total"] for c in cities])),
                two(mean([c["completeness"] for c in cities])),
                two(max(c["total"] for c in cities) - min(c["total"] for c in cities)),
                two(sum(c["points_at_stake"] for c in cities)), str(sum(len(c["issues"]) for c in cities)),
                str(len({i["code"] for c in cities for i in c["issues"]})),
                str(sum(1 for c in cities if c["completeness"] == 100)),
                str(sum(1 for c in cities if c["points_at_stake"])),
                str(sum(1 for c in cities if c["optional_total"] is not None)),
                str(sum(1 for s in load_catalog().sub_items() if s.is_provisional))}
    allowed |= {str(len([s for f in results["optional_catalog"]["indicators"] for s in f["children"]]))}
    allowed |= {two(c["completeness"]) for c in cities}
    group_rates = [Decimal(r[3].rstrip("%")) for r in report.table("各组一级指标平均得分率")]
    allowed |= {two(max(group_rates) - min(group_rates))}
    taking = [c["optional_total"] for c in cities if c["optional_total"] is not None]
    optional_max = results["optional_catalog"]["indicators"][0]["weight"]
    allowed |= {two(mean(taking)), two(half_up(sum(taking) * 100 / (len(taking) * optional_max))), str(optional_max)}
    chapter_three = report.paragraphs.index("三、本省新型智慧城市建设优秀案例")  # numbers from cases.json
    stray = {(n, p) for p in report.paragraphs[:chapter_three] for n in numbers_in(p.replace("%", ""))
             if n not in allowed}
    assert not stray


def test_chapter_three_states_each_case_as_cases_json_has_it(demo):
    run, _results, report = demo
    cases_file = run.results.with_name("cases.json")
    assert cases_file.is_file(), "the demo round sends case documents: ingest checks them into cases.json"
    cases = json.loads(cases_file.read_text(encoding="utf-8"))["files"]
    assert cases
    rows = report.table("优秀案例检查结果")
    assert [(r[1], r[3], r[4]) for r in rows] == [((c["city"] or {}).get("name", "（未识别城市）"), str(c["characters"]),
                                                  str(c["figures"] + c["tables"])) for c in cases]
    for case in cases:
        facts = f"字数{case['characters']}，图{case['figures']}个、表{case['tables']}个"
        assert any(p.startswith(facts) for p in report.paragraphs), facts
        for item in case["issues"]:
            said = item["message"].replace(case["file"], Path(case["file"]).name).rstrip("。")  # file by its name
            assert any(said in p for p in report.paragraphs if p.startswith("检查提示：")), said


def test_maturity_stages_count_the_cities_in_each_band(demo):
    _run, results, report = demo
    bands = load_catalog().maturity_bands  # the catalog model, not the report's reading of it
    assert bands
    totals = [c["total"] for c in scored(results)]
    expected = [sum(1 for t in totals if b.low <= t < b.high or (b is bands[-1] and t == b.high)) for b in bands]
    rows = report.table("各成熟度阶段城市数")
    assert [r[0] for r in rows] == [b.name for b in bands]
    assert [int(r[2]) for r in rows] == expected and sum(expected) == len(totals)


def test_the_ledger_sentence_counts_every_submission_of_the_round(demo, tmp_path):
    import hashlib
    import sqlite3

    from sceval.reports.report import write_report
    from sceval.reports.report.ledger_view import LEDGER_FILE

    run, results, _report = demo
    ledger = run.results.with_name(LEDGER_FILE)
    before = hashlib.sha256(ledger.read_bytes()).hexdigest()
    report = ReadBack(write_report([run.results], out=tmp_path / "again.docx"))
    assert hashlib.sha256(ledger.read_bytes()).hexdigest() == before  # read on a copy, never altered
    with sqlite3.connect(f"{ledger.as_uri()}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT sha256, status, invalidated, received_at FROM submissions").fetchall()
    counted = {c["sha256"] for c in results["cities"] if c.get("total") is not None}  # apart cities too
    status = Counter("invalidated" if r[2] else "rejected" if r[1] == "rejected" else
                     "counted" if r[0] in counted else "superseded" for r in rows)
    days = sorted(datetime.fromisoformat(r[3]).astimezone(BEIJING).date() for r in rows)
    sentence = report.paragraph("报送台账记录了")
    assert numbers_in(sentence) == [str(len(rows)), str(status["counted"]), str(status["superseded"]),
                                    str(status["rejected"]), str(status["invalidated"]),
                                    str(days[0].year), str(days[0].month), str(days[0].day),
                                    str(days[-1].year), str(days[-1].month), str(days[-1].day)]


def test_every_rate_in_the_report_is_on_one_scale_and_never_above_100(demo):
    _run, _results, report = demo
    rates = [Decimal(cell.rstrip("%")) for table in report.tables.values() for row in table[1:] for cell in row
             if cell.endswith("%") and not cell.startswith("占")]
    assert len(rates) > 20
    assert all(Decimal(0) <= rate <= 100 for rate in rates)
