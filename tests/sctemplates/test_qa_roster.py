"""QA as a province official: rosters saved the other ways Excel and other systems save them."""
from __future__ import annotations

from sctemplates.roster import load_roster

ROWS = [["代码", "名称", "类型"], ["330100", "杭州市", "副省级市"], ["330300", "温州市", "地级市"]]


def tab_text(rows) -> str:
    return "\r\n".join("\t".join(row) for row in rows) + "\r\n"


def test_excel_unicode_text_is_utf16_and_tab_separated(tmp_path):
    path = tmp_path / "名单.txt"
    path.write_bytes(tab_text(ROWS).encode("utf-16"))  # BOM + UTF-16 LE, as Excel writes it
    roster = load_roster(path)
    assert [(c.code, c.name, c.kind) for c in roster.cities] == [tuple(r) for r in ROWS[1:]]


def test_tab_separated_csv_with_bom_and_trailing_blank_lines(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(("\ufeff" + tab_text(ROWS) + "\r\n\t\t\r\n").encode("utf-8"))
    assert [c.code for c in load_roster(path).cities] == ["330100", "330300"]


def test_comma_separated_still_reads(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("代码,名称,类型\n330100,杭州市,副省级市\n", encoding="utf-8")
    assert [c.name for c in load_roster(path).cities] == ["杭州市"]
