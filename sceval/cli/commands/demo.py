"""`sceval demo`: the whole round on the bundled 浙江省 demo province."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)


def demo_command(
    out: Path = typer.Option(Path("workbooks/out"), "--out", "-o", help="输出目录（会先清空）。"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="并行进程数，默认为 CPU 核数。"),
) -> None:
    """用内置浙江省示例跑完整一轮：生成模板、模拟城市填报、秘书处统一数据、回收计分、反馈与汇总。"""
    from rich.console import Console

    from sceval.demo.round import run_demo

    console = Console()
    with console.status("正在运行示例评价……"):
        run = run_demo(out, jobs=jobs or os.cpu_count())
    _print_run(console, run)


def _print_run(console, run) -> None:
    from sceval.cli.commands.ingest import print_run_table

    print_run_table(run.ingest, console)
    console.print(f"\n[bold]示例评价完成[/bold]（输出目录 {run.out}）")
    console.print(f"  填报模板：{len(run.templates)} 份 → {run.templates[0].parent if run.templates else '-'}")
    if run.drafts:
        console.print(f"  通知邮件草稿（附填报表）：{len(run.drafts)} 封 → {run.drafts[0].parent}")
    console.print(f"  模拟城市回收邮件：{len(run.returns)} 个文件 → {run.out / '2_回收邮件'}")
    for note in run.notes:
        console.print(f"    · {note}")
    console.print(f"  秘书处统一数据：{run.central}")
    console.print(f"  计分结果：{run.results}")
    console.print(f"  问题反馈表：{len(run.feedback)} 份 → {run.out / '4_回收结果' / '反馈'}")
    console.print(f"  [bold green]汇总表：{run.summary}[/bold green]")
    if run.rescored:  # a revised catalog applied to the same returns (sceval.demo.after)
        console.print(f"  按修订目录重新计分（含变动对比表）：{run.rescored.parent}")
    if run.report:
        console.print(f"  [bold green]评价工作报告：{run.report}[/bold green]")
    if run.second is not None:  # issue 23: the second round, the first as --previous
        console.print(f"  [bold green]第二轮（上一轮填报值、与上一轮对比）：{run.second.out}[/bold green]")
        console.print(f"    模板 {len(run.second.templates)} 份（灰色“上一轮填报值”列），汇总表 {run.second.summary}，"
                      f"评价工作报告 {run.second.report}")
