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


def province_roster(province_code: str):
    """A province's cities as a Roster, kinds as the roster's 类型 column wants them: the national
    list's 计划单列市 keep that kind, the other 副省级市 are marked, the rest keep their own kind."""
    from sctemplates.roster import City, Roster, national_direct_cities, province_by_code

    name = province_by_code().get(province_code)
    if name is None:
        raise ValueError(f"“{province_code}”不是省级行政区划代码（GB/T 2260），如江苏省为 320000")
    direct = {c.code: c.kind for c in national_direct_cities()}
    cities = tuple(City(p.code, p.name, direct.get(p.code) or ("副省级市" if p.sub_provincial else p.kind))
                   for p in in_province(province_code))
    return Roster(province_code, name, cities)


def write_roster_csv(roster, path: str | Path) -> Path:
    """The roster as the CSV `sceval roster check` reads (UTF-8 with BOM, so Excel opens it right)."""
    import csv
    import io

    from sctemplates.atomic import write_text_atomic

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["代码", "名称", "类型", "联系人", "邮箱", "电话"])
    writer.writerows([city.code, city.name, city.kind, "", "", ""] for city in roster.cities)
    write_text_atomic(path, "\ufeff" + text.getvalue())
    return Path(path)
