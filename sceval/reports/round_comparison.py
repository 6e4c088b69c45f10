"""This round against the previous one, per city, for every view (summary sheet 与上一轮对比, the
附件4 report, a national merge): totals, change, ranks, first-level changes, risers and fallers.

Reads only results.json fields (cities[].previous, change, rank; sceval.previous.compare). Every
difference is exact Decimal arithmetic on the 2-decimal scores, rounded half-up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sctemplates.methods import round_score

SHOWN_MOVERS = 5


@dataclass(frozen=True)
class Compared:
    province: str
    code: str
    name: str
    before: Decimal | None
    now: Decimal | None
    rank_before: int | None
    rank_now: int | None
    firsts: dict = field(default_factory=dict)  # first-level code -> change (Decimal | None)
    round: str = ""

    @property
    def change(self) -> Decimal | None:
        return None if self.before is None or self.now is None else round_score(self.now - self.before)

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative)."""
        return None if self.rank_before is None or self.rank_now is None else self.rank_before - self.rank_now


def has_previous(data) -> bool:
    """Whether any city of a SummaryData carries a previous round."""
    return any(row.record.get("previous") for row in data.rows)


def compared_rows(data) -> list[Compared]:
    """One Compared per city with a previous round (sceval.reports.summary.data.SummaryData rows);
    a national merge ranks the previous totals of all its cities together, like the current ones."""
    # A 计划单列市 in a province's views reports to the nation: never compared or ranked here.
    rows = [row for row in data.rows if row.record.get("previous") and not row.apart]
    earlier = _national_ranks(rows) if data.national else {}
    firsts = [first.code for first in data.catalog.indicators]
    found = []
    for row in rows:
        previous = row.record["previous"]
        rank_before = earlier.get((row.province_code, row.code)) if data.national else previous.get("rank")
        found.append(Compared(row.province_name, row.code, row.name, _decimal(previous.get("total")), row.total,
                              rank_before, row.rank if row.scored else None,
                              {code: _difference(row.score(code), (previous.get("scores") or {}).get(code))
                               for code in firsts}, str(previous.get("round") or "")))
    return found


def _national_ranks(rows) -> dict[tuple[str, str], int]:
    """Competition ranks (1, 2, 2, 4) of the previous totals across every province."""
    totals = sorted(((_decimal(r.record["previous"].get("total")), r.province_code, r.code) for r in rows
                     if r.record["previous"].get("total") is not None), key=lambda t: (-t[0], t[1], t[2]))
    ranks, last, rank = {}, None, 0
    for position, (total, province, code) in enumerate(totals, start=1):
        if total != last:
            rank, last = position, total
        ranks[(province, code)] = rank
    return ranks


def movers(rows: list[Compared], shown: int = SHOWN_MOVERS) -> tuple[list[Compared], list[Compared]]:
    """(largest risers, largest fallers) by total change; ties by province and city code."""
    changed = [r for r in rows if r.change is not None]
    risers = sorted((r for r in changed if r.change > 0), key=lambda r: (-r.change, r.province, r.code))
    fallers = sorted((r for r in changed if r.change < 0), key=lambda r: (r.change, r.province, r.code))
    return risers[:shown], fallers[:shown]


def mean_change(rows: list[Compared]) -> Decimal | None:
    changes = [r.change for r in rows if r.change is not None]
    return round_score(sum(changes, Decimal(0)) / len(changes)) if changes else None


def _difference(now: Decimal | None, before) -> Decimal | None:
    before = _decimal(before)
    return None if now is None or before is None else round_score(now - before)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
