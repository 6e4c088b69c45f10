"""Every number of chapter 二, computed once as exact Decimals (half-up, 2 decimals).

A score rate is an indicator's score over its maximum from the catalog, in percent; the average
rate over cities is sum(scores) × 100 / (cities × maximum), rounded once, so it can never pass 100.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sctemplates.methods import round_score

from sceval.reports.report.facts import CityRecord, Node, ReportFacts, exact

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rate:
    node: Node
    cities: int  # cities with a score for this indicator
    average: Decimal  # average score
    rate: Decimal  # average score rate, %


@dataclass(frozen=True)
class Stats:
    count: int
    mean: Decimal
    median: Decimal
    high: Decimal
    low: Decimal

    @property
    def spread(self) -> Decimal:
        return self.high - self.low


def stats(values: list[Decimal]) -> Stats | None:
    if not values:
        return None
    return Stats(len(values), round_score(sum(values) / len(values)),
                 round_score(statistics.median(values)), max(values), min(values))


def total_stats(cities: list[CityRecord]) -> Stats | None:
    return stats([c.total for c in cities if c.scored])


def rate_of(node: Node, cities: list[CityRecord]) -> Rate | None:
    values = [v for v in (c.score(node.code) for c in cities if c.scored) if v is not None]
    if not values or not node.maximum:
        return None
    total = sum(values)
    return Rate(node, len(values), round_score(total / len(values)),
                round_score(total * HUNDRED / (len(values) * node.maximum)))


def rates(facts: ReportFacts, level: int, cities: list[CityRecord] | None = None) -> list[Rate]:
    cities = facts.scored() if cities is None else cities
    found = (rate_of(node, cities) for node in facts.level(level))
    return [r for r in found if r is not None]


def strongest_weakest(found: list[Rate], count: int) -> tuple[list[Rate], list[Rate]]:
    """Highest and lowest average rates (ties by catalog order); the two ends never overlap."""
    ordered = sorted(found, key=lambda r: -r.rate)
    count = min(count, len(ordered) // 2)
    return ordered[:count], list(reversed(ordered))[:count]


@dataclass(frozen=True)
class Group:
    kind: str
    codes: tuple[str, ...]  # first-level indicators in the group
    maximum: Decimal
    rate: Decimal  # the group's average score rate, %


def groups(facts: ReportFacts) -> list[Group]:
    """First-level indicators grouped by the catalog's ``kind`` mark; [] when none is marked."""
    firsts = [n for n in facts.level(1) if n.kind]
    kinds = list(dict.fromkeys(n.kind for n in firsts))
    scored = facts.scored()
    found = []
    for kind in kinds:
        members = [n for n in firsts if n.kind == kind]
        maximum = sum(n.maximum for n in members)
        points = sum(c.score(n.code) or Decimal(0) for c in scored for n in members)
        if scored and maximum:
            found.append(Group(kind, tuple(n.code for n in members), maximum,
                               round_score(points * HUNDRED / (len(scored) * maximum))))
    return found


def leaders(facts: ReportFacts) -> list[tuple[Node, Decimal, list[CityRecord]]]:
    """Per first-level indicator: the best score and every city that has it."""
    scored = facts.scored()
    found = []
    for node in facts.level(1):
        values = {c.code: c.score(node.code) for c in scored}
        best = max((v for v in values.values() if v is not None), default=None)
        if best is not None:
            found.append((node, best, [c for c in scored if values[c.code] == best]))
    return found


def at_stake(cities: list[CityRecord]) -> list[tuple[CityRecord, Decimal]]:
    """Cities that lost points to errors or blanks, most first."""
    found = [(c, exact(c.entry.get("points_at_stake"))) for c in cities if c.scored]
    return sorted([(c, p) for c, p in found if p], key=lambda item: -item[1])


def errors_by_indicator(facts: ReportFacts) -> list[tuple[str, int]]:
    """(indicator code, cities with an error on it) for the counted returns, most first."""
    cities = Counter()
    for city in facts.scored():
        codes = {i.get("indicator") for i in city.entry.get("issues") or [] if i.get("severity") == "error"}
        cities.update(code for code in codes if code)
    return sorted(cities.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class CodeCount:
    code: str
    severity: str
    meaning: str
    occurrences: int
    cities: int


def issue_counts(facts: ReportFacts) -> list[CodeCount]:
    """Issues of the counted returns and of unusable files, by code, most frequent first."""
    from sctemplates.issues import issue_codes

    known = issue_codes()
    occurrences, where = Counter(), {}
    for code, city in _all_issues(facts):
        occurrences[code] += 1
        where.setdefault(code, set()).add(city)
    found = [CodeCount(code, known.get(code, {}).get("severity", ""),
                       known.get(code, {}).get("meaning", "（未登记的问题代码）"), n, len(where[code]))
             for code, n in occurrences.items()]
    return sorted(found, key=lambda c: (-c.occurrences, c.code))


def _all_issues(facts: ReportFacts):
    """A counted return's issues once per city, an unusable file's once per file (a city whose
    files were all rejected repeats that file's issues in its entry: counted from the file)."""
    for province in facts.provinces:
        for city in province.scored():
            for item in city.entry.get("issues") or []:
                yield item.get("code", ""), (province.code, city.code)
        for entry in province.files:  # a blank template standing for its city: said of the file, like a rejected one
            if entry.get("status") in ("rejected", "blank"):
                for item in entry.get("issues") or []:
                    yield item.get("code", ""), (province.code, entry.get("city") or entry.get("path"))


def histogram(values: list[Decimal], width: int = 10) -> list[tuple[int, int, int]]:
    """(low, high, count) bins of ``width`` points over 0–100; 100 falls in the last bin."""
    bins = []
    for low in range(0, 100, width):
        high = low + width
        last = high >= 100
        count = sum(1 for v in values if low <= v < high or (last and v == high))
        bins.append((low, high, count))
    return bins


def province_stats(facts: ReportFacts) -> list[tuple[str, Stats]]:
    """(province name, stats of its totals) for provinces with scored cities."""
    found = [(p.name, total_stats(p.cities)) for p in facts.provinces]
    return [(name, s) for name, s in found if s is not None]


def mean_spread(found: list[tuple[str, Stats]]) -> tuple[Decimal, Decimal, Decimal] | None:
    """Highest and lowest province mean, and the difference between them."""
    if not found:
        return None
    means = [s.mean for _, s in found]
    return max(means), min(means), max(means) - min(means)
