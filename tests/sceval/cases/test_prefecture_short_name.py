"""An autonomous prefecture is known by its short name (seen in a 四川 round: “凉山州案例.docx” was
“文档属性和文件名中都没有城市信息”, and a case about 凉山州 named for another city did not disagree).
Real .docx files, checked against a real 四川 roster."""
from __future__ import annotations

import pytest

from sceval.cases import check_case_file
from sctemplates.roster import load_roster
from tests.sceval.cases.factory import CaseBuilder

ROSTER_TEXT = "代码,名称,类型\n510100,成都市,副省级市\n510500,泸州市,地级市\n513400,凉山彝族自治州,自治州\n"


@pytest.fixture(scope="module")
def roster(tmp_path_factory):
    path = tmp_path_factory.mktemp("roster") / "名单.csv"
    path.write_text(ROSTER_TEXT, encoding="utf-8")
    return load_roster(path)


def _case(title: str, body: str) -> CaseBuilder:
    builder = CaseBuilder("builtin")
    builder.title(title)
    for number, heading in (("一、", "背景与需求"), ("二、", "主要做法"), ("三、", "特色亮点"), ("四、", "应用成效")):
        builder.heading(heading, 1, number)
        builder.para(body)
    return builder


def test_a_file_named_with_the_short_prefecture_name_belongs_to_it(roster, tmp_path):
    path = _case("远程医疗进乡村", "全州乡镇卫生院开通远程会诊。").save(tmp_path / "凉山州案例.docx")
    record = check_case_file(path, roster=roster)
    assert record.city == {"code": "513400", "name": "凉山彝族自治州"} and record.city_basis == "file_name"
    assert "CASE_CITY_FROM_TEXT" not in [i.code for i in record.issues]


def test_a_case_about_the_prefecture_under_another_city_s_name_disagrees(roster, tmp_path):
    path = _case("凉山州远程医疗进乡村", "凉山州全州乡镇卫生院开通远程会诊，凉山群众就医更方便。").save(
        tmp_path / "510500_泸州市_优秀案例.docx")
    record = check_case_file(path, roster=roster)
    assert record.city["code"] == "510500"
    assert record.city_sources["title"] == {"code": "513400", "name": "凉山彝族自治州"}
    assert "CASE_CITY_DISAGREES" in [i.code for i in record.issues]
