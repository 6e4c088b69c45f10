"""How numbers, dates and lists read in the report's Chinese text."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

# Returns carry UTC times; the people who read the report count days in Beijing time.
BEIJING = timezone(timedelta(hours=8))


def points(value: Decimal | None) -> str:
    """A score with exactly 2 decimals (Decimal formatting: exact, no float on the way)."""
    return "—" if value is None else f"{value:.2f}"


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def weight(value: Decimal) -> str:
    """A catalog weight as written in the notice: 4, 37, 2.5 (no trailing zeros)."""
    number = value.normalize()
    return format(number.quantize(Decimal(1)) if number == number.to_integral_value() else number, "f")


def beijing_day(stamp: str | None) -> date | None:
    if not stamp:
        return None
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(BEIJING).date()


def chinese_date(day: date | str | None) -> str:
    if day is None or day == "":
        return "—"
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def names(items) -> str:
    return "、".join(items)


def kind_counts(kinds: list[str]) -> str:
    """副省级市1个、计划单列市1个、地级市9个 (in first-seen order)."""
    counted = Counter(k or "未注明类型" for k in kinds)
    return names(f"{kind}{count}个" for kind, count in counted.items())
