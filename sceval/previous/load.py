"""Load the previous round's results.json files (a province's, the secretariat's, …) into one
``PreviousRound``: per city its inputs, total, rank, first-level scores, status and round name.

Merged across files: a city scored in a later file replaces an unscored (missing) entry of an
earlier one, never the other way round. An edition mapping (``editions.EditionMapping``) renames
the earlier inputs and codes to the current catalog's before anyone looks at them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sctemplates.render.previous import PreviousCity, PreviousValues

from sceval.errors import ScevalError, unreadable_reason


class PreviousError(ValueError, ScevalError):
    """A previous results.json that cannot be used; the message is Chinese and names the file."""


@dataclass
class PreviousRound:
    """Every city of the earlier round(s), keyed by city code, and what that round asked for."""

    cities: dict[str, PreviousCity] = field(default_factory=dict)
    input_names: frozenset[str] = frozenset()  # inputs of the earlier catalog (after the mapping)
    rounds: tuple[str, ...] = ()
    split_from: dict[str, str] = field(default_factory=dict)  # new input -> the earlier input it was part of
    rules: object = None  # sceval.previous.rules.YearOnYear of the current catalog (None: the bundled one's)

    def for_city(self, code: str) -> PreviousValues:
        """What a template for this city shows (sctemplates.render.previous)."""
        return PreviousValues(self.cities.get(code), self.input_names, self.round_name, dict(self.split_from))

    @property
    def round_name(self) -> str:
        return "、".join(self.rounds)


def load_previous(paths, mapping=None) -> PreviousRound:
    """One PreviousRound from ``paths`` (results.json files), renamed through ``mapping``."""
    merged = PreviousRound()
    for path in paths:
        _merge(merged, _read(Path(path)), mapping)
    if mapping is not None:
        merged.split_from = mapping.split_sources()
    return merged


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PreviousError(f"上一轮结果文件 {path} 无法读取：{unreadable_reason(exc)}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cities"), list):
        raise PreviousError(f"上一轮结果文件 {path} 不是 sceval 的 results.json（缺少 cities）")
    data["_path"] = str(path)
    return data


def round_name(results: dict) -> str:
    """The earlier round's name: its own ``round_name`` when it carries one, else province and date."""
    if results.get("round_name"):
        return str(results["round_name"])
    province = (results.get("province") or {}).get("name") or ""
    day = str(results.get("generated_at") or "")[:10]
    return f"{province}{day}回收".strip() or Path(results["_path"]).parent.name


def _merge(merged: PreviousRound, results: dict, mapping) -> None:
    name = round_name(results)
    if name not in merged.rounds:
        merged.rounds += (name,)
    catalog = _scored_with(results)
    first_levels = [first.code for first in (catalog or _bundled()).indicators]
    merged.input_names |= _input_names(results, catalog, mapping)
    for entry in results["cities"]:
        city = _city(entry, name, first_levels, mapping)
        kept = merged.cities.get(city.code)
        if kept is None or kept.total is None or city.total is not None:
            merged.cities[city.code] = city


def _city(entry: dict, name: str, first_levels: list[str], mapping) -> PreviousCity:
    scores = entry.get("scores") or {}
    # the values the round was scored with: a reviewer's adjustment replaces what the city typed
    made = [a for a in entry.get("adjustments") or [] if isinstance(a, dict) and "input" in a and "adjusted" in a]
    inputs = dict(entry.get("inputs") or {}) | {a["input"]: a["adjusted"] for a in made}
    adjusted = {a["input"]: (a.get("original"), str(a.get("why") or "")) for a in made}
    firsts = {code: _decimal(scores[code]) for code in first_levels if scores.get(code) is not None}
    if mapping is not None:
        inputs, firsts = mapping.inputs(inputs), mapping.codes(firsts)
        adjusted = mapping.renamed(adjusted)
    from sceval.reports.status_words import city_status_label

    status = str(entry.get("status", ""))
    return PreviousCity(code=str(entry.get("code", "")), name=str(entry.get("name", "")), round=name,
                        status=status, total=_decimal(entry.get("total")), rank=entry.get("rank"),
                        scores=firsts, inputs=inputs, status_label=city_status_label(status), adjusted=adjusted)


def _scored_with(results: dict):
    """The catalog the results were scored with; None for a results.json from before it was kept."""
    from sceval.results.model import catalog_of

    return catalog_of(results)


def _bundled():
    from sctemplates.catalog import load_catalog

    return load_catalog()


def _input_names(results: dict, catalog, mapping) -> frozenset[str]:
    if catalog is None:  # an old results.json: the inputs its cities reported are what it asked for
        names = {name for entry in results["cities"] for name in (entry.get("inputs") or {})}
    else:
        names = {item.name for _second, _sub, item in catalog.inputs()}
    if mapping is not None:
        names = set(mapping.inputs({name: None for name in names}))
    return frozenset(names)


def _decimal(value) -> Decimal | None:
    """A JSON score as the exact Decimal of its text (never via binary float arithmetic)."""
    if value is None or isinstance(value, bool):
        return None
    return Decimal(str(value))
