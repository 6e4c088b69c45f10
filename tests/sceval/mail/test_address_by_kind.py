"""Letters address a city as its kind is called (seen in a 四川 round: the feedback to 凉山彝族自治州
said “你市得分 73.79 分”; an autonomous prefecture is “你州”). Real roster, returns, ingest and
letters; the forms of address are data (sctemplates/regions.yaml)."""
from __future__ import annotations

import email
import email.policy
import json
import shutil

import pytest

from sctemplates.province import default_province
from sctemplates.roster import load_roster
from sceval.ingest.batch import IngestOptions, ingest
from sceval.mail.letters import feedback_letters, reminders
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values

CATALOG = base_catalog()
ROSTER_TEXT = """代码,名称,类型,联系人,邮箱,电话
510500,泸州市,地级市,刘泸,lz@sc.example.cn,0830-3100001
513200,阿坝藏族羌族自治州,自治州,马阿,aba@sc.example.cn,0837-2800001
513400,凉山彝族自治州,自治州,吴凉,liangshan@sc.example.cn,0834-2100001
"""


@pytest.fixture(scope="module")
def sichuan(tmp_path_factory):
    """泸州 and 凉山 returned with one count left blank; 阿坝 sent nothing."""
    folder = tmp_path_factory.mktemp("sichuan")
    (folder / "名单.csv").write_text(ROSTER_TEXT, encoding="utf-8")
    roster = load_roster(folder / "名单.csv")
    numerator = next(i.name for _, _, i in CATALOG.inputs() if i.role == "numerator")
    for city in roster.cities:
        if city.code != "513200":
            fill(render(CATALOG, city, roster, folder / "t"), folder / "in" / f"{city.code}.xlsx",
                 valid_values(CATALOG) | {numerator: None})
    ingest([folder / "in"], folder / "out", IngestOptions(CATALOG, roster=roster, jobs=1, draws=0))
    return roster, folder / "out"


def _bodies(letters) -> dict[str, str]:
    found = {}
    for letter in letters:
        parsed = email.message_from_bytes(letter.message.as_bytes(), policy=email.policy.default)
        found[parsed["To"].addresses[0].addr_spec] = parsed.get_body(("plain",)).get_content()
    return found


def test_feedback_says_you_prefecture_to_an_autonomous_prefecture_and_you_city_to_a_city(sichuan):
    roster, out = sichuan
    bodies = _bodies(feedback_letters(out, default_province(roster), roster))
    assert "按目前报送的数据，你州得分" in bodies["liangshan@sc.example.cn"]
    assert "你市" not in bodies["liangshan@sc.example.cn"]
    assert "按目前报送的数据，你市得分" in bodies["lz@sc.example.cn"]


def test_the_reminder_to_a_silent_autonomous_prefecture_says_you_prefecture(sichuan):
    roster, out = sichuan
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    bodies = _bodies(reminders(results, default_province(roster), roster))
    assert "尚未收到你州的填报表" in bodies["aba@sc.example.cn"]


def test_a_letter_with_only_warnings_asks_to_check_and_says_no_zero_points(sichuan, tmp_path):
    """Seen in the 四川 round: 泸州 (3 warnings, nothing pending) was told “暂未得到的分值为 0.00 分，
    更正后可以得到” and to correct and resend, as if it had errors."""
    roster, out = sichuan
    shutil.copytree(out, tmp_path / "out")
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    entry = next(c for c in results["cities"] if c["code"] == "510500")
    entry["points_at_stake"], entry["issues"] = 0.0, [i | {"severity": "warning"} for i in entry["issues"]][:1]
    assert entry["issues"]
    (tmp_path / "out" / "results.json").write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    body = _bodies(feedback_letters(tmp_path / "out", default_province(roster), roster))["lz@sc.example.cn"]
    assert "0.00 分" not in body and f"你市得分 {entry['total']:.2f} 分。" in body
    assert "请核实上述提示；如数据确有错误，请在原填报表上更正后" in body
