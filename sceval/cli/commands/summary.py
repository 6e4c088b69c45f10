"""CLI commands for summary (registered by sceval.cli)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def summary_command(
    results: List[Path] = typer.Argument(..., help="一个或多个计分结果文件（results.json）或 sceval 生成的汇总表（.xlsx，"
                                                   "使用其中内嵌的计分结果），可以混合；多个即全国汇总。"),
    roster: Optional[List[Path]] = typer.Option(None, "--roster", "-r", help="城市名单（可多次指定）；名单中未报送的城市列为“未报送”。"),
    out: Path = typer.Option(..., "--out", "-o", help="输出的汇总工作簿（.xlsx）。"),
    catalog: Optional[Path] = typer.Option(None, "--catalog", "-c", help="指标目录；默认使用计分结果中记录的目录"
                                           "（早期版本的 results.json 未记录目录时使用内置 2016 版）。"),
) -> None:
    """由计分结果生成汇总工作簿（总览、各级得分、原始数据、问题清单、提交情况、得分明细、图表）。"""
    from sceval.cli.common import load_catalog_or_exit, load_results_or_exit, load_rosters_or_exit
    from sceval.reports.summary.workbook import write_summary

    loaded = load_results_or_exit(list(results))
    rosters = load_rosters_or_exit(list(roster or []))
    scored = load_catalog_or_exit(catalog) if catalog else None  # else: the one in results.json
    path = write_summary(loaded if len(loaded) != 1 else loaded[0], out, rosters=rosters or None, catalog=scored)
    typer.echo(f"已生成汇总表：{path}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("summary")(summary_command)
