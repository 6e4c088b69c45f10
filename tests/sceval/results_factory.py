"""Realistic results dicts (the public shape of results.json), driven by the real catalog.

Inputs are drawn at random (seeded), then scored with the real method kinds and rounded half-up
at every level, so each dict is internally consistent and a test can check any number by hand.
"""
from __future__ import annotations

import random
from decimal import Decimal

from sctemplates.catalog import load_catalog
from sctemplates.methods import raw_points, round_score
from sctemplates.model import Catalog, Input, SubItem

PROVINCES = {"330000": "浙江省", "320000": "江苏省"}
CITY_NAMES = {
    "330000": ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市",
               "舟山市", "台州市", "丽水市"],
    "320000": ["南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市",
               "盐城市", "扬州市", "镇江市", "泰州市", "宿迁市"],
}


def _city_name(province_code: str, index: int) -> str:
    names = CITY_NAMES.get(province_code, [])
    return names[index] if index < len(names) else f"测试{index + 1}市"


def _value_for(item: Input, rng: random.Random, denominators: dict) -> object:
    if item.choices:
        return rng.choice(item.choices).label
    if item.role == "denominator":
        return denominators.setdefault(item.name, rng.randint(50, 2000))
    low, high = int(item.min or 0), int(item.max or 100)
    if item.integer:
        return rng.randint(low, min(high, 2000))
    return float(round_score(Decimal(rng.uniform(max(low, -20), min(high, 100)))))


def _fill_ratio(sub: SubItem, inputs: dict, rng: random.Random) -> None:
    """A numerator never above its denominator, as a valid return has it."""
    den = sub.input("denominator")
    num = sub.input("numerator")
    inputs[den.name] = rng.randint(50, 2000)
    inputs[num.name] = rng.randint(0, inputs[den.name])


def draw_inputs(catalog: Catalog, rng: random.Random) -> dict:
    inputs: dict = {}
    for _second, sub, item in catalog.inputs():
        if sub is not None and sub.method == "ratio":
            if item.name not in inputs:
                _fill_ratio(sub, inputs, rng)
            continue
        inputs[item.name] = _value_for(item, rng, {})
    return inputs


def _role_values(inputs_spec, inputs: dict) -> dict:
    values = {}
    for item in inputs_spec:
        raw = inputs[item.name]
        values[item.role] = item.choice_fraction(raw) if item.choices else Decimal(str(raw))
    return values


def score_catalog(catalog: Catalog, inputs: dict) -> dict[str, Decimal]:
    """code -> rounded score at every level, plus TOTAL."""
    scores: dict[str, Decimal] = {}
    for first in catalog.first_levels():
        for second in first.children:
            if second.method:
                points = raw_points(second.method, second.weight,
                                    _role_values(second.inputs, inputs), {})
                scores[second.code] = round_score(points)
                continue
            for sub in second.sub_items:  # the official scale: a sub-item is out of its weight
                points = raw_points(sub.method, sub.weight,
                                    _role_values(sub.inputs, inputs), dict(sub.params))
                scores[sub.code] = round_score(points)
            subs = sum(scores[s.code] for s in second.sub_items)
            scores[second.code] = round_score(second.weight / 100 * subs)
        scores[first.code] = round_score(sum(scores[s.code] for s in first.children))
    scores["TOTAL"] = round_score(sum(scores[f.code] for f in catalog.first_levels()))
    return scores


def optional_catalog_dict() -> dict:
    """A province's optional indicators (test data), in catalog_as_dict's shape."""
    subs = [
        {"code": "ZXP1-A1", "name": "城市大脑建设情况", "weight_in_parent": 60, "method": "graded",
         "inputs": []},
        {"code": "ZXP1-A2", "name": "数据开放率", "weight_in_parent": 40, "method": "ratio",
         "inputs": []},
    ]
    second = {"code": "ZXP1", "name": "数字经济特色", "weight": 10, "sub_items": subs}
    return {"edition": "2016-330000", "title": "自选指标", "fingerprint": "opt0001",
            "provisional": False, "indicators": [
                {"code": "ZX", "name": "自选指标", "weight": 10, "kind": "", "children": [second]}]}


def _optional_scores(rng: random.Random) -> dict[str, float]:
    a1 = round_score(Decimal(60) * Decimal(rng.choice(["0", "0.3", "0.6", "1"])))
    a2 = round_score(Decimal(40) * Decimal(rng.randint(0, 100)) / 100)
    second = round_score(Decimal(10) / 100 * (a1 + a2))
    return {"ZXP1-A1": float(a1), "ZXP1-A2": float(a2), "ZXP1": float(second), "ZX": float(second)}


