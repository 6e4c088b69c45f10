"""Values far out of line with the rest of the batch: robust modified z-scores per sub-item.

For each sub-item, the fraction each city achieved (points ÷ weight, 0–1) is compared with the
batch: M = 0.6745·(x − median)/MAD; |M| > 3.5 is an OUTLIER warning (Iglewicz & Hoaglin). With
fewer than 5 cities, or when most cities share one value (MAD = 0), nothing is flagged: the
statistic would flag honest values.
"""
from __future__ import annotations

from decimal import Decimal
from statistics import median

from sctemplates.issues import Issue, issue

MIN_CITIES = 5
THRESHOLD = Decimal("3.5")
CONSISTENCY = Decimal("0.6745")


def modified_z_scores(values: dict[str, Decimal]) -> dict[str, Decimal]:
    """key -> modified z-score; empty when the batch is too small or MAD is 0."""
    if len(values) < MIN_CITIES:
        return {}
    centre = median(values.values())
    mad = median(abs(v - centre) for v in values.values())
    if mad == 0:
        return {}
    return {key: CONSISTENCY * (value - centre) / mad for key, value in values.items()}


def find_outliers(measured: dict[str, dict[str, Decimal]], where=None, names=None) -> dict[str, list[Issue]]:
    """city code -> OUTLIER warnings, from city code -> {sub-item code: fraction achieved}.

    ``where(city, code)`` may give the location (file, sheet, cell) of the sub-item's first input;
    ``names`` sub-item code -> name, so the city reads which item is meant, not only its code.
    """
    found: dict[str, list[Issue]] = {}
    codes = sorted({code for per_city in measured.values() for code in per_city})
    for code in codes:
        column = {city: per_city[code] for city, per_city in measured.items() if code in per_city}
        centre = median(column.values()) if column else Decimal(0)
        for city, z in modified_z_scores(column).items():
            if abs(z) > THRESHOLD:
                shown = f"{code}（{names[code]}）" if names and code in names else code
                found.setdefault(city, []).append(_outlier(code, shown, column[city], centre, z, where, city))
    return found


def _percent(fraction: Decimal) -> str:
    return f"{(fraction * 100).quantize(Decimal('0.1'))}%"


def _outlier(code, shown, value, centre, z, where, city) -> Issue:
    location = where(city, code) if where else {}
    message = (f"{shown} 的得分率为 {_percent(value)}，本批次各城市的中位数为 {_percent(centre)}，"
               f"明显{'偏高' if z > 0 else '偏低'}（稳健 z 值 {z.quantize(Decimal('0.1'))}），请核实填报数据及口径")
    return issue("OUTLIER", message, **{**location, "indicator": code})
