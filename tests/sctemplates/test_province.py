"""Province configuration: the demo YAML, the default without a file, and each broken rule."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sctemplates.province import (
    NO_CONTACT_TEXT, ProvinceError, check_province, default_province, load_province, roster_mismatch,
)
from sctemplates.roster import load_roster
from sceval.demo.round import INPUTS_DIR as DEMO_INPUTS_DIR

WORKBOOKS = DEMO_INPUTS_DIR
DEMO = WORKBOOKS / "province_330000.yaml"
VALID = {
    "code": "330000", "name": "浙江省", "organiser": "示例牵头部门", "round_name": "示例评价",
    "deadline": "2016-12-30",
    "contacts": [{"role": "评价工作组织", "name": "示例人（虚构）", "phone": "0571-00000009", "email": "a@example.invalid"}],
}


def write_yaml(tmp_path: Path, data) -> Path:
    path = tmp_path / "province.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_demo_config_is_valid_and_fictional():
    config = load_province(DEMO)
    assert (config.code, config.name, config.deadline) == ("330000", "浙江省", "2016-12-30")
    assert len(config.contacts) == 3
    assert all(re.fullmatch(r"0571-0000000\d", c.phone) for c in config.contacts)
    assert all(c.email.endswith(".invalid") and "虚构" in c.name for c in config.contacts)
    assert config.contact_lines()[0].startswith("评价工作组织：")


def test_demo_config_matches_demo_roster():
    roster = load_roster(WORKBOOKS / "roster_330000_浙江省.csv")
    assert roster_mismatch(load_province(DEMO), roster) == []


def test_default_province_without_file_tells_cities_to_ask_their_province():
    roster = load_roster(WORKBOOKS / "roster_330000_浙江省.csv")
    config = default_province(roster)
    assert (config.code, config.name) == ("330000", "浙江省")
    assert config.contacts == ()
    assert config.contact_lines() == (NO_CONTACT_TEXT,)
    assert config.deadline == "2016-12-30"
    assert "浙江省" in config.round_name


def test_minimal_config_gets_defaults(tmp_path):
    config = load_province(write_yaml(tmp_path, {"code": "330000"}))
    assert config.name == "浙江省" and config.deadline == "2016-12-30"
    assert config.contact_lines() == (NO_CONTACT_TEXT,)


BROKEN = {
    "unknown code": {"code": "999999"},
    "name mismatch": {"name": "江苏省"},
    "bad deadline": {"deadline": "12/30/2016"},
    "unknown key": {"dealine": "2016-12-30"},
    "contact without reach": {"contacts": [{"role": "组织", "name": "某（虚构）"}]},
    "contact bad email": {"contacts": [{"role": "组织", "name": "某（虚构）", "email": "nobody"}]},
    "contact without name": {"contacts": [{"role": "组织", "phone": "0571-00000001"}]},
    "contacts not a list": {"contacts": "张三"},
}


@pytest.mark.parametrize("case", BROKEN)
def test_each_config_rule(tmp_path, case):
    path = write_yaml(tmp_path, {**VALID, **BROKEN[case]})
    with pytest.raises(ProvinceError) as caught:
        load_province(path)
    issues = caught.value.issues
    assert [i.code for i in issues] == ["PROVINCE_BAD_CONFIG"]
    assert issues[0].file == str(path) and path.name in issues[0].message


@pytest.mark.parametrize("content", ["- just\n- a list\n", "code: [unclosed\n", ""])
def test_unreadable_config_is_an_issue(tmp_path, content):
    path = tmp_path / "p.yaml"
    path.write_text(content, encoding="utf-8")
    config, issues = check_province(path)
    assert config is None and [i.code for i in issues] == ["PROVINCE_BAD_CONFIG"]


def test_missing_config_file(tmp_path):
    _, issues = check_province(tmp_path / "none.yaml")
    assert "不存在" in issues[0].message


def test_config_of_another_province_than_the_roster(tmp_path):
    roster = load_roster(WORKBOOKS / "roster_330000_浙江省.csv")
    other = load_province(write_yaml(tmp_path, {"code": "320000"}))
    assert [i.code for i in roster_mismatch(other, roster)] == ["PROVINCE_BAD_CONFIG"]


HOSTILE_YAML = {
    "billion laughs under a known key": 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
                                        'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
                                        'organiser: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\ncode: "330000"\n',
    "5,000-digit integer": f'code: "330000"\nround_name: {"9" * 5000}\n',
    "date that does not exist": 'code: "330000"\ndeadline: 2016-02-30\n',
    "duplicated key": 'code: "330000"\ndeadline: 2016-12-30\ndeadline: 2017-01-30\n',
    "CR/LF in round_name": 'code: "330000"\nround_name: "评价\\r\\nBcc: x@attacker.example"\n',
    "vertical tab in a contact name": 'code: "330000"\ncontacts: [{role: 组织, name: "某\\v人", phone: "0571-00000001"}]\n',
    "two addresses in mail_from": 'code: "330000"\nmail_from: "Evil <evil@attacker.example>, x@y.example"\n',
    "CR/LF in mail_from": 'code: "330000"\nmail_from: "a@b.example\\r\\nBcc: c@d.example"\n',
}


@pytest.mark.parametrize("case", HOSTILE_YAML)
def test_hostile_config_is_refused_with_a_chinese_reason(tmp_path, case):
    """Issue 21, items 5, 13, 14, 16: every case is one PROVINCE_BAD_CONFIG, nothing raises or expands."""
    path = tmp_path / "p.yaml"
    path.write_text(HOSTILE_YAML[case], encoding="utf-8")
    config, issues = check_province(path)
    assert issues and {i.code for i in issues} == {"PROVINCE_BAD_CONFIG"}
    assert all(path.name in i.message and re.search("[\u4e00-\u9fff]", i.message) for i in issues)
    with pytest.raises(ProvinceError):
        load_province(path)


def test_duplicated_key_names_the_key_and_line(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(HOSTILE_YAML["duplicated key"], encoding="utf-8")
    _, issues = check_province(path)
    assert "deadline" in issues[0].message and "第 3 行" in issues[0].message


def test_signature_may_span_lines(tmp_path):
    path = write_yaml(tmp_path, {**VALID, "mail_signature": "浙江省示例牵头部门\n2016年12月"})
    assert load_province(path).mail_signature.count("\n") == 1


def test_organiser_with_an_address_stays_a_display_name(tmp_path):
    """Item 14: the From header carries one address, the first contact's, whatever the organiser says."""
    from email.utils import getaddresses

    path = write_yaml(tmp_path, {**VALID, "organiser": "Evil <evil@attacker.example>, x"})
    sender = load_province(path).sender()
    assert [address for _, address in getaddresses([sender])] == ["a@example.invalid"]
