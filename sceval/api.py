"""A Python API for analysts: a round's results as pandas DataFrames.

    from sceval.api import load_results
    rnd = load_results("浙江/results.json", "江苏/汇总_江苏省.xlsx")   # several paths: the national view
    rnd.cities   # one row per city: 城市代码, 城市名称, 省份, 类型, 状态, 总分, 排名, …
    rnd.scores   # one row per city × indicator: 指标代码, 层级, 上级指标, 得分, 满分, 暂定
    rnd.issues   # one row per issue: 城市代码, 文件, 问题代码, 严重程度, 说明, 工作表, 单元格

Scores stay exact: every score column holds decimal.Decimal objects (object dtype; None where
there is none), the 2-decimal values results.json holds, never re-rounded through floats; use
``rnd.cities["总分"].astype(float)`` (None becomes NaN) only where statistics or a plot want
floats. Paths may be results.json files or summary workbooks written by sceval (their embedded
results, checked against the visible numbers: see ``rnd.issues``); inputs that cannot be
merged raise ``ResultsRefused`` (its ``issues`` say why, each with a code and a Chinese message).

pandas is imported here only, inside the functions: the CLI never pays for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterable
from typing import TYPE_CHECKING, Union

from sceval.reports.summary.sources import ResultsRefused

if TYPE_CHECKING:
    import pandas

__all__ = ["Round", "load_results", "ResultsRefused"]


@dataclass(frozen=True)
class Round:
    """One round (a province, or the national view of several): three tables and what was read."""

    cities: "pandas.DataFrame"
    scores: "pandas.DataFrame"
    issues: "pandas.DataFrame"
    sources: tuple[str, ...]  # the paths it was loaded from, as given


def load_results(*paths: Union[str, Path, Iterable[Union[str, Path]]]) -> Round:
    """Load one or more results.json files or sceval summary workbooks as a Round; a list of
    paths (e.g. from ``glob``) is taken as its paths."""
    import pandas as pd

    from sceval.reports.tables import ISSUE_COLUMNS, SCORE_COLUMNS, city_rows, issue_rows, load_round, score_rows

    paths = tuple(_flat(paths))
    if not paths:
        raise TypeError("load_results() 至少需要一个 results.json 或汇总表的路径")
    data, merge_issues = load_round(paths)
    return Round(cities=_frame(pd, city_rows(data)), scores=_frame(pd, score_rows(data), SCORE_COLUMNS),
                 issues=_frame(pd, issue_rows(data, merge_issues), ISSUE_COLUMNS),
                 sources=tuple(str(p) for p in paths))


def _flat(paths) -> Iterable:
    for path in paths:
        if isinstance(path, (str, Path)) or not isinstance(path, Iterable):
            yield path
        else:
            yield from path


def _frame(pd, rows: list[dict], columns: tuple[str, ...] = ()) -> "pandas.DataFrame":
    """Decimals and None stay as they are: pandas keeps them in object columns; only a column of
    whole numbers with gaps (ranks) would become floats with NaN, so it is kept as objects."""
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else list(columns))
    for name in frame.columns:
        if frame[name].dtype.kind == "f":
            frame[name] = pd.Series([row[name] for row in rows], dtype=object)
    return frame
