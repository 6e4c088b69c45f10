"""How far a city's rank could move if the provisional weights were different (pure, numpy).

The notice's weights are mostly project defaults marked ``provisional`` in the catalog. Following
composite-indicator practice (the OECD/JRC Handbook; COINr's ``get_sensitivity`` defaults), each
provisional weight is perturbed uniformly by ±25 % and the provisional weights of one parent are
renormalised so that their sum — hence the parent's total — is unchanged; official weights stay
fixed. Over N seeded draws each city's rank is recomputed, and its median and 5th–95th percentile
rank are reported.

Exactness: the published scores stay Decimal (sceval.evaluate.scoring); this module only *ranks*
under hypothetical weights, so floats are fine here. Totals are rounded to 1e-6 before ranking so
that two cities whose Decimal totals are equal never part because of float summation order.

Vectorised: a city × item matrix of each scored item's contribution to the total, a draw × item
matrix of weight multipliers, one matmul gives every city's total under every draw.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from sctemplates.model import Catalog

DEFAULT_DRAWS = 1000
DEFAULT_NOISE = 0.25
DEFAULT_SEED = 2016
PERCENTILES = (5, 50, 95)
TIE_DECIMALS = 6


@dataclass(frozen=True)
class WeightPlan:
    """The scored leaves of a catalog (sub-items, and second levels scored directly) and the
    groups of provisional weights that move together (siblings under one parent)."""

    columns: tuple[str, ...]  # leaf codes, matrix column order
    scale: np.ndarray  # a leaf score × scale = its contribution to the total (second weight / 100)
    second_of: np.ndarray  # column -> index of its second level
    sub_groups: tuple[tuple[np.ndarray, np.ndarray], ...]  # (column indices, original weights)
    second_groups: tuple[tuple[np.ndarray, np.ndarray], ...]  # (second indices, original weights)
    seconds: int
    varied: tuple[str, ...]  # codes whose weight is perturbed


def _varies(node) -> bool:
    return "weight" in getattr(node, "provisional", ()) and node.weight > 0


def weight_plan(catalog: Catalog) -> WeightPlan:
    columns, scale, second_of, sub_groups, second_groups, varied = [], [], [], [], [], []
    seconds = list(catalog.second_levels())
    for index, second in enumerate(seconds):
        if second.method:
            columns.append(second.code), scale.append(1.0), second_of.append(index)
            continue
        group = []
        for sub in second.sub_items:
            if _varies(sub):
                group.append((len(columns), float(sub.weight)))
                varied.append(sub.code)
            columns.append(sub.code), scale.append(float(second.weight) / 100), second_of.append(index)
        if len(group) > 1:  # one lone provisional weight renormalises back to itself
            sub_groups.append(_group(group))
    start = 0
    for first in catalog.indicators:
        group = [(start + i, float(s.weight)) for i, s in enumerate(first.children) if _varies(s)]
        varied += [s.code for s in first.children if _varies(s)]
        if len(group) > 1:
            second_groups.append(_group(group))
        start += len(first.children)
    return WeightPlan(tuple(columns), np.array(scale), np.array(second_of, dtype=int),
                      tuple(sub_groups), tuple(second_groups), len(seconds), tuple(varied))


def _group(pairs: list[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([i for i, _ in pairs], dtype=int), np.array([w for _, w in pairs])


def contribution_matrix(plan: WeightPlan, city_scores: list[dict]) -> np.ndarray:
    """city × leaf: each leaf's points in the city's total (a missing score counts 0)."""
    matrix = np.array([[float(scores.get(code) or 0) for code in plan.columns] for scores in city_scores],
                      dtype=float).reshape(len(city_scores), len(plan.columns))
    return matrix * plan.scale


def _renormalised(weights: np.ndarray, draws: int, noise: float, rng) -> np.ndarray:
    """draws × k multipliers: each weight × U(1−noise, 1+noise), the group's sum kept."""
    perturbed = weights * rng.uniform(1 - noise, 1 + noise, size=(draws, len(weights)))
    perturbed *= weights.sum() / perturbed.sum(axis=1, keepdims=True)
    return perturbed / weights


def draw_multipliers(plan: WeightPlan, draws: int, noise: float, seed: int) -> np.ndarray:
    """draws × leaf: how much each leaf's contribution is scaled under each draw."""
    rng = np.random.default_rng(seed)
    subs = np.ones((draws, len(plan.columns)))
    for columns, weights in plan.sub_groups:
        subs[:, columns] = _renormalised(weights, draws, noise, rng)
    second = np.ones((draws, plan.seconds))
    for indices, weights in plan.second_groups:
        second[:, indices] = _renormalised(weights, draws, noise, rng)
    return subs * second[:, plan.second_of]


def competition_ranks(totals: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest; equal totals share the better rank (1, 2, 2, 4). Works down
    columns: ``totals`` is cities × draws (or a vector of cities)."""
    totals = np.round(np.asarray(totals, dtype=float), TIE_DECIMALS)
    if totals.ndim == 1:
        return competition_ranks(totals[:, None])[:, 0]
    ascending = np.sort(totals, axis=0)
    count = totals.shape[0]
    ranks = np.empty(totals.shape, dtype=int)
    for draw in range(totals.shape[1]):  # one searchsorted per draw: ~10 µs each
        ranks[:, draw] = 1 + count - np.searchsorted(ascending[:, draw], totals[:, draw], side="right")
    return ranks


@dataclass
class RankStability:
    ranks: list[int]  # from the published (Decimal) totals
    lows: list[int] = field(default_factory=list)
    medians: list[int] = field(default_factory=list)
    highs: list[int] = field(default_factory=list)
    varied: tuple[str, ...] = ()


def rank_stability(catalog: Catalog, totals: list[Decimal], city_scores: list[dict],
                   draws: int = DEFAULT_DRAWS, noise: float = DEFAULT_NOISE,
                   seed: int = DEFAULT_SEED) -> RankStability:
    """Ranks of the scored cities and, unless ``draws`` is 0, their 5–50–95 % rank under draws."""
    ranks = competition_ranks(np.array([float(t) for t in totals])).tolist()
    plan = weight_plan(catalog)
    if not draws or not totals:
        return RankStability(ranks, ranks, ranks, ranks, plan.varied)
    drawn = contribution_matrix(plan, city_scores) @ draw_multipliers(plan, draws, noise, seed).T
    # Under the catalog's own weights (no draw) the leaf sum can differ from the published total by
    # the rounding of the second levels; anchor each city to its published total.
    drawn += (np.array([float(t) for t in totals]) - contribution_matrix(plan, city_scores).sum(axis=1))[:, None]
    drawn_ranks = competition_ranks(drawn)
    low, median, high = (np.percentile(drawn_ranks, p, axis=1, method="inverted_cdf") for p in PERCENTILES)
    return RankStability(ranks, _ints(low), _ints(median), _ints(high), plan.varied)


def _ints(values: np.ndarray) -> list[int]:
    return [int(v) for v in values]


def unsettled_pairs(names: list[str], ranks: list[int], lows: list[int], highs: list[int]) -> list[tuple[str, str]]:
    """Pairs of cities, adjacent in rank, whose intervals overlap: their order is not settled."""
    order = sorted(range(len(names)), key=lambda i: (ranks[i], names[i]))
    return [(names[a], names[b]) for a, b in zip(order, order[1:]) if lows[b] <= highs[a]]
