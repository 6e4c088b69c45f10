"""Inputs for the report tests that need no ingest run: results dicts from the shared factory
(scored with the real methods) and cases.json in exactly the shape `sceval cases check` writes."""
from __future__ import annotations

import copy

from tests.sceval.results_factory import make_results


def province_results(**options) -> dict:
    """浙江省: 11 roster cities, 9 scored (one with errors), 2 missing, optional indicators."""
    settings = dict(province_code="330000", n_roster=11, n_submitted=9, seed=7)
    settings.update(options)
    return make_results(**settings)


def national_pair() -> list[dict]:
    """浙江省 and 江苏省, different sizes and seeds, so their averages differ."""
    return [province_results(), make_results(province_code="320000", n_roster=13, n_submitted=10, seed=11)]


def with_rejected_city(results: dict) -> dict:
    """The newer city status: a city sent a file, but nothing it sent can be used."""
    changed = copy.deepcopy(results)
    city = next(c for c in changed["cities"] if c["status"] == "missing")
    city["status"] = "rejected"
    city["received_at"] = "2016-12-22T02:00:00+00:00"
    changed["files"].append({"path": f"inbox/{city['code']}_{city['name']}.xls", "sha256": "f" * 64, "size": 9,
                             "received_at": "2016-12-22T02:00:00+00:00", "status": "rejected",
                             "city": city["code"],
                             "issues": [{"code": "FILE_LEGACY_XLS", "severity": "error",
                                         "message": f"{city['code']}_{city['name']}.xls 是旧版 .xls 文件",
                                         "file": "", "sheet": "", "cell": "", "indicator": ""}]})
    city["issues"] = changed["files"][-1]["issues"]  # as results.json repeats why the city's files failed
    return changed


def _sections(missing: str | None = None) -> list[dict]:
    names = ["背景与需求", "主要做法", "特色亮点", "应用成效"]
    return [{"name": n, "found": n != missing, "heading": n if n != missing else "", "paragraph": i + 2}
            for i, n in enumerate(names)]


def cases_json() -> dict:
    return {"generated_at": "2017-01-10T08:00:00+00:00", "files": [
        {"file": "cases/杭州市_城市大脑.docx", "sha256": "a" * 64, "city": {"code": "330100", "name": "杭州市"},
         "title": "城市大脑赋能城市治理", "characters": 6234, "figures": 4, "tables": 2, "sections": _sections(),
         "opening": "杭州市以城市大脑为抓手，" * 30, "status": "ok", "issues": []},
        {"file": "cases/温州市_案例.docx", "sha256": "b" * 64, "city": {"code": "330300", "name": "温州市"},
         "title": "一网通办惠民生", "characters": 9012, "figures": 8, "tables": 4,
         "sections": _sections("特色亮点"), "opening": "温州市推进政务服务一网通办。", "status": "rejected",
         "issues": [{"code": "CASE_TOO_LONG", "severity": "error", "message": "温州市_案例.docx：正文9012字，超过8000字",
                     "file": "cases/温州市_案例.docx", "sheet": "", "cell": "", "indicator": ""}]},
        {"file": "cases/未署名.docx", "sha256": "c" * 64, "city": None, "title": "", "characters": 3000,
         "figures": 0, "tables": 0, "sections": _sections(), "opening": "", "status": "warnings",
         "issues": [{"code": "CASE_CITY_FROM_TEXT", "severity": "warning", "message": "未能从文档属性识别城市",
                     "file": "cases/未署名.docx", "sheet": "", "cell": "", "indicator": ""}]},
    ]}
