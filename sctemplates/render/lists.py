"""The hidden _lists sheet: drop-down choices (never inline lists) and their score fractions.

Each distinct choice list gets two columns, labels then fractions, so validations point at the
labels and the live score looks the chosen label's fraction up beside it. The last column holds
the attestation choice of 填报信息.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sctemplates.layout import ATTEST_CHOICE, SHEET_LISTS
from sctemplates.model import Catalog, Choice
from sctemplates.render.formulas import column_range


@dataclass
class ChoiceLists:
    """Where each choice list landed: choices -> (labels range, fractions range)."""

    ranges: dict[tuple[Choice, ...], tuple[str, str]] = field(default_factory=dict)
    attest: str = ""

    def labels(self, choices: tuple[Choice, ...]) -> str:
        return self.ranges[choices][0]

    def fractions(self, choices: tuple[Choice, ...]) -> str:
        return self.ranges[choices][1]


def distinct_choice_lists(catalogs) -> list[tuple[Choice, ...]]:
    seen: dict[tuple[Choice, ...], None] = {}
    for catalog in catalogs:
        for _second, _sub, item in catalog.inputs():
            if item.choices:
                seen.setdefault(item.choices, None)
    return list(seen)


def write_lists(worksheet, catalogs: list[Catalog], formats) -> ChoiceLists:
    """Fill the _lists sheet (already added and hidden) and say where each list is."""
    result = ChoiceLists()
    lists = distinct_choice_lists(catalogs)
    for index, choices in enumerate(lists, start=1):
        result.ranges[choices] = _write_pair(worksheet, 2 * (index - 1), index, choices)
    attest_col = 2 * len(lists)
    worksheet.write_string(0, attest_col, "承诺", formats["strong"])
    worksheet.write_string(1, attest_col, ATTEST_CHOICE)
    result.attest = column_range(1, 1, attest_col, SHEET_LISTS)
    worksheet.protect("", {"select_locked_cells": True})
    return result


def _write_pair(worksheet, col: int, index: int, choices: tuple[Choice, ...]) -> tuple[str, str]:
    worksheet.write_string(0, col, f"档次{index}")
    worksheet.write_string(0, col + 1, "得分比例")
    for row, choice in enumerate(choices, start=1):
        worksheet.write_string(row, col, choice.label)
        # The fraction is data of the catalog (e.g. 0.4); a float is exact enough to look it up.
        worksheet.write_number(row, col + 1, float(choice.fraction))
    last = len(choices)
    return column_range(1, last, col, SHEET_LISTS), column_range(1, last, col + 1, SHEET_LISTS)
