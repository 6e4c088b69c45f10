"""GB/T 2260 prefecture-level divisions as of the round, and what a roster row is checked against.

The data (prefectures-2016.yaml) records its source and every change since the notice's date;
make_prefectures.py rebuilds it. 直辖市 (provincial codes) and 兵团 are checked in roster.py itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("prefectures-2016.yaml")
# A name may be written without its kind's suffix (苏州 for 苏州市, 大兴安岭 for 大兴安岭地区).
SUFFIX = re.compile(r"(市|地区|自治州|盟)$")


@dataclass(frozen=True)
class Prefecture:
    code: str
    name: str
    kind: str  # 地级市 / 地区 / 自治州 / 盟
    province: str
    sub_provincial: bool = False


@lru_cache(maxsize=1)
def division_data() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def prefectures() -> dict[str, Prefecture]:
    return {e["code"]: Prefecture(e["code"], e["name"], e["kind"], e["province"], bool(e.get("sub_provincial")))
            for e in division_data()["prefectures"]}


def in_province(province_code: str) -> list[Prefecture]:
    return [p for p in prefectures().values() if p.province == province_code]


def bare(name: str) -> str:
    return SUFFIX.sub("", name.strip())


def name_problem(code: str, name: str) -> tuple[str, str] | None:
    """(issue code, Chinese reason) when ``code``/``name`` is not the division of that code."""
    known = prefectures().get(code)
    as_of = division_data()["as_of"]
    if known is None:
        return "ROSTER_UNKNOWN_DIVISION", f"代码 {code} 不是 {as_of} 时的地级行政区划代码（GB/T 2260）"
    if name == known.name:
        return None
    if bare(name) == bare(known.name):
        return "ROSTER_NAME_SUFFIX", f"代码 {code} 的规范名称为“{known.name}”（名单中写作“{name}”），已按规范名称记录"
    return "ROSTER_NAME_MISMATCH", f"代码 {code} 是{known.name}，不是“{name}”"
