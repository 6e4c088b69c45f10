"""Roster loading: real CSV (UTF-8, BOM, GBK) and .xlsx files written, then read back."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from sctemplates.roster import (
    RosterError, check_roster, load_roster, national_direct_cities, province_by_code, regions,
)
from sceval.demo.round import INPUTS_DIR as DEMO_INPUTS_DIR

WORKBOOKS = DEMO_INPUTS_DIR
DEMO_CSV = WORKBOOKS / "roster_330000_浙江省.csv"
DEMO_XLSX = WORKBOOKS / "roster_330000_浙江省.xlsx"
HEADER = ["代码", "名称", "类型"]
GOOD = [["330100", "杭州市", "副省级市"], ["330300", "温州市", "地级市"], ["330400", "嘉兴市", "地级市"]]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding=encoding)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def test_demo_roster_has_eleven_cities_and_ningbo_takes_no_optional():
    roster = load_roster(DEMO_CSV)
    assert (roster.province_code, roster.province_name) == ("330000", "浙江省")
    assert len(roster.cities) == 11
    no_optional = [c.name for c in roster.cities if not c.takes_optional]
    assert no_optional == ["宁波市"]
    assert roster.by_code()["330200"].kind == "计划单列市"


def test_demo_xlsx_twin_matches_csv():
    assert load_roster(DEMO_XLSX).cities == load_roster(DEMO_CSV).cities


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings_as_saved_by_chinese_excel(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", [HEADER, *GOOD], encoding)
    roster = load_roster(path)
    assert [c.name for c in roster.cities] == ["杭州市", "温州市", "嘉兴市"]
    assert roster.province_name == "浙江省"


def test_english_headers_and_alias_headers(tmp_path):
    english = load_roster(write_csv(tmp_path / "e.csv", [["code", "name", "kind"], *GOOD]))
    alias = load_roster(write_csv(tmp_path / "a.csv", [["行政区划代码", "城市", "类型"], *GOOD]))
    assert english.cities == alias.cities


def test_xlsx_numeric_codes_are_read_as_six_digit_text(tmp_path):
    rows = [HEADER, [330100, "杭州市", "副省级市"], [330300.0, "温州市", "地级市"]]
    roster = load_roster(write_xlsx(tmp_path / "n.xlsx", rows))
    assert [c.code for c in roster.cities] == ["330100", "330300"]


def test_blank_kind_is_inferred_from_national_list(tmp_path):
    rows = [HEADER, ["330200", "宁波市", ""], ["330300", "温州市", ""]]
    roster = load_roster(write_csv(tmp_path / "k.csv", rows))
    assert [c.kind for c in roster.cities] == ["计划单列市", "地级市"]


BROKEN = {
    "malformed code": (["33010", "湖州市", "地级市"], 1, [("ROSTER_BAD_CODE", "A3")]),
    "code of no province": (["990100", "某市", "地级市"], 1, [("ROSTER_BAD_CODE", "A3")]),
    # The same city twice: its code and its name repeat.
    "duplicate code": (["330100", "杭州市", "副省级市"], 1, [("ROSTER_DUPLICATE", "A3"), ("ROSTER_DUPLICATE", "B3")]),
    # Another code under a name already listed: the name is wrong for the code, and repeated.
    "duplicate name": (["330500", "杭州市", "地级市"], 1, [("ROSTER_NAME_MISMATCH", "B3"), ("ROSTER_DUPLICATE", "B3")]),
    "code of another city": (["330500", "苏州市", "地级市"], 1, [("ROSTER_NAME_MISMATCH", "B3")]),
    "code of no division": (["339900", "假市", "地级市"], 1, [("ROSTER_UNKNOWN_DIVISION", "B3")]),
    "outside province": (["320100", "南京市", "副省级市"], 2, [("ROSTER_OUTSIDE_PROVINCE", "A4")]),
    "unknown kind": (["330500", "湖州市", "县城"], 1, [("ROSTER_UNKNOWN_KIND", "C3")]),
    "empty name": (["330500", "", "地级市"], 1, [("ROSTER_MISSING_NAME", "B3")]),
    "direct city as prefecture": (["330200", "宁波市", "地级市"], 1, [("ROSTER_UNKNOWN_KIND", "C3")]),
    "prefecture claimed direct": (["330500", "湖州市", "计划单列市"], 1, [("ROSTER_UNKNOWN_KIND", "C3")]),
}


@pytest.mark.parametrize("fmt", WRITERS)
@pytest.mark.parametrize("case", BROKEN)
def test_each_roster_rule(tmp_path, fmt, case):
    bad_row, position, expected = BROKEN[case]
    rows = [HEADER, *GOOD]
    rows.insert(position + 1, bad_row)
    path = WRITERS[fmt](tmp_path / f"roster.{fmt}", rows)
    with pytest.raises(RosterError) as caught:
        load_roster(path)
    found = [(i.code, i.cell) for i in caught.value.issues]
    assert found == expected
    assert caught.value.issues[0].file == str(path)
    assert path.name in caught.value.issues[0].message


def test_all_problems_reported_at_once(tmp_path):
    rows = [HEADER, ["33010", "", "地级市"], ["330300", "温州市", "城"], ["330300", "温州市", "地级市"]]
    _, issues = check_roster(write_csv(tmp_path / "many.csv", rows))
    assert sorted(i.code for i in issues) == sorted(
        ["ROSTER_BAD_CODE", "ROSTER_MISSING_NAME", "ROSTER_UNKNOWN_KIND", "ROSTER_DUPLICATE", "ROSTER_DUPLICATE"])


@pytest.mark.parametrize("name, content", [
    ("no_code_column.csv", "名称,类型\n杭州市,地级市\n".encode()),
    ("header_only.csv", "代码,名称,类型\n".encode()),
    ("empty.csv", b""),
    ("fake.xlsx", b"this is not a zip"),
    ("old.xls", b"\xd0\xcf\x11\xe0"),
])
def test_unusable_files_give_bad_file_issue(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    roster, issues = check_roster(path)
    assert roster is None
    assert [i.code for i in issues] == ["ROSTER_BAD_FILE"]


def test_missing_file_is_an_issue_not_a_crash(tmp_path):
    with pytest.raises(RosterError) as caught:
        load_roster(tmp_path / "nowhere.csv")
    assert caught.value.issues[0].code == "ROSTER_BAD_FILE"


def test_explicit_province_flags_every_foreign_city(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, *GOOD])
    _, issues = check_roster(path, province_code="320000")
    assert [i.code for i in issues] == ["ROSTER_OUTSIDE_PROVINCE"] * 3
    assert "江苏省" in issues[0].message


def test_national_roster_of_direct_cities(tmp_path):
    rows = [HEADER, *[[c.code, c.name, c.kind] for c in national_direct_cities()]]
    roster = load_roster(write_xlsx(tmp_path / "national.xlsx", rows))
    assert (roster.province_code, roster.province_name) == ("000000", "全国")
    assert len(roster.cities) == 9
    assert not any(c.takes_optional for c in roster.cities)


def test_national_direct_cities_and_regions():
    direct = {c.code: (c.name, c.kind) for c in national_direct_cities()}
    assert {k for k, (_, kind) in direct.items() if kind == "计划单列市"} == {
        "210200", "370200", "330200", "350200", "440300"}
    assert {k for k, (_, kind) in direct.items() if kind == "直辖市"} == {"110000", "120000", "310000", "500000"}
    provinces = regions()["provinces"]
    assert len(provinces) == 34 and len({p["code"] for p in provinces}) == 34
    assert province_by_code()["330000"] == "浙江省"


def test_loading_never_modifies_the_input(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, *GOOD])
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    load_roster(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_cli_roster_check(tmp_path):
    from sceval.cli.app import app

    runner = CliRunner()
    good = runner.invoke(app, ["roster", "check", str(DEMO_CSV)])
    assert good.exit_code == 0, good.output
    assert "宁波市" in good.output and "11" in good.output
    bad = write_csv(tmp_path / "bad.csv", [HEADER, *GOOD, ["330100", "湖州市", "地级市"]])
    result = runner.invoke(app, ["roster", "check", str(bad)])
    assert result.exit_code == 1
    assert "ROSTER_DUPLICATE" in result.output


def test_a_roster_past_the_row_bound_is_refused_at_once(tmp_path):
    """Issue 21, item 6: a 100,000-row roster took 110 s and 848 MB; past MAX_ROWS it is the wrong file."""
    from sctemplates.roster import MAX_ROWS, check_roster

    path = tmp_path / "名单.csv"
    lines = ["代码,名称,类型"] + [f"3301{n % 100:02d},杭州市,地级市" for n in range(MAX_ROWS + 5)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    roster, issues = check_roster(path)
    assert roster is None and [i.code for i in issues] == ["ROSTER_BAD_FILE"]
    assert f"超过 {MAX_ROWS:,} 行" in issues[0].message and "名单.csv" in issues[0].message
