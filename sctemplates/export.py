"""The catalog as plain data: the public JSON of `sceval catalog --json` (keep it stable)."""
from __future__ import annotations

from decimal import Decimal

from sctemplates.methods import METHODS
from sctemplates.model import Catalog, Input, SecondLevel, SubItem


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def input_as_dict(item: Input) -> dict:
    return {
        "name": item.name, "role": item.role, "label": item.label, "unit": item.unit,
        "min": _number(item.min), "max": _number(item.max), "integer": item.integer,
        "source": item.source,
        "choices": [{"label": c.label, "fraction": _number(c.fraction)} for c in item.choices],
    }


def sub_item_as_dict(sub: SubItem) -> dict:
    return {
        "code": sub.code, "name": sub.name, "weight_in_parent": _number(sub.weight),
        "provisional": sub.is_provisional, "provisional_facts": list(sub.provisional),
        "method": sub.method, "method_label": METHODS[sub.method].label,
        "params": {k: _number(v) for k, v in sub.params},
        "requirement": sub.requirement,
        "inputs": [input_as_dict(i) for i in sub.inputs],
    }


def second_as_dict(second: SecondLevel) -> dict:
    data = {"code": second.code, "name": second.name, "weight": _number(second.weight)}
    if second.about:
        data["about"] = second.about
    if second.provisional:
        data["provisional_facts"] = list(second.provisional)
    if second.method:
        data.update(method=second.method, inputs=[input_as_dict(i) for i in second.inputs])
    data["sub_items"] = [sub_item_as_dict(s) for s in second.sub_items]
    return data


def catalog_as_dict(catalog: Catalog) -> dict:
    return {
        "edition": catalog.edition,
        "title": catalog.title,
        "fingerprint": catalog.fingerprint(),
        "input_contract_fingerprint": catalog.input_contract_fingerprint(),
        "scoring_rules_fingerprint": catalog.scoring_rules_fingerprint(),
        "provisional": catalog.provisional,
        "data_cutoff": catalog.data_cutoff,
        "total_points": _number(catalog.total_points),
        **_edition_rules(catalog),
        "indicators": [
            {
                "code": f.code, "name": f.name, "weight": _number(f.weight), "kind": f.kind,
                "children": [second_as_dict(s) for s in f.children],
            }
            for f in catalog.indicators
        ],
    }


def _edition_rules(catalog: Catalog) -> dict:
    data = {}
    if catalog.maturity_bands:
        data["maturity_bands"] = [{"name": b.name, "from": _number(b.low), "to": _number(b.high)}
                                  for b in catalog.maturity_bands]
    rules = catalog.optional_rules
    if rules is not None:
        data["optional_indicators"] = {"code": rules.code, "name": rules.name, "points": _number(rules.points),
                                       "max_second": rules.max_second, "max_sub": rules.max_sub}
    return data
