"""Results to merge, from any mix of results.json files and sceval summary workbooks.

A workbook gives the results embedded in it (sceval.reports.summary.embedded), checked against
its visible numbers; a national workbook gives several provinces. The same province twice, or a
city in two files, would be counted twice: refused, naming both files. Refusals are Issues
(raised together in ResultsRefused); warnings come back with the results.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sctemplates.issues import Issue, issue

from sceval.errors import ScevalError, unreadable_reason

ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Loaded:
    results: list[dict] = field(default_factory=list)  # one per province, in the order given
    origins: list[str] = field(default_factory=list)  # the file each results dict came from
    issues: list[Issue] = field(default_factory=list)  # warnings: visible numbers edited by hand


class ResultsRefused(ScevalError):
    """The inputs cannot be merged; ``issues`` say why (each a code and a Chinese message), and
    so does the message: every reason with its code, as the CLI says it."""

    def __init__(self, issues: list[Issue]):
        super().__init__("\n".join(f"{item.message}（{item.code}）" for item in issues))
        self.issues = issues


def load_sources(paths) -> Loaded:
    """Every path's results, refused as a whole when any file is unusable or two overlap."""
    loaded, refused = Loaded(), []
    for path in map(Path, paths):
        results, issues = _one_source(path)
        refused += [item for item in issues if item.is_error]
        loaded.issues += [item for item in issues if not item.is_error]
        loaded.results += results
        loaded.origins += [str(path)] * len(results)
    refused += overlaps(loaded.results, loaded.origins)
    if refused:
        raise ResultsRefused(refused)
    return loaded


def is_workbook(path: Path) -> bool:
    try:
        with open(path, "rb") as stream:
            return stream.read(4) == ZIP_MAGIC
    except OSError:
        return False


def _one_source(path: Path) -> tuple[list[dict], list[Issue]]:
    return _from_workbook(path) if is_workbook(path) else _from_json(path)


def _from_workbook(path: Path) -> tuple[list[dict], list[Issue]]:
    from sceval.reports.summary.data import build_summary_data
    from sceval.reports.summary.embedded import read_embedded
    from sceval.reports.summary.visible import edited_numbers
    from sceval.reports.summary.workbook import scored_catalog

    embedded = read_embedded(path, str(path))
    if not embedded.usable:
        return [], embedded.issues
    data = build_summary_data(embedded.results, scored_catalog(embedded.results))
    return embedded.results, embedded.issues + edited_numbers(embedded.book, data, str(path))


def _from_json(path: Path) -> tuple[list[dict], list[Issue]]:
    from sceval.reports.summary.cases_sheet import cases_beside

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # unreadable, not UTF-8, not JSON
        return [], [_unreadable(path, unreadable_reason(exc) or str(exc))]
    if not isinstance(data, dict) or "cities" not in data:
        return [], [issue("MERGE_RESULTS_UNREADABLE", f"{path} 不是计分结果文件（缺少 cities）", file=str(path))]
    data.setdefault("cases", cases_beside(path))  # 优秀案例: the cases.json ingest left beside it
    return [data], []


def _unreadable(path: Path, why: str) -> Issue:
    return issue("MERGE_RESULTS_UNREADABLE", f"无法读取计分结果文件 {path}：{why}", file=str(path))


def _province(results: dict) -> tuple[str, str]:
    info = results.get("province") or {}
    return (str(info.get("code", "")), str(info.get("name", ""))) if isinstance(info, dict) else ("", "")


def overlaps(results: list[dict], origins: list[str]) -> list[Issue]:
    """The same province twice, or one city in two provinces' results: each named with both files."""
    provinces: dict[str, str] = {}
    cities: dict[str, str] = {}
    found = []
    for data, origin in zip(results, origins):
        code, name = _province(data)
        if code and code in provinces:
            found.append(issue("MERGE_SAME_PROVINCE", f"{provinces[code]} 与 {origin} 都是{name}（{code}）的计分结果，"
                                                      "同一省份只能指定一个 results.json 或汇总表（请选用最新一次回收的结果）",
                               file=origin))
            continue
        provinces[code] = origin
        found += _city_overlaps(data, origin, cities)
    return found


def _city_overlaps(data: dict, origin: str, cities: dict[str, str]) -> list[Issue]:
    found = []
    for city in data.get("cities") or []:
        code = str(city.get("code", "")) if isinstance(city, dict) else ""
        if not code:
            continue
        if code in cities:
            found.append(issue("MERGE_CITY_OVERLAP", f"{cities[code]} 与 {origin} 都含有城市 {city.get('name', '')}"
                                                     f"（{code}），合并会重复计入该城市，已拒绝", file=origin))
        cities[code] = origin
    return found
