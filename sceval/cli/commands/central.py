"""CLI commands for the central feed (registered by sceval.cli)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from sceval.cli.common import CATALOG_OPTION

central_app = typer.Typer(help="秘书处统一数据（非城市填报的数据，如统一测算得分率、市民体验调查得分）。",
                          no_args_is_help=True)


@central_app.command("template")
def template_command(
    roster: Path = typer.Option(..., "--roster", "-r", help="城市名单文件（CSV 或 .xlsx）。"),
    out: Path = typer.Option(..., "--out", "-o", help="输出的秘书处统一数据填报表（.xlsx）。"),
    catalog: Optional[Path] = CATALOG_OPTION,
) -> None:
    """生成秘书处统一数据填报表：每个名单城市一行，每项非城市填报的数据一列（带数据验证）。"""
    from sceval.intake.central import feed_columns, write_central_template
    from sceval.cli.common import load_catalog_or_exit, load_roster_or_exit

    loaded = load_catalog_or_exit(catalog)
    city_roster = load_roster_or_exit(roster)
    path = write_central_template(city_roster, out, loaded)
    count = len(feed_columns(loaded))
    typer.echo(f"已生成秘书处统一数据填报表：{path}（{len(city_roster.cities)} 个城市，{count} 项数据）")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(central_app, name="central")
