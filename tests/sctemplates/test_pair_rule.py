""""Numerator ≤ denominator" is decided once, by the method kind: the template's rule text, its
live validity flag and ingest's check follow the same attribute, for every pair kind."""
from __future__ import annotations

import pytest

from sctemplates.methods import METHODS
from sctemplates.render.formulas import number_valid
from sctemplates.render.input_cells import number_rule
from sceval.evaluate.checks import check_inputs
from sceval.evaluate.parse import RawCell, parse_input
from tests.sceval.ingest_helpers import base_catalog, first_sub, valid_values

CATALOG = base_catalog()
PAIR_KINDS = [name for name, kind in METHODS.items() if kind.pair]


def test_pair_kinds_are_the_two_ratios_one_capped():
    assert sorted(PAIR_KINDS) == ["capped_ratio", "ratio"]
    assert [METHODS[k].numerator_at_most_denominator for k in ("ratio", "capped_ratio")] == [True, False]


def _num_over_den(sub) -> list[str]:
    values = valid_values(CATALOG) | {sub.input("numerator").name: 300, sub.input("denominator").name: 200}
    parsed = {item.name: parse_input(RawCell(values.get(item.name)), item, file="f", sheet="s", cell="A1")
              for _s, _u, item in CATALOG.inputs() if item.city_fills}
    return [i.code for i in check_inputs(CATALOG, parsed, lambda name: {"file": "f", "sheet": "s", "cell": "A1"})]


@pytest.mark.parametrize("kind", PAIR_KINDS)
def test_template_text_live_flag_and_ingest_agree(kind):
    sub = first_sub(CATALOG, kind)
    numerator = sub.input("numerator")
    refuses = METHODS[kind].numerator_at_most_denominator
    assert ("不大于分母" in number_rule(numerator, sub)) is refuses
    assert ("<=PARTNER" in number_valid("VALUE", numerator, sub, "PARTNER")) is refuses
    assert ("RATIO_NUM_GT_DEN" in _num_over_den(sub)) is refuses