def _issue(code: str, severity: str, cell: str, indicator: str, message: str) -> dict:
    return {"code": code, "severity": severity, "sheet": "基础指标", "cell": cell,
            "indicator": indicator, "message": message}


def make_city(catalog: Catalog, code: str, name: str, rng: random.Random, *,
              optional: bool = False, remark: str | None = None,
              with_errors: bool = False) -> dict:
    inputs = draw_inputs(catalog, rng)
    scores = score_catalog(catalog, inputs)
    total = scores.pop("TOTAL")
    subs = list(catalog.sub_items())
    file = f"{code}_{name}_新型智慧城市评价填报表.xlsx"
    city = {
        "code": code, "name": name, "kind": "地级市", "status": "submitted",
        "file": file, "sha256": f"{rng.getrandbits(128):032x}" * 2,
        "received_at": "2016-11-20T10:00:00+08:00",
        "total": float(total), "optional_total": None,
        "scores": {k: float(v) for k, v in scores.items()},
        "points_at_stake": 0.0, "completeness": 100.0, "inputs": inputs,
        "sources": {sub.code: f"{name}统计局" for sub in subs[:5]},
        "remarks": {subs[0].code: remark} if remark else {},
        "filer": {"SC_FILER_NAME": "张三", "SC_FILER_PHONE": "0571-88888888"},
        "issues": [],
    }
    if optional:
        extra = _optional_scores(rng)
        city["scores"].update(extra)
        city["optional_total"] = extra["ZX"]
    if with_errors:
        city["status"] = "has_errors"
        city["points_at_stake"] = 2.67
        city["completeness"] = 97.5
        city["issues"] = [
            _issue("VAL_NOT_NUMBER", "error", "E12", subs[1].code, "应填写数字，实际为“很多”"),
            _issue("OUTLIER", "warning", "E20", subs[3].code, "数值明显偏高，请核实"),
        ]
    return city


def _file_entry(city: dict, status: str = "counted") -> dict:
    return {"path": f"inbox/{city['file']}", "sha256": city["sha256"], "size": 123456,
            "received_at": city["received_at"], "status": status, "city": city["code"],
            "issues": city["issues"]}


def make_results(*, province_code: str = "330000", n_roster: int = 6, n_submitted: int = 4,
                 seed: int = 1, optional: bool = True, remark: str | None = "=1+1",
                 catalog: Catalog | None = None) -> dict:
    """A province's results: ``n_roster`` cities on the roster, the first ``n_submitted`` sent."""
    catalog = catalog or load_catalog()
    rng = random.Random(seed)
    prefix = province_code[:2]
    roster = [{"code": f"{prefix}{i + 1:02d}00", "name": _city_name(province_code, i), "kind": "地级市"}
              for i in range(n_roster)]
    cities = [make_city(catalog, c["code"], c["name"], rng, optional=optional,
                        remark=remark if i == 0 else None, with_errors=(i == 1))
              for i, c in enumerate(roster[:n_submitted])]
    files = [_file_entry(c) for c in cities]
    if cities:  # an earlier return of the first city, superseded by the one that counts
        old = dict(_file_entry(cities[0], "superseded"), sha256="0" * 64,
                   received_at="2016-11-18T09:00:00+08:00")
        old["path"] = "inbox/旧版_" + cities[0]["file"]
        files.insert(0, old)
    for c in roster[n_submitted:]:
        cities.append({**c, "status": "missing", "file": None, "sha256": None,
                       "received_at": None, "total": None, "optional_total": None,
                       "scores": None, "points_at_stake": None, "completeness": None,
                       "inputs": {}, "sources": {}, "remarks": {}, "filer": {}, "issues": []})
    return {
        "catalog": {"edition": catalog.edition, "fingerprint": catalog.fingerprint(),
                    "provisional": catalog.provisional},
        "optional_catalog": optional_catalog_dict() if optional else None,
        "province": {"code": province_code, "name": PROVINCES.get(province_code, "某省")},
        "roster": roster, "generated_at": "2016-11-30T12:00:00+08:00",
        "files": files, "cities": cities,
    }


__all__ = ["make_results", "make_city", "score_catalog", "optional_catalog_dict"]
