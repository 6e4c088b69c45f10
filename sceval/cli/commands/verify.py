"""`sceval verify --out DIR`: every output of a results folder compared with the round recomputed
from its state (sceval.state.verify); exit 0 when all agree, 1 naming each disagreement, 2 when
the folder holds no round.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def verify_command(
    out: Path = typer.Option(..., "--out", "-o", help="回收输出目录（results.json 与台账 ledger.sqlite 所在）。"),
    ledger: Optional[Path] = typer.Option(None, "--ledger", help="台账文件（默认为输出目录下的 ledger.sqlite）。"),
) -> None:
    """核对：按台账与已保存的数据重新计算本轮结果，逐项比对目录中的 results.json、汇总表和各问题反馈表。"""
    from sceval.state.verify import verify_folder

    verdict = verify_folder(out, ledger)  # RescoreProblem (no results.json): a ScevalError, exit 2
    for found in verdict.disagreements:
        typer.echo(found.message())
    typer.echo(verdict.summary())
    raise typer.Exit(0 if verdict.ok else 1)


def register(app: typer.Typer) -> None:
    """Add this module's command to the app."""
    app.command("verify")(verify_command)
