"""`sceval adjust`: a reviewer's corrected value, recorded in the ledger, the results rescored.

    sceval adjust 330100 SC_L1P1_A1_NUM 1200 --why "电话核实" --out 结果/
    sceval adjust 杭州市 L1P1-A1 1200 --role numerator --why "…" --out 结果/
    sceval adjust --from 调整.xlsx --out 结果/        (sceval adjust template 调整.xlsx writes the form)
    sceval adjust --undo 3 --out 结果/

Recording rescores the results folder in place (results.json, the summary, 变动对比; atomic),
so the reviewer sees the new total at once; the next `sceval ingest` applies the same
adjustments again (sceval.review.adjustments).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Optional

import typer

from sceval.cli.commands.ingest import say_removed
from sceval.cli.common import load_file_or_exit, stop

TEMPLATE_WORD = "template"


def _requests(city, name, value, why, role, by, source) -> list:
    from sceval.review.adjust_sheet import read_requests
    from sceval.review.adjustments import Request

    if source is not None:
        if city or name or value:
            stop("--from 与命令行上的城市、输入项、调整值只能二选一")
        return load_file_or_exit(read_requests, source, what="调整表")
    if not (city and name and value is not None):
        stop("请写明 城市 输入项 调整值（如 sceval adjust 城市代码 定义名称 调整值 --why 原因 --out 结果/），"
             "或用 --from 调整.xlsx、--undo 编号")
    return [Request(city, name, value, why, role, by)]


def _points(total) -> str:
    """A total as every other view shows it (74.00, not 74.0 as results.json's float reads)."""
    from sctemplates.methods import round_score

    return "—" if total is None else f"{round_score(Decimal(str(total))):.2f}"


def _report(recorded) -> None:
    for made in recorded.adjustments:
        shown = "撤销" if made.value is None else f"调整为 {made.value}"
        typer.echo(f"已记录（第 {made.id} 号）：城市 {made.city} 的 {made.input} {shown}；原因：{made.why}；调整人：{made.by}")
    for name, old, new in recorded.totals:
        typer.echo(f"{name} 总分：{_points(old)} → {_points(new)}")
    run = recorded.run
    if run is not None and run.results_path:
        typer.echo(f"已重新计分：{run.results_path}" + (f"；变动对比：{run.changes_path}" if run.changes_path else ""))
        say_removed(run.views.removed if run.views else [], run.results_path.parent)


def _print_list(out: Path, ledger: Optional[Path]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from sceval.ledger.ledger import default_ledger_path

    path = ledger or default_ledger_path(out)
    if not path.is_file():
        stop(f"尚无报送台账：{path} 不存在")
    rows = load_file_or_exit(_adjustment_rows, path, what="报送台账")
    undone = {row[7] for row in rows if row[7] is not None}
    table = Table(title=f"审核调整记录（{escape(str(path))}）")
    for header in ("编号", "城市", "输入项", "调整值", "原因", "调整人", "时间", "状态"):
        table.add_column(header)
    for number, city, name, value, why, by, at, undoes, _sha in rows:
        state = f"撤销第 {undoes} 号" if undoes is not None else ("已撤销" if number in undone else "有效")
        table.add_row(str(number), city, name, escape(value or ""), escape(why), escape(by), at, state)
    Console().print(table)


def _adjustment_rows(ledger: Path) -> list:
    from sceval.review.adjustments import AdjustmentBook

    with AdjustmentBook(ledger) as book:
        return book.rows()


def adjust_command(
    city: Optional[str] = typer.Argument(None, help="城市代码或名称（写 template 则生成空白调整表，下一个参数为其路径）。"),
    name: Optional[str] = typer.Argument(None, help="输入项：定义名称（填报表中该单元格的名称，见 sceval catalog --json 的 inputs[].name）或分项编码（多个输入项时加 --role）。"),
    value: Optional[str] = typer.Argument(None, help="核实后的值，写法与城市填报相同（如 1200、35%、分档名称）；负数请写在 -- 之后。"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="回收输出目录（results.json 与台账 ledger.sqlite 所在）。"),
    why: str = typer.Option("", "--why", help="调整原因（必填，记入台账并显示在结果、反馈表和汇总表中）。"),
    role: str = typer.Option("", "--role", help="分项有多个输入项时指明哪一个：numerator、denominator 或输入项名称。"),
    by: str = typer.Option("", "--by", help="调整人（默认为当前系统用户）。"),
    source: Optional[Path] = typer.Option(None, "--from", help="批量调整：按 sceval adjust template 生成的调整表逐行调整。"),
    undo: Optional[int] = typer.Option(None, "--undo", help="撤销第 N 号调整（记为一条新的撤销记录，原记录保留）。"),
    ledger: Optional[Path] = typer.Option(None, "--ledger", help="台账文件（默认为输出目录下的 ledger.sqlite）。"),
    listing: bool = typer.Option(False, "--list", help="列出台账中的全部调整与撤销记录（编号供 --undo 使用）。"),
) -> None:
    """审核调整：记录核实后的填报值（谁、何时、为何），并立即重新计分。"""
    from sceval.state.adjusting import record_adjustments, undo_adjustment

    if city == TEMPLATE_WORD:
        from sceval.review.adjust_sheet import write_template

        if not name:
            stop("请写明调整表的保存路径，如 sceval adjust template 调整.xlsx")
        typer.echo(f"已生成调整表：{write_template(Path(name))}")
        return
    if out is None:
        stop("请用 --out 指定回收输出目录（results.json 所在的文件夹）")
    if listing:
        _print_list(out, ledger)
        return
    from sceval.cli.unwritable import exit_when_unwritable

    # AdjustmentProblem, RescoreProblem, RunStopped: ScevalErrors, said once by the app (exit 2)
    with exit_when_unwritable("输出目录"):  # a read-only results folder: exit 2, no traceback
        if undo is not None:
            recorded = undo_adjustment(out, undo, why, by, ledger)
        else:
            recorded = record_adjustments(out, _requests(city, name, value, why, role, by, source), ledger)
    _report(recorded)


def register(app: typer.Typer) -> None:
    """Add this module's command to the app."""
    app.command("adjust")(adjust_command)
