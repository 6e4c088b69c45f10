"""Issue 21, items 10, 19, 20, 21: one cleaning rule for every text shown or stored."""
from __future__ import annotations

from sctemplates.display import NAME_LIMIT, name_shown, neutral, one_line


def test_characters_xml_cannot_hold_are_shown_as_their_code():
    assert neutral("a\x01b\x00c\ufffe") == "a<U+0001>b<U+0000>c<U+FFFE>"
    assert neutral("行1\n行2\t列") == "行1\n行2\t列"  # tab and line ends are legal XML and kept
    plain = "杭州市"
    assert neutral(plain) is plain


def test_a_line_is_one_line_and_bounded():
    assert one_line("主题\r\nBcc: x") == "主题 Bcc: x"
    assert one_line("长" * 5000, 300).startswith("长" * 300) and "共 5,000 字" in one_line("长" * 5000, 300)


def test_a_long_name_keeps_its_extension():
    shown = name_shown("330100_" + "长" * 60_000 + ".xlsx")
    assert shown.endswith("长.xlsx") and len(shown) < NAME_LIMIT + 40 and "共 60,012 字" in shown
