"""NTFS-safe names for every file sceval writes, from one function (issue 22 item 6): 兵团 names
with ":" and "/" render beside the others in --out, and `roster check` warns about them."""
from __future__ import annotations

import re

from hypothesis import given, strategies as st

from sctemplates.catalog import load_catalog
from sctemplates.file_names import MAX_CHARACTERS, file_name_problem, safe_file_name
from sctemplates.render.batch import render_all
from sctemplates.roster import check_roster

WINDOWS_REFUSES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)), *(f"LPT{n}" for n in range(10))}


def _windows_accepts(name: str) -> bool:
    return (bool(name) and not WINDOWS_REFUSES.search(name) and name == name.rstrip(" .")
            and name.split(".")[0].strip().upper() not in RESERVED and len(name) <= MAX_CHARACTERS)


def test_the_names_windows_refuses_become_names_it_takes():
    assert safe_file_name("659001_第八师:石河子市_填报表.xlsx") == "659001_第八师：石河子市_填报表.xlsx"
    assert safe_file_name("第一师/阿拉尔市") == "第一师／阿拉尔市"
    assert safe_file_name('a<b>c"d\\e|f?g*h.xlsx') == "a＜b＞c＂d＼e｜f？g＊h.xlsx"
    assert safe_file_name("CON") == "_CON" and safe_file_name("nul.xlsx") == "_nul.xlsx"
    assert safe_file_name("COM1.txt") == "_COM1.txt" and safe_file_name("CONSOLE.xlsx") == "CONSOLE.xlsx"
    assert safe_file_name("杭州市. . ") == "杭州市" and safe_file_name("a\x01b\x1f.xlsx") == "ab.xlsx"
    long = safe_file_name("长" * 300 + ".xlsx")
    assert len(long) == MAX_CHARACTERS and long.endswith(".xlsx")
    assert safe_file_name("330100_杭州市_问题反馈.xlsx") == "330100_杭州市_问题反馈.xlsx"  # good names untouched


@given(st.text(max_size=400))
def test_any_name_becomes_one_windows_accepts_and_stays_so(name):
    safe = safe_file_name(name)
    assert _windows_accepts(safe), safe
    assert safe_file_name(safe) == safe
    assert (file_name_problem(name) is None) == (safe == name)


def test_a_bingtuan_roster_renders_safe_names_directly_in_out(tmp_path):
    roster_csv = tmp_path / "名单.csv"
    roster_csv.write_text("代码,名称,类型\n659001,第八师:石河子市,兵团\n659002,第一师/阿拉尔市,兵团\n"
                          "650100,乌鲁木齐市,地级市\n", encoding="utf-8")
    roster, issues = check_roster(roster_csv)
    warned = [(found.code, found.severity, found.cell) for found in issues]
    assert warned == [("ROSTER_NAME_NOT_FILE_NAME", "warning", "B2"), ("ROSTER_NAME_NOT_FILE_NAME", "warning", "B3")]
    assert "“:”" in issues[0].message and "659001_第八师：石河子市_…" in issues[0].message
    out = tmp_path / "out"
    written = render_all(load_catalog(), roster, out)
    assert sorted(path.name for path in out.iterdir()) == sorted(path.name for path in written)
    assert all(path.parent == out and path.is_file() and _windows_accepts(path.name) for path in written)
    assert [path.name for path in written][:2] == ["659001_第八师：石河子市_新型智慧城市评价填报表.xlsx",
                                                  "659002_第一师／阿拉尔市_新型智慧城市评价填报表.xlsx"]
