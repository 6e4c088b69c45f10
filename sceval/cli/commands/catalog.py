"""`sceval catalog`: the indicator tree (`--json`, a public interface), and the catalog as an
editable workbook: `catalog export FILE`, `catalog check FILE` (registered by sceval.cli)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from sceval.cli.common import CATALOG_OPTION

catalog_app = typer.Typer(help="指标目录：显示指标体系；导出为可编辑的 Excel 工作簿；检查 YAML 或 Excel 目录文件。",
                          invoke_without_command=True)
REVISION_NOTES = {
    "same": "与内置目录完全一致。",
    "rules": "输入项与内置目录一致，仅计分规则（权重、计分方法参数、分档得分比例等）不同："
             "按内置目录生成的模板仍可回收，按本目录的规则计分。",
    "inputs": "输入项（指标名称、输入名称、单位、角色或分档档次）与内置目录不同："
              "按内置目录生成的模板将被拒收，需要重新生成并下发模板。",
}


@catalog_app.callback()
def catalog_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（公开接口，格式稳定）。"),
    catalog: Optional[Path] = CATALOG_OPTION,
) -> None:
    """显示指标体系：一级、二级指标及分项，含权重、计分方法和暂定标记。"""
    if ctx.invoked_subcommand is not None:
        return
    from sceval.cli.common import load_catalog_or_exit

    loaded = load_catalog_or_exit(catalog)
    if as_json:
        from sctemplates.export import catalog_as_dict

        typer.echo(json.dumps(catalog_as_dict(loaded), ensure_ascii=False, indent=2))
        return
    from sceval.cli.console import print_catalog_tree

    print_catalog_tree(loaded)


@catalog_app.command("export")
def export_command(
    out: Path = typer.Argument(..., help="输出文件：.xlsx（可编辑工作簿）或 .yaml（不含原 YAML 文件中的注释）。"),
    catalog: Optional[Path] = CATALOG_OPTION,
) -> None:
    """把指标目录导出为可在 Excel 中修改的工作簿（或 YAML），导入后与原目录完全一致。"""
    from sceval.cli.common import load_catalog_or_exit
    from sctemplates.catalog import load_catalog_data
    from sctemplates.catalog_workbook.export import write_catalog

    loaded = load_catalog_or_exit(catalog)  # a broken catalog is never exported
    path = write_catalog(load_catalog_data(catalog), out)
    typer.echo(f"已导出指标目录：{path}（指纹 {loaded.fingerprint()}）")


@catalog_app.command("check")
def check_command(
    file: Path = typer.Argument(..., help="要检查的指标目录文件（YAML 或 .xlsx）。"),
    against: Optional[Path] = typer.Option(None, "--against", help="与之比较的目录（已下发模板所用的目录），默认为内置 2016 版。"),
) -> None:
    """检查指标目录文件：每处错误注明工作表和单元格（.xlsx）或编码和键（YAML）；有错误时退出码为 2。"""
    from sceval.cli.common import load_catalog_or_exit
    from sctemplates.catalog import check_catalog_file, revision_of
    from sctemplates.catalog_changes import catalog_changes

    loaded, problems = check_catalog_file(file)
    if problems:
        typer.echo(f"指标目录文件 {file} 有 {len(problems)} 处错误：", err=True)
        for problem in problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(2)
    typer.echo(f"指标目录文件 {file} 检查通过：{len(list(loaded.sub_items()))} 个分项，"
               f"指纹 {loaded.fingerprint()}（输入项 {loaded.input_contract_fingerprint()}，"
               f"计分规则 {loaded.scoring_rules_fingerprint()}）。")
    old = load_catalog_or_exit(against)
    typer.echo(REVISION_NOTES[revision_of(loaded, old)].replace("内置目录", f"目录 {against} " if against else "内置目录"))
    _print_changes(catalog_changes(loaded, old))


@catalog_app.command("diff")
def diff_command(
    old: Path = typer.Argument(..., help="上一轮使用的目录（YAML 或 .xlsx）。"),
    new: Path = typer.Argument(..., help="本轮使用的目录（YAML 或 .xlsx）。"),
    mapping: Optional[Path] = typer.Option(None, "--mapping", help="写出版本对照初稿（YAML），供 --previous 时的 --mapping 使用；请逐项核对后再用。"),
) -> None:
    """比较两个版本的指标目录（改名、删除、新增），并可写出版本对照（mapping）初稿。"""
    from sceval.cli.common import load_catalog_or_exit
    from sceval.previous.diff import catalog_diff, starter_mapping
    from sctemplates.atomic import write_text_atomic

    before, after = load_catalog_or_exit(old), load_catalog_or_exit(new)
    rows = catalog_diff(before, after)
    _print_diff(rows, before.edition, after.edition)
    if mapping is not None:
        write_text_atomic(mapping, starter_mapping(before, after, rows))
        typer.echo(f"版本对照初稿已写入 {mapping}：改名已填好，删除为 null；拆分、合并请按文件开头的说明改写。")


def _print_diff(rows, old_edition: str, new_edition: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from sceval.cli.console import shown

    if not rows:
        typer.echo(f"目录 {old_edition} 与 {new_edition} 的指标编码和输入名称完全相同。")
        return
    table = Table(title=f"指标目录版本差异：{old_edition} → {new_edition}（共 {len(rows)} 处）")
    for heading in ("变化", "类别", f"上一版（{old_edition}）", f"新版（{new_edition}）", "名称"):
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(row.kind, row.what, shown(row.old), shown(row.new), shown(row.name))
    Console().print(table)


def _print_changes(lines: list[str], most: int = 40) -> None:
    if lines:
        typer.echo(f"共 {len(lines)} 处改动：")
    for line in lines[:most]:
        typer.echo(f"  - {line}")
    if len(lines) > most:
        typer.echo(f"  ……另有 {len(lines) - most} 处")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app (`sceval catalog` alone still shows the tree)."""
    app.add_typer(catalog_app, name="catalog")
