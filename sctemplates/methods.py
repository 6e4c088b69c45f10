"""Scoring-method kinds: the roles each kind needs, its exact Decimal points, its Excel formula.

A method kind is engine, not data: the catalog says *which* kind a sub-item uses and with which
labels, ranges and parameters; this module says what the kind means. The Python points and the
Excel formula of a kind sit side by side so they cannot drift apart, and a test proves they agree
through LibreOffice.

Official rule (notice, Att. 1): sub-item score = w_sub × fraction × 100, where w_sub is a
percentage, so with ``weight`` stored as the percentage number (30 for 30 %) the sub-item score is
``weight × fraction``. Every level is rounded half-up to 2 decimals.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def round_score(value: Decimal) -> Decimal:
    """四舍五入 to 2 decimals, exactly (never float, never banker's rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def show_number(value) -> str:
    """A number as people write it in a message: 35000 not 35000.0 or 3.5E+4, 0.5 not 0.50."""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number, "f")


@dataclass(frozen=True)
class MethodKind:
    name: str
    roles: tuple[str, ...]
    label: str  # Chinese name shown in templates
    explain: str  # Chinese one-line rule shown in templates
    source: str = "city"
    params: tuple[str, ...] = ()
    # A kind scored on a numerator and a denominator; ``capped`` kinds let the numerator exceed the
    # denominator (scored as 100 %), the others refuse it (templates, live flags and ingest alike).
    pair: bool = False
    capped: bool = False

    @property
    def numerator_at_most_denominator(self) -> bool:
        return self.pair and not self.capped


METHODS: dict[str, MethodKind] = {
    m.name: m
    for m in (
        MethodKind(
            "ratio", ("numerator", "denominator"), "比例",
            "得分 = 权重 × 分子 ÷ 分母；分子、分母均填写数量（不填百分比），0 ≤ 分子 ≤ 分母，分母 > 0",
            pair=True,
        ),
        MethodKind(
            "capped_ratio", ("numerator", "denominator"), "比例（封顶）",
            "得分 = 权重 × min(分子 ÷ 分母, 1)；分子可以大于分母（如每百人普及率超过100%），按100%封顶",
            pair=True, capped=True,
        ),
        MethodKind(
            "graded", ("choice",), "分档",
            "从下拉列表选择最符合实际的一档，得分 = 权重 × 该档得分比例",
        ),
        MethodKind(
            "rate", ("value",), "增减率",
            "填写同比百分数（可为负数）；得分 = 权重 × min(max(数值, 0) ÷ 目标值, 1)",
            params=("target",),
        ),
        MethodKind(
            "central", ("feed",), "秘书处统一测算",
            "由秘书处统一测算并反馈（得分率0–100），城市无需填报", source="central",
        ),
        MethodKind(
            "survey", ("feed",), "市民体验调查",
            "由第三方市民体验调查得出（0–100分），得分 = 权重 × 调查得分 ÷ 100，城市无需填报",
            source="survey",
        ),
    )
}


def raw_points(method: str, weight: Decimal, values: dict[str, object], params: dict) -> Decimal:
    """Unrounded points of one scored item from already-checked values.

    ``values`` maps role -> Decimal (or a choice's fraction for ``graded``). Multiplying before
    dividing keeps terminating results exact, so 30 × 823 / 2000 is exactly 12.345.
    """
    if method == "ratio":
        return weight * values["numerator"] / values["denominator"]
    if method == "capped_ratio":
        numerator = min(values["numerator"], values["denominator"])
        return weight * numerator / values["denominator"]
    if method == "graded":
        return weight * values["choice"]
    if method == "rate":
        target = params["target"]
        return weight * min(max(values["value"], Decimal(0)), target) / target
    if method in ("central", "survey"):
        return weight * values["feed"] / HUNDRED
    raise ValueError(f"unknown method kind: {method}")


def excel_points(method: str, weight: Decimal, refs: dict[str, str], params: dict) -> str:
    """The Excel expression (no leading '=') for the same unrounded points.

    ``refs`` maps role -> a cell reference or defined name; for ``graded`` the ``choice`` ref must
    already be the looked-up fraction. Invalid or empty inputs give 0, as in the scorer.
    """
    w = str(weight)
    if method in ("ratio", "capped_ratio"):
        n, d = refs["numerator"], refs["denominator"]
        top = n if method == "ratio" else f"MIN({n},{d})"
        upper = f"{n}<={d}" if method == "ratio" else "TRUE"
        valid = f"AND(ISNUMBER({n}),ISNUMBER({d}),{d}>0,{n}>=0,{upper})"
        return f"IF({valid},{w}*{top}/{d},0)"
    if method == "graded":
        c = refs["choice"]
        return f"IF(ISNUMBER({c}),{w}*{c},0)"
    if method == "rate":
        v, t = refs["value"], str(params["target"])
        return f"IF(ISNUMBER({v}),{w}*MIN(MAX({v},0),{t})/{t},0)"
    if method in ("central", "survey"):
        f = refs["feed"]
        return f"IF(ISNUMBER({f}),{w}*{f}/100,0)"
    raise ValueError(f"unknown method kind: {method}")
