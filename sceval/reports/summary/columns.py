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
    max: Decimal  # the maximum of the score as results.json holds it (a sub-item: its weight)
    level: str  # first | second | sub
    parent: str = ""
    # A sub-item's most points in the 100-point total (parent weight × sub weight ÷ 100); the
    # same as ``max`` for first and second levels, whose scores are already on that scale.
    share: Decimal | None = None

    @property
    def points_in_total(self) -> Decimal:
        return self.max if self.share is None else self.share

    @property
    def header(self) -> str:
        return f"{self.code} {self.name}"


def first_columns(catalog: Catalog) -> list[Column]:
    return [Column(f.code, f.name, f.weight, "first") for f in catalog.first_levels()]


def second_columns(catalog: Catalog) -> list[Column]:
    return [Column(s.code, s.name, s.weight, "second", f.code)
            for f in catalog.first_levels() for s in f.children]


def leaf_columns(catalog: Catalog) -> list[Column]:
    """Every scored leaf: sub-items, and second-level indicators scored directly (the survey),
    which have no sub-items. A sub-item's score is on the official scale ("分项分数 = 权重 × 得分
    比例 × 100", sctemplates.methods), so its maximum is its own weight; its share of the total
    is kept apart."""
    columns = []
    for second in catalog.second_levels():
        if second.method:
            columns.append(Column(second.code, second.name, second.weight, "second"))
        for sub in second.sub_items:
            columns.append(Column(sub.code, sub.name, sub.weight, "sub", second.code,
                                  second.weight * sub.weight / HUNDRED))
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
                columns.append(Column(sub["code"], sub["name"], share, "sub", second["code"],
                                      weight * share / HUNDRED))
    return columns
