"""`sceval` — a thin typer layer over the library; every command has a library function behind it.

Each group of commands lives in its own ``cli_*.py`` module with a ``register(app)`` function,
so the CLI grows without one file owning everything. Heavy libraries are imported inside the
commands, keeping `sceval --help` fast.
"""
from __future__ import annotations


import typer

from sceval.cli import zh as cli_zh
from sceval import __version__

app = typer.Typer(
    name="sceval",
    help="新型智慧城市评价（2016）工具：生成填报模板、回收校验计分、生成汇总表。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

# The catalog command and every other command take their shared options and loaders from
# sceval.cli.common; app.py only assembles the app.
from sceval.cli.common import CATALOG_OPTION, load_catalog_or_exit, warn_if_provisional  # noqa: E402,F401


@app.callback(invoke_without_command=True)
def main(version: bool = typer.Option(False, "--version", help="显示版本号并退出。")) -> None:
    """新型智慧城市评价（2016）工具。"""
    from sceval.cli.console import encodable_output

    encodable_output()  # a GBK pipe or log on Windows: "›" and "✓" become ">" and "√", never a crash
    if version:
        typer.echo(f"sceval {__version__}")
        raise typer.Exit()


def _register_all() -> None:
    from sceval.cli.commands import adjust as cli_adjust
    from sceval.cli.commands import catalog as cli_catalog
    from sceval.cli.commands import cases as cli_cases
    from sceval.cli.commands import central as cli_central
    from sceval.cli.commands import codes as cli_codes
    from sceval.cli.commands import demo as cli_demo
    from sceval.cli.commands import export as cli_export
    from sceval.cli.commands import ingest as cli_ingest
    from sceval.cli.commands import ledger as cli_ledger
    from sceval.cli.commands import mail as cli_mail
    from sceval.cli.commands import prepare as cli_optional
    from sceval.cli.commands import render as cli_render
    from sceval.cli.commands import report as cli_report
    from sceval.cli.commands import rescore as cli_rescore
    from sceval.cli.commands import summary as cli_summary
    from sceval.cli.commands import verify as cli_verify

    for module in (cli_catalog, cli_optional, cli_render, cli_ingest, cli_ledger, cli_summary, cli_central,
                   cli_demo, cli_cases, cli_mail, cli_report, cli_rescore, cli_adjust,
                   cli_verify, cli_export, cli_codes):
        module.register(app)  # every command module registers itself the same way


_register_all()
cli_zh.install_theme(app)  # Chinese help pages that wrap, and usage errors in Chinese
