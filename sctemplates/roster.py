"""Rosters: which cities take part in a province's round (model; loaders are added below)."""
from __future__ import annotations

from dataclasses import dataclass

# Kinds of city that report straight to the national level and take no optional indicators.
DIRECT_KINDS = ("直辖市", "计划单列市")


@dataclass(frozen=True)
class City:
    code: str  # 6-digit GB/T 2260 code
    name: str
    kind: str  # 地级市 / 副省级市 / 直辖市 / 计划单列市 / 兵团 / 自治州 / 地区 / 盟

    @property
    def takes_optional(self) -> bool:
        return self.kind not in DIRECT_KINDS


@dataclass(frozen=True)
class Roster:
    province_code: str
    province_name: str
    cities: tuple[City, ...]
    source: str = ""

    def by_code(self) -> dict[str, City]:
        return {city.code: city for city in self.cities}
