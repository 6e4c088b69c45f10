"""Messy values read as people meant them: the parsed value AND the issue that says so."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from sceval.evaluate.parse import (
    BLANK, FILLED, INVALID, NOT_AVAILABLE, RawCell, decimal_from_float, parse_choice, parse_date,
    parse_number, parse_text,
)
from tests.sceval.ingest_helpers import base_catalog, first_sub

CATALOG = base_catalog()
COUNT = first_sub(CATALOG, "ratio").input("numerator")  # a count, integer unit
PERCENT = first_sub(CATALOG, "rate").input("value")  # unit "%"
CHOICE = first_sub(CATALOG, "graded").input("choice")
WHERE = {"file": "a.xlsx", "sheet": "基础指标", "cell": "G6", "indicator": "X"}


def codes(parsed) -> list[str]:
    return [i.code for i in parsed.issues]


@pytest.mark.parametrize("raw, expected, code", [
    ("823", Decimal(823), "PARSE_TEXT_NUMBER"),
    ("１２３", Decimal(123), "PARSE_FULLWIDTH"),
    ("１２３．５", Decimal("123.5"), "PARSE_FULLWIDTH"),
    ("1,234", Decimal(1234), "PARSE_THOUSANDS"),
    ("１，２３４", Decimal(1234), "PARSE_THOUSANDS"),
    ("  42 ", Decimal(42), "PARSE_WHITESPACE"),
    ("12个", Decimal(12), "PARSE_UNIT_STRIPPED"),
    ("3.5万", Decimal(35000), "PARSE_WAN"),
])
def test_text_numbers_are_read_with_an_info_issue(raw, expected, code):
    parsed = parse_number(RawCell(raw), COUNT, **WHERE)
    assert parsed.state == FILLED and parsed.value == expected
    assert code in codes(parsed)
    assert all(i.severity == "info" for i in parsed.issues)
    assert all(i.cell == "G6" and i.sheet == "基础指标" and i.file == "a.xlsx" for i in parsed.issues)


def test_unit_of_the_input_itself_is_stripped():
    item = replace(COUNT, unit="万人次", integer=False)
    parsed = parse_number(RawCell("3.5万人次"), item, **WHERE)
    assert parsed.value == Decimal("3.5") and codes(parsed)[0] == "PARSE_UNIT_STRIPPED"


def test_percent_in_a_percent_input_is_the_number():
    parsed = parse_number(RawCell("85%"), PERCENT, **WHERE)
    assert parsed.value == Decimal(85) and "PARSE_PERCENT" in codes(parsed)


def test_percent_for_a_count_is_an_error():
    parsed = parse_number(RawCell("85%"), COUNT, **WHERE)
    assert parsed.state == INVALID and parsed.value is None
    assert codes(parsed) == ["VAL_PERCENT_FOR_COUNT"]
    message = parsed.issues[0].message
    assert parsed.issues[0].severity == "error" and "85%" in message
    assert "a.xlsx" in message and "基础指标" in message and "G6" in message  # says where, in Chinese


def test_numbers_stay_exact_decimals():
    assert parse_number(RawCell(0.1), COUNT).value == Decimal("0.1")
    assert parse_number(RawCell(823.0), COUNT).value == Decimal(823)
    assert decimal_from_float(12.345) == Decimal("12.345")
    assert parse_number(RawCell(7), COUNT).issues == ()


def test_excel_error_value():
    parsed = parse_number(RawCell(None, formula=True, error="#DIV/0!"), COUNT, **WHERE)
    assert parsed.state == INVALID and codes(parsed) == ["VAL_EXCEL_ERROR"]
    assert "#DIV/0!" in parsed.issues[0].message


def test_formula_with_cached_value_uses_it():
    parsed = parse_number(RawCell(1646.0, formula=True), COUNT, **WHERE)
    assert parsed.value == Decimal(1646) and codes(parsed) == ["PARSE_FORMULA_CACHED"]


def test_formula_without_cached_value_is_an_error():
    parsed = parse_number(RawCell(None, formula=True), COUNT, **WHERE)
    assert parsed.state == INVALID and codes(parsed) == ["VAL_FORMULA_NO_VALUE"]


def test_date_in_a_number_cell_is_ambiguous():
    parsed = parse_number(RawCell(dt.date(2016, 10, 31)), COUNT, **WHERE)
    assert parsed.state == INVALID and codes(parsed) == ["VAL_AMBIGUOUS"]


@pytest.mark.parametrize("raw", ["—", "-", "/", "／", "——"])
def test_sentinels_are_blank(raw):
    parsed = parse_number(RawCell(raw), COUNT, **WHERE)
    assert parsed.state == BLANK and parsed.value is None
    assert "PARSE_SENTINEL_BLANK" in codes(parsed)


def test_empty_cell_is_blank_without_issue():
    assert parse_number(RawCell(None), COUNT) == parse_number(RawCell(None), COUNT)
    assert parse_number(RawCell(None), COUNT).state == BLANK
    assert parse_number(RawCell(None), COUNT).issues == ()


@pytest.mark.parametrize("raw", ["无", "不适用", "暂无"])
def test_not_available_words(raw):
    parsed = parse_number(RawCell(raw), COUNT, **WHERE)
    assert parsed.state == NOT_AVAILABLE and parsed.value is None
    assert codes(parsed) == ["VAL_NOT_AVAILABLE"] and parsed.issues[0].severity == "warning"


@pytest.mark.parametrize("raw", ["1,234.5.6", "12或13", "约100", "1,5", "100-200", "1e3"])
def test_ambiguous_values_are_never_guessed(raw):
    parsed = parse_number(RawCell(raw), COUNT, **WHERE)
    assert parsed.state == INVALID and parsed.value is None
    assert codes(parsed)[-1] == "VAL_AMBIGUOUS"


def test_words_without_digits_are_not_a_number():
    parsed = parse_number(RawCell("很多"), COUNT, **WHERE)
    assert codes(parsed) == ["VAL_NOT_NUMBER"]


def test_boolean_is_not_a_number():
    assert codes(parse_number(RawCell(True), COUNT)) == ["VAL_NOT_NUMBER"]


def test_choice_exact_label():
    label = CHOICE.choices[1].label
    parsed = parse_choice(RawCell(label), CHOICE, **WHERE)
    assert parsed.value == label and parsed.issues == ()


def test_choice_normalised_spaces_and_width():
    label = CHOICE.choices[-1].label
    messy = " " + label[:2] + " " + label[2:].replace("(", "（") + "　"
    parsed = parse_choice(RawCell(messy), CHOICE, **WHERE)
    assert parsed.value == label and codes(parsed) == ["PARSE_CHOICE_NORMALISED"]


def test_not_a_choice():
    parsed = parse_choice(RawCell("差不多吧"), CHOICE, **WHERE)
    assert parsed.state == INVALID and codes(parsed) == ["VAL_NOT_A_CHOICE"]
    assert CHOICE.choices[0].label in parsed.issues[0].message


def test_filer_date_as_date_cell_and_as_chinese_text():
    cell = parse_date(RawCell(dt.datetime(2016, 12, 20)), **WHERE)
    assert cell.value == "2016-12-20" and cell.issues == ()  # a real date: nothing to say
    text = parse_date(RawCell("2016年12月20日"), **WHERE)
    assert text.value == "2016-12-20" and codes(text) == ["PARSE_DATE"]
    assert parse_date(RawCell("2016-12-20"), **WHERE).issues == ()


def test_text_fields_keep_what_was_typed():
    assert parse_text(RawCell(13800138000.0)).value == "13800138000"
    assert parse_text(RawCell("  市统计局 ")).value == "市统计局"
    assert parse_text(RawCell("   ")).state == BLANK


def test_an_ambiguous_count_with_a_unit_gets_one_issue():
    """约1200项: one ambiguity error, not also a note that the unit 项 was removed."""
    parsed = parse_number(RawCell("约1200项"), COUNT, **WHERE)
    assert parsed.state == INVALID and codes(parsed) == ["VAL_AMBIGUOUS"]


def test_messages_separate_the_place_from_what_was_done():
    parsed = parse_number(RawCell(" 1,200 "), COUNT, **WHERE)
    assert parsed.value == 1200
    assert all("单元格 G6：" in i.message for i in parsed.issues), [i.message for i in parsed.issues]


def test_a_number_with_thousands_separators_gets_one_note_saying_what_was_read():
    parsed = parse_number(RawCell("8,710"), COUNT, **WHERE)
    assert codes(parsed) == ["PARSE_THOUSANDS"]
    assert parsed.issues[0].message.endswith("千位分隔符已去除，已按数值 8710 读取")
