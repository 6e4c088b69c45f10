"""`sceval rescore RESULTS_DIR [--catalog NEW] --out NEW_DIR`: the counted returns scored again
from their stored inputs (no file re-read), under a revised catalog if given (sceval.review.rescore).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from sceval.cli.commands.ingest import say_removed
from sceval.cli.common import CATALOG_HELP


def rescore_command(
    results_dir: Path = typer.Argument(..., help="上次回收的输出目录（含 results.json）。"),
    out: Path = typer.Option(..., "--out", "-o", help="重新计分结果的输出目录（可与原目录相同）。"),
    catalog: Optional[Path] = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP.replace(
        "默认使用内置 2016 版", "默认沿用原计分所用目录；须与原目录的输入约定相同")),
    draws: int = typer.Option(1000, "--draws", min=0, help="排名稳定性抽样次数（暂定权重 ±25% 扰动），0 为不计算。"),
    seed: int = typer.Option(2016, "--seed", help="排名稳定性抽样的随机种子。"),
    ledger: Optional[Path] = typer.Option(None, "--ledger", help="审核调整所在的台账（默认为原目录下的 ledger.sqlite）。"),
) -> None:
    """按已回收的数据重新计分（可换用修订后的指标目录），输出 results.json、汇总表和变动对比表。"""
    from sceval.cli.common import load_catalog_or_exit
    from sceval.cli.unwritable import exit_when_unwritable
    from sceval.state.rescoring import rescore_folder

    revised = load_catalog_or_exit(catalog) if catalog else None  # None: the catalog scored with
    # RescoreRefused, RescoreProblem (no results.json), RunStopped: ScevalErrors, said by the app (exit 2)
    with exit_when_unwritable("输出目录"):
        run = rescore_folder(results_dir, out, revised, draws=draws, seed=seed, ledger=ledger)
    typer.echo("按修订后的计分规则重新计分。" if run.revision == "rules" else "按原计分规则重新计分（含审核调整）。")
    changed = sum(1 for old, new in _totals(run) if old != new)
    typer.echo(f"{len(_totals(run))} 个城市重新计分，{changed} 个总分有变动。")
    typer.echo(f"结果：{run.results_path}\n汇总表：{run.summary_path}\n变动对比：{run.changes_path}")
    say_removed(run.views.removed if run.views else [], out)


def register(app: typer.Typer) -> None:
    """Add this module's command to the app."""
    app.command("rescore")(rescore_command)


def _totals(run) -> list[tuple]:
    old = {c["code"]: c.get("total") for c in run.before.get("cities") or []}
    return [(old.get(c["code"]), c.get("total")) for c in run.results.get("cities") or [] if c.get("total") is not None]
