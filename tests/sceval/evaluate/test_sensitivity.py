"""Rank intervals under perturbed provisional weights (sceval.evaluate.sensitivity)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np

from sctemplates.methods import HUNDRED, round_score

from sceval.evaluate import sensitivity


def _city(catalog, fraction_of) -> tuple[Decimal, dict]:
    """Scores of a city whose every sub-item achieves ``fraction_of(code)``, Decimal half-up."""
    scores, total = {}, Decimal(0)
    for second in catalog.second_levels():
        if second.method:
            scores[second.code] = round_score(second.weight * fraction_of(second.code))
            total += scores[second.code]
            continue
        subs = Decimal(0)
        for sub in second.sub_items:
            scores[sub.code] = round_score(sub.weight * fraction_of(sub.code))
            subs += scores[sub.code]
        total += round_score(second.weight / HUNDRED * subs)
    return total, scores


def _official(catalog):
    """The catalog with every weight made official (no provisional facts anywhere)."""
    firsts = []
    for first in catalog.indicators:
        seconds = tuple(dataclasses.replace(s, provisional=(), sub_items=tuple(
            dataclasses.replace(sub, provisional=()) for sub in s.sub_items)) for s in first.children)
        firsts.append(dataclasses.replace(first, children=seconds))
    return dataclasses.replace(catalog, indicators=tuple(firsts))


def _cities(catalog, count: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    codes = [s.code for s in catalog.sub_items()] + [s.code for s in catalog.second_levels() if s.method]
    cities = []
    for _ in range(count):
        fractions = {code: Decimal(int(rng.integers(30, 90))) / 100 for code in codes}
        cities.append(_city(catalog, fractions.__getitem__))
    return [t for t, _ in cities], [s for _, s in cities]


def test_the_plan_varies_exactly_the_provisional_weights(catalog):
    plan = sensitivity.weight_plan(catalog)
    expected = [s.code for s in catalog.sub_items() if "weight" in s.provisional]
    assert list(plan.varied) == expected and len(expected) > 40
    multipliers = sensitivity.draw_multipliers(plan, 200, 0.25, 1)
    fixed = [plan.columns.index(s.code) for s in catalog.sub_items() if "weight" not in s.provisional]
    assert fixed and np.all(multipliers[:, fixed] == 1)
    assert multipliers.min() >= 0.75 * 0.75 and multipliers.max() <= 1.25 / 0.75  # bounded by the ±25 %
    assert np.ptp(multipliers) > 0.1  # the provisional weights really move
    # renormalised within each parent: the weighted sum of each group is the original sum
    for columns, weights in plan.sub_groups:
        assert np.allclose((multipliers[:, columns] * weights).sum(axis=1), weights.sum())


def test_a_city_far_ahead_is_always_first(catalog):
    totals, scores = _cities(catalog, 30)
    best_total, best = _city(catalog, lambda code: Decimal(1))
    result = sensitivity.rank_stability(catalog, [best_total] + totals, [best] + scores, draws=500)
    assert (result.ranks[0], result.lows[0], result.highs[0], result.medians[0]) == (1, 1, 1, 1)
    assert max(result.highs[1:]) > min(result.lows[1:])  # the others do move


def test_equal_totals_overlap(catalog):
    """Two cities, equal totals reached through different sub-items, share rank and interval overlap."""
    ratio = {s.code: Decimal("0.6") for s in catalog.sub_items()}
    total_a, a = _city(catalog, lambda c: ratio.get(c, Decimal("0.5")))
    second = next(s for s in catalog.second_levels() if len(s.sub_items) >= 2
                  and all(x.weight == s.sub_items[0].weight for x in s.sub_items[:2])
                  and all("weight" in x.provisional for x in s.sub_items[:2]))
    first_sub, other_sub = second.sub_items[0].code, second.sub_items[1].code
    swapped = {**ratio, first_sub: Decimal("0.9"), other_sub: Decimal("0.3")}
    total_b, b = _city(catalog, lambda c: swapped.get(c, Decimal("0.5")))
    assert total_a == total_b and a != b
    totals, scores = _cities(catalog, 10)
    result = sensitivity.rank_stability(catalog, [total_a, total_b] + totals, [a, b] + scores, draws=400)
    assert result.ranks[0] == result.ranks[1]
    assert result.lows[0] <= result.highs[1] and result.lows[1] <= result.highs[0]
    assert result.lows[0] < result.highs[0] or result.lows[1] < result.highs[1]  # b's order moves
    names = ["甲", "乙"] + [f"城{i}" for i in range(10)]
    pairs = sensitivity.unsettled_pairs(names, result.ranks, result.lows, result.highs)
    assert {"甲", "乙"} in [set(pair) for pair in pairs]


def test_the_same_seed_gives_the_same_intervals(catalog):
    totals, scores = _cities(catalog, 40)
    one = sensitivity.rank_stability(catalog, totals, scores, draws=300, seed=5)
    two = sensitivity.rank_stability(catalog, totals, scores, draws=300, seed=5)
    other = sensitivity.rank_stability(catalog, totals, scores, draws=300, seed=6)
    assert (one.lows, one.medians, one.highs) == (two.lows, two.medians, two.highs)
    assert (one.lows, one.highs) != (other.lows, other.highs)
    assert any(lo < hi for lo, hi in zip(one.lows, one.highs))


def test_without_provisional_weights_intervals_collapse_to_the_ranks(catalog):
    official = _official(catalog)
    totals, scores = _cities(official, 40)
    result = sensitivity.rank_stability(official, totals, scores, draws=300)
    assert result.varied == ()
    assert result.lows == result.ranks == result.highs == result.medians
    by_total = sorted(totals, reverse=True)
    assert result.ranks == [by_total.index(t) + 1 for t in totals]


def test_no_draws_means_no_intervals_but_ranks(catalog):
    totals, scores = _cities(catalog, 5)
    result = sensitivity.rank_stability(catalog, totals, scores, draws=0)
    assert result.lows == result.ranks == result.highs
    assert sorted(result.ranks) == [1, 2, 3, 4, 5]


def test_competition_ranks_share_the_better_rank():
    assert sensitivity.competition_ranks(np.array([90.0, 80.0, 80.0, 70.0])).tolist() == [1, 2, 2, 4]
