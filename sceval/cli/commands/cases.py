"""CLI: `sceval cases template` writes the 附件3 case templates; `sceval cases check` checks what
the cities sent (cases.json and a table on the terminal)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

cases_app = typer.Typer(help="优秀实践案例（附件3）：生成案例模板、检查报送的案例文档。", no_args_is_help=True)
SEVERITY_LABELS = {"error": "错误", "warning": "警告"}
STATUS_LABELS = {"ok": "[green]合格[/green]", "warnings": "[yellow]请核实[/yellow]", "rejected": "[red]需修改[/red]"}


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(cases_app, name="cases")


@cases_app.command("template")
def template_command(
    roster: Path = typer.Option(..., "--roster", "-r", help="参评城市名单（CSV 或 .xlsx）。"),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件夹。"),
    province: Optional[Path] = typer.Option(None, "--province", "-p", help="省级评价配置（YAML）。"),
) -> None:
    """为名单中的每个城市生成优秀实践案例模板（.docx，含编写大纲和填写说明）。"""
    from sceval.cases.template import write_case_templates
    from sceval.cli.common import load_province_or_exit, load_roster_or_exit

    city_roster = load_roster_or_exit(roster)
    config = load_province_or_exit(province)
    paths = write_case_templates(city_roster, out, province=config)
    typer.echo(f"已生成 {len(paths)} 个案例模板，保存在 {out}")


@cases_app.command("check")
def check_command(
    inputs: List[Path] = typer.Argument(..., help="案例文档、文件夹或压缩包（.docx/.doc/.wps/.zip）。"),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件夹（写入 cases.json）。"),
    roster: Optional[Path] = typer.Option(None, "--roster", "-r", help="参评城市名单，用于识别案例所属城市。"),
) -> None:
    """检查案例文档：格式、所属城市、标题与章节、字数、图表数、数据来源、企业宣传用语。"""
    from sceval.cases.check import check_cases
    from sceval.cli.common import load_roster_or_exit
    from sceval.cli.unwritable import exit_when_unwritable

    city_roster = load_roster_or_exit(roster)
    with exit_when_unwritable("输出目录"):
        report = check_cases(inputs, roster=city_roster, out_dir=out)
    if not report.files:
        typer.echo("未找到案例文档（.docx/.doc/.wps/.docm/.pdf，含压缩包和邮件附件）。")
    else:
        print_cases_table(report)
    for name in report.not_cases:  # a PDF print of the fill-in workbook: said, not counted
        typer.echo(f"“{name}”是填报表的 PDF 打印件，不是案例，未计入")
    typer.echo(f"检查结果已写入 {report.path}")
    _refresh_round_views(out)


def _refresh_round_views(out: Path) -> None:
    """In a results folder, the summary (its 优秀案例 sheet) and the other views follow the new cases.json."""
    from sceval.state.current import StaleOutputs, ensure_current

    try:
        if ensure_current(out):
            typer.echo(f"已按新的案例检查结果更新 {out} 中的汇总表等输出文件")
    except StaleOutputs as stale:  # kept: not a stop here — cases.json is written, the check succeeded
        typer.echo(str(stale))


def print_cases_table(report, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    from sctemplates.issues import count_by_severity

    from sceval.cli.console import shown

    table = Table(title="优秀实践案例检查结果")
    for header in ("文件", "城市", "案例名称", "字数", "图", "表", "章节", "结论", "问题"):
        table.add_column(header, overflow="fold")
    for record in report.files:
        found = sum(1 for section in record.sections if section["found"])
        counts = count_by_severity(record.issues)
        problems = "，".join(f"{label} {counts[key]}" for key, label in SEVERITY_LABELS.items() if counts[key])
        table.add_row(shown(record.file), shown(record.city["name"]) if record.city else "未识别", shown(record.title or "—"),
                      f"{record.characters:,}", str(record.figures), str(record.tables),
                      f"{found}/{len(record.sections)}" if record.sections else "—",
                      STATUS_LABELS[record.status], problems or "—")
    console = console or Console()
    console.print(table)
    for record in report.files:
        for item in record.issues:
            if item.severity != "info":
                console.print(f"  [{SEVERITY_LABELS[item.severity]}] {item.message}", markup=False)
