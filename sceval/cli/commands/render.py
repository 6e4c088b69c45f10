"""CLI: `sceval render` writes one fill-in workbook per roster city."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from sceval.cli.common import CATALOG_OPTION


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("render")(render_command)


def render_command(
    roster: Path = typer.Option(..., "--roster", "-r", help="参评城市名单（CSV 或 .xlsx），列为“代码,名称,类型”；类型为地级市、副省级市、直辖市、计划单列市、兵团、自治州、地区、盟之一（直辖市、计划单列市不填自选指标）。"),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件夹。"),
    optional: Optional[Path] = typer.Option(None, "--optional", help="省级自选指标定义文件（.xlsx）。"),
    province: Optional[Path] = typer.Option(None, "--province", "-p", help="省级评价配置（YAML）：code、name、organiser（牵头部门）、round_name、deadline（YYYY-MM-DD）、contacts（每人 role、name、phone、email）、mail_from、mail_signature。示例见 sceval/demo/inputs/province_330000.yaml。"),
    catalog: Optional[Path] = CATALOG_OPTION,
    deadline: Optional[str] = typer.Option(None, "--deadline", help="报送截止日期，如 2016-12-30（默认取省级配置，否则 2016-12-30）。"),
    force: bool = typer.Option(False, "--force", help="覆盖输出文件夹中已存在的同名文件。"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="并行生成的进程数。"),
    previous: Optional[List[Path]] = typer.Option(None, "--previous", help="上一轮的 results.json（可多次给出）：每个输入项旁显示本市上一轮填报值（灰色，只读），封面显示上一轮总分、名次和状态；输入格仍为空。"),
    mapping: Optional[Path] = typer.Option(None, "--mapping", help="上一轮与本轮指标目录版本不同时的版本对照文件（YAML，见 sceval catalog diff）。"),
) -> None:
    """为名单中的每个城市生成填报模板（.xlsx）。"""
    from sceval.cli.common import (load_catalog_or_exit, load_optional_or_exit, load_previous_or_exit,
                                   load_province_or_exit, load_roster_or_exit, warn_if_provisional)

    loaded = load_catalog_or_exit(catalog)
    warn_if_provisional(loaded)
    city_roster = load_roster_or_exit(roster)
    extra = load_optional_or_exit(optional, loaded)
    config = load_province_or_exit(province)
    earlier = load_previous_or_exit(previous, mapping, catalog)
    paths = _render_with_progress(loaded, city_roster, out, extra, config, deadline, force, jobs, earlier)
    typer.echo(f"已生成 {len(paths)} 个填报模板，保存在 {out}")


def _render_with_progress(catalog, roster, out, optional, province, deadline, force, jobs, previous=None):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from sctemplates.render import render_all

    columns = (TextColumn("生成模板"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("", total=len(roster.cities))
        def advance(city, _path) -> None:
            bar.update(task, advance=1, description=city.name)
        try:
            return render_all(catalog, roster, out, optional=optional, province=province,
                              deadline=deadline, force=force, progress=advance, jobs=jobs,
                              previous=previous)
        except FileExistsError as exc:
            bar.stop()
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
