"""CLI command `sceval export` (registered by sceval.cli): a thin layer over sceval.export."""
from __future__ import annotations

from pathlib import Path
from typing import List

import typer


def export_command(
    results: List[Path] = typer.Argument(..., help="一个或多个计分结果文件（results.json）或 sceval 生成的汇总表（.xlsx），"
                                                   "可以混合；多个即全国。"),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件：.csv（UTF-8，带 BOM，Excel 可直接打开）或 .xlsx。"),
    long: bool = typer.Option(False, "--long", help="每个城市的每项指标一行（指标代码、层级、得分、满分、是否暂定）；"
                                                   "默认每个城市一行。"),
) -> None:
    """导出计分结果为一张表（CSV 或 Excel），供分析使用：每个城市一行，或加 --long 每个城市每项指标一行。"""
    from sceval.cli.common import say_edited_numbers, stop
    from sceval.cli.unwritable import exit_when_unwritable
    from sceval.export import SUFFIXES, export_results

    if out.suffix.lower() not in SUFFIXES:
        stop(f"输出文件 {out.name} 的扩展名应为 .csv 或 .xlsx")
    # Not through load_file_or_exit: export_results reads the results itself (sources.load_sources,
    # as summary does) and a file that cannot be used is its ResultsRefused, said by the app with
    # every reason's code; an OSError here is from writing the table.
    with exit_when_unwritable("导出文件"):
        done = export_results(list(results), out, long=long)
    say_edited_numbers(done.issues)
    typer.echo(f"已导出 {done.rows} 行：{done.path}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("export")(export_command)
