"""The catalog back from its public JSON (`sceval catalog --json`, results.json ``catalog``).

results.json carries the whole catalog it was scored with, so every later step — the summary, the
feedback, a report, a rescoring — reads the indicators from the run itself, never from whatever
catalog happens to be bundled. The round trip is exact: the rebuilt catalog has the same
fingerprint (tests/sctemplates/test_catalog_json.py).
"""
from __future__ import annotations

from decimal import Decimal

from sctemplates.model import Catalog, Choice, FirstLevel, Input, MaturityBand, OptionalRules, SecondLevel, SubItem


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def input_from_json(data: dict) -> Input:
    choices = tuple(Choice(c["label"], _decimal(c["fraction"])) for c in data.get("choices", ()))
    return Input(name=data["name"], role=data["role"], label=data["label"], unit=data.get("unit", ""),
                 integer=bool(data.get("integer")), min=_decimal(data.get("min")),
                 max=_decimal(data.get("max")), choices=choices, source=data.get("source", "city"))


def sub_item_from_json(data: dict) -> SubItem:
    params = tuple((key, _decimal(value)) for key, value in data.get("params", {}).items())
    return SubItem(code=data["code"], name=data["name"], weight=_decimal(data["weight_in_parent"]),
                   method=data["method"], inputs=tuple(input_from_json(i) for i in data["inputs"]),
                   requirement=data.get("requirement", ""), params=params,
                   provisional=tuple(data.get("provisional_facts", ())))


def second_from_json(data: dict) -> SecondLevel:
    return SecondLevel(code=data["code"], name=data["name"], weight=_decimal(data["weight"]),
                       sub_items=tuple(sub_item_from_json(s) for s in data.get("sub_items", ())),
                       method=data.get("method", ""),
                       inputs=tuple(input_from_json(i) for i in data.get("inputs", ())),
                       about=data.get("about", ""), provisional=tuple(data.get("provisional_facts", ())))


def catalog_from_json(data: dict, source: str = "results.json") -> Catalog:
    """A Catalog from ``sctemplates.export.catalog_as_dict`` output (raises KeyError if partial)."""
    firsts = tuple(FirstLevel(code=f["code"], name=f["name"], weight=_decimal(f["weight"]),
                              children=tuple(second_from_json(s) for s in f["children"]),
                              kind=f.get("kind", ""))
                   for f in data["indicators"])
    return Catalog(edition=data["edition"], title=data["title"], indicators=firsts,
                   data_cutoff=data.get("data_cutoff", ""), source=source,
                   total_points=_decimal(data.get("total_points", 100)),
                   optional_rules=_optional_rules(data.get("optional_indicators")),
                   maturity_bands=tuple(MaturityBand(b["name"], _decimal(b["from"]), _decimal(b["to"]))
                                        for b in data.get("maturity_bands", ())))


def _optional_rules(data: dict | None) -> OptionalRules | None:
    if not data:
        return None
    return OptionalRules(code=data["code"], name=data["name"], points=_decimal(data["points"]),
                         max_second=int(data["max_second"]), max_sub=int(data["max_sub"]))


def is_full_catalog(data) -> bool:
    """results.json before this release kept only edition, fingerprint and provisional."""
    return isinstance(data, dict) and "indicators" in data
