"""The optional-indicator rules (code, name, points, limits) are the edition's data: another
catalog file with other rules changes the definition workbook and its checks, with no code change."""
from __future__ import annotations

from openpyxl import load_workbook

from sctemplates.catalog import default_catalog_path, parse_catalog
from sctemplates.optional.definition import check_optional
from sctemplates.optional.workbook import SHEET_GUIDE, SHEET_LISTS, write_optional_template
from tests.sctemplates.optional.test_optional import valid_rows

RULES = """optional_indicators:
  code: ZX
  name: 自选指标
  points: 10
  max_second: 3
  max_sub: 3
"""


def _catalog_with(rules: str):
    text = default_catalog_path().read_text(encoding="utf-8")
    assert RULES in text  # the bundled edition states Attachment 2's rules as data
    return parse_catalog(text.replace(RULES, rules), "other-edition.yaml")


OTHER = _catalog_with("optional_indicators:\n  code: TS\n  name: 特色指标\n  points: 8\n  max_second: 2\n"
                      "  max_sub: 2\n")


def test_the_definition_workbook_follows_the_edition_rules(tmp_path):
    book = load_workbook(write_optional_template(tmp_path / "t.xlsx", base=OTHER))
    lists = [[cell for cell in row] for row in book[SHEET_LISTS].iter_rows(values_only=True)]
    assert [row[1] for row in lists if row[1]] == ["TSP1", "TSP2"]
    assert [row[2] for row in lists if row[2]] == ["A1", "A2"]
    guide = "\n".join(str(r[0]) for r in book[SHEET_GUIDE].iter_rows(values_only=True) if r[0])
    assert "统一定名“特色指标”，总分值 8 分" in guide and "二级指标不超过 2 个（编码 TSP1、TSP2）" in guide


def test_checks_and_the_built_catalog_follow_the_edition_rules(tmp_path):
    rows = [dict(row) for row in valid_rows()[:3]]  # ZXP1 (two sub-items) and ZXP2
    rows[0].update(second_code="TSP1", second_weight=5)
    rows[2].update(second_code="TSP2", second_weight=3)
    result = check_optional(write_optional_template(tmp_path / "ok.xlsx", rows, base=OTHER), OTHER)
    assert result.ok, result.issues
    (first,) = result.catalog.indicators
    assert (first.code, first.name, str(first.weight)) == ("TS", "特色指标", "8")
    assert [s.code for s in first.children] == ["TSP1", "TSP2"]
    rows[0]["second_weight"] = 6  # 6 + 3 = 9 points, not this edition's 8
    bad = check_optional(write_optional_template(tmp_path / "bad.xlsx", rows, base=OTHER), OTHER)
    assert [i.code for i in bad.issues] == ["OPT_WEIGHT_SUM"] and "应为 8 分" in bad.issues[0].message
