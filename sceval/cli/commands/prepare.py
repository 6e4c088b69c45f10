"""CLI for a province's set-up data: optional indicators (自选指标) and the city roster."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from sceval.cli.common import CATALOG_OPTION

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

optional_app = typer.Typer(help="自选指标：生成定义模板、检查省级自选指标定义文件。", no_args_is_help=True)
roster_app = typer.Typer(help="城市名单：检查参评城市名单（CSV 或 .xlsx）。", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the `optional` and `roster` command groups to the app."""
    app.add_typer(optional_app, name="optional")
    app.add_typer(roster_app, name="roster")


def print_issues(issues, console) -> None:
    """A table of issues for people: code, severity, sheet, cell and the Chinese message."""
    from rich.table import Table

    table = Table(title=f"发现 {len(issues)} 个问题", show_lines=False)
    table.add_column("问题代码", no_wrap=True)
    table.add_column("级别", no_wrap=True)
    table.add_column("工作表")
    table.add_column("单元格", no_wrap=True)
    table.add_column("说明", overflow="fold")
    from sceval.cli.console import shown

    for item in issues:
        table.add_row(item.code, SEVERITY_LABELS.get(item.severity, item.severity),
                      shown(item.sheet), shown(item.cell), shown(item.message))
    console.print(table)


def _console():
    from rich.console import Console

    return Console()  # created per command so it writes to the current stdout


@optional_app.command("template")
def template_command(
    out: Path = typer.Argument(..., help="输出的自选指标定义模板文件（.xlsx）。"),
    title: str = typer.Option("", "--title", "-t", help="省份名称，写入模板标题，如：浙江省。"),
) -> None:
    """生成空白的自选指标定义模板（附件2体例，含下拉列表和填写说明）。"""
    from sctemplates.optional.workbook import write_optional_template

    if out.suffix.lower() != ".xlsx":
        typer.echo("输出文件的扩展名应为 .xlsx", err=True)
        raise typer.Exit(2)
    write_optional_template(out, title=title)
    typer.echo(f"已生成自选指标定义模板：{out}")


@optional_app.command("check")
def check_command(
    file: Path = typer.Argument(..., help="省级自选指标定义文件（.xlsx）。"),
    catalog: Optional[Path] = CATALOG_OPTION,
) -> None:
    """检查自选指标定义是否符合附件2的要求；有错误时退出码为 1。"""
    from sctemplates.optional.definition import check_optional

    from sceval.cli.common import load_catalog_or_exit
    from sceval.cli.console import print_catalog_tree, shown

    result = check_optional(file, load_catalog_or_exit(catalog))
    console = _console()
    if result.issues:
        print_issues(result.issues, console)
    if not result.ok:
        console.print(f"[red]自选指标定义未通过检查：{shown(file)}[/red]")
        raise typer.Exit(1)
    print_catalog_tree(result.catalog, console)
    console.print(f"[green]自选指标定义有效，合计 {result.catalog.total_points} 分。[/green]")


@roster_app.command("check")
def roster_check_command(
    file: Path = typer.Argument(..., help="城市名单文件（CSV 或 .xlsx，表头：代码、名称、类型）。"),
    province: Optional[str] = typer.Option(None, "--province", "-p", help="省级行政区划代码，如 330000；默认按名单中的代码推断。"),
) -> None:
    """检查城市名单（代码、名称、类型、所属省份）；有错误时退出码为 1。"""
    from sctemplates.issues import has_errors
    from sctemplates.roster import check_roster

    from sceval.cli.console import shown

    roster, issues = check_roster(file, province)
    console = _console()
    if issues:
        print_issues(issues, console)
    if roster is None or has_errors(issues):
        console.print(f"[red]城市名单未通过检查：{shown(file)}[/red]")
        raise typer.Exit(1)
    _print_roster(roster, console)
    from sctemplates.roster import apart_note

    if apart_note(roster):
        console.print(f"说明：{apart_note(roster)}。")


@roster_app.command("make")
def roster_make_command(
    province: str = typer.Argument(..., help="省级行政区划代码，如江苏省为 320000。"),
    out: Path = typer.Option(None, "--out", "-o", help="输出的名单文件（.csv），默认“roster_代码_省名.csv”。"),
) -> None:
    """按 GB/T 2260（本轮评价时的行政区划）生成本省地级城市名单（CSV），联系人、邮箱、电话留空待填。"""
    from sctemplates.divisions import division_data
    from sctemplates.province_rosters import province_roster, write_roster_csv

    try:
        roster = province_roster(province)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    target = out or Path(f"roster_{roster.province_code}_{roster.province_name}.csv")
    write_roster_csv(roster, target)
    typer.echo(f"已生成{roster.province_name}城市名单：{target}（{len(roster.cities)} 个城市，"
               f"行政区划截至 {division_data()['as_of']}）；请补充联系人、邮箱、电话后用 sceval roster check 检查。")


def _print_roster(roster, console) -> None:
    from rich.table import Table

    from sceval.cli.console import shown

    table = Table(title=f"{shown(roster.province_name)}（{shown(roster.province_code)}）城市名单")
    for header in ("代码", "名称", "类型", "自选指标"):
        table.add_column(header, no_wrap=True)
    for city in roster.cities:
        table.add_row(shown(city.code), shown(city.name), shown(city.kind), "参加" if city.takes_optional else "不设")
    console.print(table)
    console.print(f"[green]城市名单有效，共 {len(roster.cities)} 个城市。[/green]")
