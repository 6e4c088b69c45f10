"""The pure indicator model: dataclasses and derived facts, no I/O.

Everything here is built from catalog data (``catalogs/2016.yaml``) or from a province's
optional-indicator workbook; nothing in this module names an indicator.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from functools import cached_property
from decimal import Decimal
from typing import Iterator

# Sources of an input's value: the city fills it, or the secretariat's central feed supplies it.
SOURCE_CITY = "city"
SOURCE_CENTRAL = "central"
SOURCE_SURVEY = "survey"


@dataclass(frozen=True)
class Choice:
    label: str
    fraction: Decimal


@dataclass(frozen=True)
class Input:
    """One value a city (or the central feed) reports for a sub-item."""

    name: str  # workbook-level defined name, e.g. SC_L1P1_A1_NUM
    role: str  # numerator | denominator | choice | value | feed
    label: str
    unit: str = ""
    integer: bool = False
    min: Decimal | None = None
    max: Decimal | None = None
    choices: tuple[Choice, ...] = ()
    source: str = SOURCE_CITY

    @property
    def city_fills(self) -> bool:
        return self.source == SOURCE_CITY

    def choice_fraction(self, label: str) -> Decimal | None:
        for choice in self.choices:
            if choice.label == label:
                return choice.fraction
        return None


@dataclass(frozen=True)
class SubItem:
    code: str
    name: str
    weight: Decimal  # % of the parent second-level indicator
    method: str
    inputs: tuple[Input, ...]
    requirement: str = ""
    params: tuple[tuple[str, Decimal], ...] = ()
    provisional: tuple[str, ...] = ()  # which facts are provisional: weight, method, ...

    def input(self, role: str) -> Input:
        for item in self.inputs:
            if item.role == role:
                return item
        raise KeyError(f"{self.code} has no input with role {role}")

    def param(self, key: str) -> Decimal:
        return dict(self.params)[key]

    @property
    def is_provisional(self) -> bool:
        return bool(self.provisional)


@dataclass(frozen=True)
class SecondLevel:
    code: str
    name: str
    weight: Decimal  # points (of 100, or of 10 for optional indicators)
    sub_items: tuple[SubItem, ...] = ()
    method: str = ""  # set only when the indicator is scored directly (the survey)
    inputs: tuple[Input, ...] = ()
    about: str = ""
    provisional: tuple[str, ...] = ()


@dataclass(frozen=True)
class FirstLevel:
    code: str
    name: str
    weight: Decimal
    children: tuple[SecondLevel, ...]
    kind: str = ""


@dataclass(frozen=True)
class OptionalRules:
    """What an edition allows a province to add (Attachment 2): one first-level indicator."""

    code: str
    name: str
    points: Decimal
    max_second: int
    max_sub: int

    @property
    def second_codes(self) -> tuple[str, ...]:
        return tuple(f"{self.code}P{n}" for n in range(1, self.max_second + 1))

    @property
    def sub_codes(self) -> tuple[str, ...]:
        return tuple(f"A{n}" for n in range(1, self.max_sub + 1))


@dataclass(frozen=True)
class MaturityBand:
    """A stage of maturity by total score: ``low`` ≤ total < ``high`` (the top band holds 100)."""

    name: str
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class Catalog:
    edition: str
    title: str
    indicators: tuple[FirstLevel, ...]
    data_cutoff: str = ""
    source: str = ""  # file the catalog came from, for messages
    total_points: Decimal = Decimal(100)
    # Edition rules beside the tree; neither changes what a cell means or scores (not fingerprinted).
    optional_rules: OptionalRules | None = None
    maturity_bands: tuple[MaturityBand, ...] = ()

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        # The hash dataclass would compute walks the whole tree (~600 nodes); caches keyed by a
        # catalog (one per city in a rescore) paid it on every call. Frozen: compute it once.
        return hash(tuple(getattr(self, field.name) for field in fields(self)))

    def maturity_stage(self, total: Decimal | None) -> str:
        """The band whose [low, high) holds the total; the top band also holds its upper bound."""
        if total is None or not self.maturity_bands:
            return ""
        for band in self.maturity_bands:
            if band.low <= total < band.high:
                return band.name
        top = self.maturity_bands[-1]
        return top.name if total == top.high else ""

    def first_levels(self) -> Iterator[FirstLevel]:
        return iter(self.indicators)

    def second_levels(self) -> Iterator[SecondLevel]:
        for first in self.indicators:
            yield from first.children

    def sub_items(self) -> Iterator[SubItem]:
        for second in self.second_levels():
            yield from second.sub_items

    def nodes(self) -> Iterator[FirstLevel | SecondLevel | SubItem]:
        """Every indicator of every level in tree order (each first level, then its children)."""
        for first in self.indicators:
            yield first
            for second in first.children:
                yield second
                yield from second.sub_items

    def inputs(self) -> Iterator[tuple[SecondLevel, SubItem | None, Input]]:
        """Every input in tree order, with the indicator that owns it."""
        for second in self.second_levels():
            for item in second.inputs:
                yield second, None, item
            for sub in second.sub_items:
                for item in sub.inputs:
                    yield second, sub, item

    def city_inputs(self) -> tuple[tuple[str, Input], ...]:
        """(owning indicator's code, input) of every input the city fills, in tree order."""
        return self._city_inputs

    @cached_property
    def _city_inputs(self) -> tuple[tuple[str, Input], ...]:  # ingest asks for it once per file
        return tuple(((sub or second).code, item) for second, sub, item in self.inputs() if item.city_fills)

    def text_names(self) -> tuple[tuple[str, str, str], ...]:
        """(code, 数据来源 name, 说明 name) of every sub-item; ingest asks for it once per file."""
        return self._text_names

    @cached_property
    def _text_names(self) -> tuple[tuple[str, str, str], ...]:
        from sctemplates.layout import remark_name, source_name

        return tuple((sub.code, source_name(sub.code), remark_name(sub.code)) for sub in self.sub_items())

    def input_by_name(self) -> dict[str, Input]:
        return {item.name: item for _, _, item in self.inputs()}

    @property
    def provisional(self) -> bool:
        return any(sub.is_provisional for sub in self.sub_items()) or any(
            second.provisional for second in self.second_levels()
        )

    def provisional_codes(self) -> list[str]:
        return [sub.code for sub in self.sub_items() if sub.is_provisional]

    def fingerprint(self) -> str:
        """A short hash of every fact that changes what a cell means or scores."""
        return self._fingerprint

    @cached_property
    def _fingerprint(self) -> str:  # a frozen catalog never changes: hash it once
        return _digest(_fingerprint_facts(self))

    def input_contract_fingerprint(self) -> str:
        """A short hash of what a rendered template asks the city for and shows it as locked.

        Indicator codes and names, and every input's name, role, label, unit, integer-ness,
        source and choice labels. Two catalogs with the same contract render templates whose
        answers mean the same thing, so a return of one can be scored under the other.
        """
        return self._input_contract

    @cached_property
    def _input_contract(self) -> str:
        return _digest(_contract_facts(self))

    def scoring_rules_fingerprint(self) -> str:
        """A short hash of how answers become points: weights, methods, params, choice
        fractions, input ranges and the total. Contract and rules together decide fingerprint()."""
        return self._scoring_rules

    @cached_property
    def _scoring_rules(self) -> str:
        return _digest(_rules_facts(self))


def _digest(facts: list) -> str:
    text = json.dumps(facts, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _contract_facts(catalog: Catalog) -> list:
    facts: list = [catalog.edition]
    for node in catalog.nodes():
        facts.append([node.code, node.name])
        for item in getattr(node, "inputs", ()):
            labels = [c.label for c in item.choices]
            facts.append([item.name, item.role, item.label, item.unit, item.integer, item.source, labels])
    return facts


def _rules_facts(catalog: Catalog) -> list:
    facts: list = [catalog.edition, str(catalog.total_points)]
    for node in catalog.nodes():
        params = [[k, str(v)] for k, v in getattr(node, "params", ())]
        facts.append([node.code, str(node.weight), getattr(node, "method", ""), params])
        for item in getattr(node, "inputs", ()):
            fractions = [str(c.fraction) for c in item.choices]
            facts.append([item.name, str(item.min), str(item.max), fractions])
    return facts


def _input_facts(item: Input) -> list:
    choices = [[c.label, str(c.fraction)] for c in item.choices]
    return [item.name, item.role, item.label, item.unit, str(item.min), str(item.max), choices]


def _fingerprint_facts(catalog: Catalog) -> list:
    facts: list = [catalog.edition]
    for first in catalog.indicators:
        facts.append([first.code, first.name, str(first.weight)])
        for second in first.children:
            facts.append([second.code, second.name, str(second.weight), second.method])
            facts.extend(_input_facts(i) for i in second.inputs)
            for sub in second.sub_items:
                params = [[k, str(v)] for k, v in sub.params]
                facts.append([sub.code, sub.name, str(sub.weight), sub.method, params])
                facts.extend(_input_facts(i) for i in sub.inputs)
    return facts


def defined_name(code: str, role: str) -> str:
    """The workbook-level name of an input cell: SC_ + code with '-' as '_' + role tag."""
    from sctemplates.layout import code_key  # the one spelling of an indicator code in a name

    return f"SC_{code_key(code)}_{ROLE_TAGS[role]}"


ROLE_TAGS = {
    "numerator": "NUM",
    "denominator": "DEN",
    "choice": "CHOICE",
    "value": "VALUE",
    "feed": "FEED",
}
