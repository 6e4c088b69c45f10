"""The summary's data: results dicts (one per province) merged with rosters into ranked city rows.

Everything the sheets show is derived here once, as exact Decimals, so every sheet and chart
agrees with every other; the sheet modules only lay it out.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from sctemplates.methods import round_score
from sctemplates.model import Catalog
from sctemplates.roster import reports_apart

from sceval.reports.status_words import city_status_labels, scored_statuses

STATUS_LABELS = city_status_labels()  # the words of sceval/reports/status_words.yaml
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
FILE_STATUS_LABELS = {
    "counted": "计入（该城市的有效报送）",
    "blank": "不计分：未填写数据的空白模板（该市尚无已填报的报送）",
    "superseded": "不计入：已被该城市更新的报送替代",
    "rejected": "不计入：文件无法使用（见问题清单）",
    "duplicate": "不计入：与已收到的文件内容完全相同",
    "invalidated": "不计入：已被人工作废",
}
STAT_LABELS = ("平均值", "中位数", "最高分", "最低分")


def to_decimal(value) -> Decimal | None:
    """A JSON score (number or null) as an exact 2-dp Decimal; str() avoids float artefacts."""
    if value is None or isinstance(value, bool):
        return None
    return round_score(Decimal(str(value)))


def column_stats(values: list[Decimal]) -> dict[str, Decimal]:
    """平均值/中位数/最高分/最低分 of the given scores (empty when there are none)."""
    if not values:
        return {}
    mean = round_score(sum(values) / len(values))
    median = round_score(statistics.median(values))
    return dict(zip(STAT_LABELS, (mean, median, max(values), min(values))))


APART = "直报国家"  # the rank shown for a city reporting to the nation (sctemplates.roster.reports_apart)


@dataclass
class CityRow:
    province_code: str
    province_name: str
    code: str
    name: str
    kind: str
    record: dict = field(default_factory=dict)  # the results' city entry; {} when nothing came
    rank: int | None = None
    apart: bool = False  # a 直辖市/计划单列市 in a province's summary: listed, never ranked or averaged

    @property
    def status(self) -> str:
        return self.record.get("status") or "missing"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def score(self, code: str) -> Decimal | None:
        return to_decimal((self.record.get("scores") or {}).get(code))

    @property
    def total(self) -> Decimal | None:
        return to_decimal(self.record.get("total"))

    @property
    def scored(self) -> bool:
        return self.status in scored_statuses() and self.total is not None

    @property
    def issues(self) -> list[dict]:
        return list(self.record.get("issues") or [])

    def count(self, severity: str) -> int:
        return sum(1 for item in self.issues if item.get("severity") == severity)


@dataclass
class Province:
    code: str
    name: str
    results: dict | None = None  # None: a roster with no results at all

    @property
    def optional(self) -> dict | None:
        return (self.results or {}).get("optional_catalog")

    @property
    def files(self) -> list[dict]:
        return list((self.results or {}).get("files") or [])


@dataclass
class SummaryData:
    catalog: Catalog
    provinces: list[Province]
    rows: list[CityRow]  # best total first; cities without a score last
    generated_at: str = ""

    @property
    def national(self) -> bool:
        return len(self.provinces) > 1

    def scored_rows(self) -> list[CityRow]:
        """The cities ranked and averaged: scored, and not reporting to the nation apart."""
        return [row for row in self.rows if row.scored and not row.apart]

    @property
    def apart(self) -> list[CityRow]:
        return [row for row in self.rows if row.apart]

    def stats(self, code: str | None = None) -> dict[str, Decimal]:
        """Statistics of one indicator's scores (or of the totals) over the scored cities."""
        rows = self.scored_rows()
        values = [row.total if code is None else row.score(code) for row in rows]
        return column_stats([v for v in values if v is not None])

    def fingerprints(self) -> set[str]:
        return {(p.results or {}).get("catalog", {}).get("fingerprint", "")
                for p in self.provinces if p.results}


def _roster_cities(results: dict) -> list[dict]:
    cities = list(results.get("roster") or [])
    known = {c["code"] for c in cities}
    return cities + [c for c in results.get("cities") or [] if c["code"] not in known]


def _province_rows(province: Province, roster_cities: list) -> list[CityRow]:
    records = {c["code"]: c for c in (province.results or {}).get("cities") or []}
    rows = []
    for city in roster_cities:
        code = city["code"] if isinstance(city, dict) else city.code
        name = city["name"] if isinstance(city, dict) else city.name
        kind = city.get("kind", "") if isinstance(city, dict) else city.kind
        rows.append(CityRow(province.code, province.name, code, name, kind or "",
                            records.get(code, {})))
    return rows


def _merge_roster(rows: list[CityRow], roster, province: Province) -> list[CityRow]:
    """Add the roster's cities that the results do not list (they sent nothing)."""
    present = {row.code for row in rows}
    extra = [c for c in roster.cities if c.code not in present]
    return rows + _province_rows(province, extra)


def _rank(rows: list[CityRow]) -> list[CityRow]:
    """Competition ranking (1, 2, 2, 4) by total; unscored cities follow, by code, then the cities
    that report to the nation apart (unranked)."""
    scored = sorted((r for r in rows if r.scored and not r.apart),
                    key=lambda r: (-r.total, r.province_code, r.code))
    previous, rank = None, 0
    for position, row in enumerate(scored, start=1):
        if row.total != previous:
            rank, previous = position, row.total
        row.rank = rank
    rest = sorted((r for r in rows if not r.scored and not r.apart), key=lambda r: (r.province_code, r.code))
    return scored + rest + sorted((r for r in rows if r.apart), key=lambda r: (r.province_code, r.code))


def build_summary_data(results: dict | list[dict], catalog: Catalog,
                       rosters=None) -> SummaryData:
    """Merge one or more results dicts with optional rosters (sctemplates.roster.Roster)."""
    results_list = [results] if isinstance(results, dict) else list(results)
    roster_list = [] if rosters is None else (
        list(rosters) if isinstance(rosters, (list, tuple)) else [rosters])
    by_code = {r.province_code: r for r in roster_list}
    provinces, rows = [], []
    for item in results_list:
        info = item.get("province") or {}
        province = Province(str(info.get("code", "")), str(info.get("name", "")), item)
        province_rows = _province_rows(province, _roster_cities(item))
        if province.code in by_code:
            province_rows = _merge_roster(province_rows, by_code.pop(province.code), province)
        provinces.append(province)
        rows.extend(province_rows)
    for roster in by_code.values():
        province = Province(roster.province_code, roster.province_name)
        provinces.append(province)
        rows.extend(_merge_roster([], roster, province))
    if len(provinces) == 1:  # a national merge ranks every city together
        for row in rows:
            row.apart = reports_apart(row.kind, row.province_code)
    stamps = [str(r.get("generated_at", "")) for r in results_list]
    return SummaryData(catalog, provinces, _rank(rows), max(stamps, default=""))
