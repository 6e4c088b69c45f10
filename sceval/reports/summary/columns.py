"""Indicator columns of the summary, each with its maximum, from the catalog objects or from a
province's optional-indicator dict (catalog_as_dict shape); nothing here names an indicator."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sctemplates.model import Catalog

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Column:
    code: str
    name: str
    max: Decimal  # the indicator's maximum points
    level: str  # first | second | sub
    parent: str = ""

    @property
    def header(self) -> str:
        return f"{self.code} {self.name}"


def first_columns(catalog: Catalog) -> list[Column]:
    return [Column(f.code, f.name, f.weight, "first") for f in catalog.first_levels()]


def second_columns(catalog: Catalog) -> list[Column]:
    return [Column(s.code, s.name, s.weight, "second", f.code)
            for f in catalog.first_levels() for s in f.children]


def leaf_columns(catalog: Catalog) -> list[Column]:
    """Every scored leaf: sub-items (max = second.weight × sub.weight / 100), and second-level
    indicators scored directly (the survey), which have no sub-items."""
    columns = []
    for second in catalog.second_levels():
        if second.method:
            columns.append(Column(second.code, second.name, second.weight, "second"))
        for sub in second.sub_items:
            columns.append(Column(sub.code, sub.name, second.weight * sub.weight / HUNDRED,
                                  "sub", second.code))
    return columns


def _dec(value) -> Decimal:
    return Decimal(str(value if value is not None else 0))


def optional_columns(optional: dict | None) -> list[Column]:
    """First, second and sub-item columns of a province's optional indicators, in tree order."""
    columns: list[Column] = []
    for first in (optional or {}).get("indicators") or []:
        columns.append(Column(first["code"], first["name"], _dec(first.get("weight")), "first"))
        for second in first.get("children") or []:
            weight = _dec(second.get("weight"))
            columns.append(Column(second["code"], second["name"], weight, "second", first["code"]))
            for sub in second.get("sub_items") or []:
                share = _dec(sub.get("weight_in_parent"))
                columns.append(Column(sub["code"], sub["name"], weight * share / HUNDRED, "sub",
                                      second["code"]))
    return columns
