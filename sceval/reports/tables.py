"""Flat tables of a round for analysts: one row per city, per city × indicator, per issue.

Built from the same SummaryData as the summary workbook (so ranks, labels and totals agree with
it), as plain lists of dicts keyed by Chinese headings; sceval.export writes them to CSV/Excel and
sceval.api wraps them in pandas DataFrames. Scores are exact Decimals (2 places, half-up, as
results.json holds them); a missing value is None. Nothing here names an indicator: the
first-level columns and the indicator tree come from the catalog the results were scored with.
"""
from __future__ import annotations

from functools import lru_cache

from sceval.reports.status_words import adjusted_count, adjusted_words
from sceval.reports.summary.columns import optional_columns
from sceval.reports.summary.data import SEVERITY_LABELS, CityRow, SummaryData, to_decimal

LEVEL_LABELS = {"first": "一级指标", "second": "二级指标", "sub": "二级指标分项"}
OPTIONAL_LEVEL = "自选指标·"
YES, NO = "是", "否"
# A national long table converts ~29,000 JSON scores, a few thousand distinct: each converted once.
# (Scores are numbers or null, never booleans, so True == 1 cannot mix two keys up.)
exact_score = lru_cache(maxsize=1 << 16)(to_decimal)
SCORE_COLUMNS = ("城市代码", "城市名称", "省份", "指标代码", "指标名称", "层级", "上级指标", "得分", "满分", "暂定")
ISSUE_COLUMNS = ("城市代码", "城市名称", "省份", "文件", "问题代码", "严重程度", "说明", "工作表", "单元格", "指标")


def _rank_bounds(data: SummaryData) -> dict[int, tuple[int, int]]:
    """id(row) -> (5th, 95th percentile rank), as the summary's 排名稳定性 sheet shows them (a
    national merge draws them again over all cities: a province's own ranks say nothing across)."""
    from sceval.reports.summary.stability import _placed  # the sheet's own computation

    return {id(one.row): (one.low, one.high) for one in _placed(data)}


def city_rows(data: SummaryData) -> list[dict]:
    """One row per city, best total first, cities without a score last (as the 总览 sheet)."""
    bounds = _rank_bounds(data)
    firsts = list(data.catalog.first_levels())
    return [_city_row(row, firsts, bounds.get(id(row), (None, None))) for row in data.rows]


def _city_row(row: CityRow, firsts, bounds: tuple) -> dict:
    record = row.record
    found = {"城市代码": row.code, "城市名称": row.name, "省份代码": row.province_code,
             "省份": row.province_name, "类型": row.kind, "状态": row.status_label,
             "总分": row.total, "排名": row.rank,
             "排名区间下限（5%）": bounds[0], "排名区间上限（95%）": bounds[1]}
    for first in firsts:
        found[f"{first.code} {first.name}"] = row.score(first.code)
    found.update({"自选指标得分": to_decimal(record.get("optional_total")),
                  "完整度（%）": to_decimal(record.get("completeness")),
                  "待补分值": to_decimal(record.get("points_at_stake")),
                  # as 总览's 审核调整 mark: the total includes this many reviewed values; None when none
                  adjusted_words()["count_column"]: adjusted_count(record) or None})
    return found


def indicator_tree(catalog) -> list[tuple[str, str, str, str, object, bool]]:
    """(code, name, level, parent, 满分, provisional) in tree order. A sub-item's 满分 is its own
    weight: results.json holds sub-item scores on that official scale (sctemplates.methods)."""
    found = []
    for first in catalog.first_levels():
        found.append((first.code, first.name, LEVEL_LABELS["first"], "", first.weight, False))
        for second in first.children:
            found.append((second.code, second.name, LEVEL_LABELS["second"], first.code, second.weight,
                          bool(second.provisional)))
            found += [(sub.code, sub.name, LEVEL_LABELS["sub"], second.code, sub.weight, sub.is_provisional)
                      for sub in second.sub_items]
    return found


def _optional_tree(optional: dict | None) -> list[tuple]:
    provisional = bool((optional or {}).get("provisional"))
    return [(col.code, col.name, OPTIONAL_LEVEL + LEVEL_LABELS[col.level], col.parent, col.max, provisional)
            for col in optional_columns(optional)]


def _exact_maxima(tree: list[tuple]) -> list[tuple]:
    return [(*entry[:4], to_decimal(entry[4]), YES if entry[5] else NO) for entry in tree]


def score_rows(data: SummaryData) -> list[dict]:
    """One row per scored city and indicator (its optional indicators included, when it has them)."""
    tree = _exact_maxima(indicator_tree(data.catalog))
    optional = {p.code: _exact_maxima(_optional_tree(p.optional)) for p in data.provinces}
    found = []
    for row in data.scored_rows():
        scores = row.record.get("scores") or {}
        extra = [entry for entry in optional.get(row.province_code, []) if entry[0] in scores]
        found += [_score_row(row, entry, scores.get(entry[0])) for entry in tree + extra]
    return found


def _score_row(row: CityRow, entry: tuple, score) -> dict:
    code, name, level, parent, maximum, provisional = entry  # maximum and provisional as shown
    return dict(zip(SCORE_COLUMNS, (row.code, row.name, row.province_name, code, name, level, parent,
                                    exact_score(score), maximum, provisional)))


def issue_rows(data: SummaryData, merge_issues=()) -> list[dict]:
    """Every city's issues (the file it came in), then the run's and the merge's own."""
    found = []
    for row in data.rows:
        for item in row.issues:
            found.append(_issue_row(row.code, row.name, row.province_name, row.record.get("file") or "", item))
    for province in data.provinces:
        for item in (province.results or {}).get("run_issues") or []:
            found.append(_issue_row("", "", province.name, item.get("file", ""), item))
    for item in merge_issues:
        found.append(_issue_row("", "", "", item.file, item.as_dict()))
    return found


def _issue_row(code: str, name: str, province: str, file: str, item: dict) -> dict:
    severity = item.get("severity", "")
    return dict(zip(ISSUE_COLUMNS, (code, name, province, file, item.get("code", ""),
                                    SEVERITY_LABELS.get(severity, severity), item.get("message", ""),
                                    item.get("sheet", ""), item.get("cell", ""), item.get("indicator", ""))))


def load_round(paths) -> tuple[SummaryData, list]:
    """The merged data of results.json files and summary workbooks, and the merge's warnings;
    raises sceval.reports.summary.sources.ResultsRefused when they cannot be merged."""
    from sceval.reports.summary.data import build_summary_data
    from sceval.reports.summary.sources import load_sources
    from sceval.reports.summary.workbook import scored_catalog

    loaded = load_sources(paths)
    return build_summary_data(loaded.results, scored_catalog(loaded.results)), loaded.issues
