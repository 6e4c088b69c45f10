"""What the commands share: options declared once, and the loaders that turn a bad file into a
Chinese message and exit code 2 (never a traceback).

Command modules import from here, never from ``sceval.cli.app`` (which imports them).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

CATALOG_HELP = "指标目录文件（YAML 或 .xlsx），默认使用内置 2016 版。"
CATALOG_OPTION = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP)
ROSTER_OPTION = typer.Option(None, "--roster", "-r", help="城市名单（CSV 或 .xlsx）。")


def load_file_or_exit(load, path: Optional[Path], *args, what: str = ""):
    """The one loader of every file argument: ``load(path, *args)``, None when no file is given.
    A file that cannot be used (sctemplates' errors are ValueErrors with Chinese messages; an
    unreadable file is an OSError) is said in Chinese — which file, why — and exit 2."""
    if path is None:
        return None
    try:
        return load(path, *args)
    except (ValueError, OSError) as exc:
        typer.echo(f"{what} {path} 无法使用：\n{exc}" if what else str(exc), err=True)
        raise typer.Exit(2) from None


def load_catalog_or_exit(path: Optional[Path]):
    """The catalog (the bundled one without a path), or a Chinese message and exit code 2."""
    from sctemplates.catalog import load_catalog

    return load_catalog() if path is None else load_file_or_exit(load_catalog, path)


def warn_if_provisional(catalog) -> None:
    if catalog.provisional:
        count = len(catalog.provisional_codes())
        typer.secho(
            f"注意：指标目录中有 {count} 个分项的权重或计分方法为暂定值（provisional），"
            "得分仅供参考；官方值公布后请修改目录文件。",
            fg="yellow", err=True,
        )


def load_rosters_or_exit(paths: list[Path]) -> list:
    """Rosters from files, or every problem in Chinese and exit code 2."""
    from sctemplates.roster import load_roster

    return [load_file_or_exit(load_roster, path, what="城市名单") for path in paths]
