"""What the commands share: options declared once, the one loader of file arguments, and the stop
a command raises itself. Every stop is a ScevalError, said once by the app (sceval.cli.zh) in
Chinese with its exit code — never a traceback, never a handler per command.

Command modules import from here, never from ``sceval.cli.app`` (which imports them).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NoReturn, Optional

import typer

from sceval.errors import ScevalError, unreadable_reason

CATALOG_HELP = "指标目录文件（YAML 或 .xlsx），默认使用内置 2016 版。"
CATALOG_OPTION = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP)
ROSTER_OPTION = typer.Option(None, "--roster", "-r", help="城市名单（CSV 或 .xlsx）。")


class CommandStop(ScevalError):
    """A stop a command finds itself (a bad argument, a file it cannot use)."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


def stop(message: str, exit_code: int = 2) -> NoReturn:
    """End the command: the app says ``message`` in red and exits with ``exit_code``."""
    raise CommandStop(message, exit_code)


def load_file_or_exit(load, path, *args, what: str):
    """The one loader of every file argument: ``load(path, *args)``; None when no file is given.
    A file that cannot be used stops the command with a Chinese message naming it (``what`` and
    the path) and why: exit 2, or the library stop's own exit code."""
    if path is None:
        return None
    try:
        return load(path, *args)
    except ScevalError:  # sceval's stops name their file and say what to do already
        raise
    except (ValueError, OSError, sqlite3.Error) as exc:  # sctemplates' errors, decoding, the OS, a ledger
        stop(_unusable(exc, path, what))


def _unusable(exc: Exception, path, what: str) -> str:
    paths = path if isinstance(path, list) else [path]
    unreadable = unreadable_reason(exc)
    if unreadable:
        return f"无法读取{what} {getattr(exc, 'filename', None) or '、'.join(map(str, paths))}：{unreadable}"
    if any(Path(each).name in str(exc) for each in paths):
        return str(exc)  # sctemplates' messages name the file: said once, not twice
    return f"{what} {'、'.join(map(str, paths))} 无法使用：\n{exc}"


def load_catalog_or_exit(path: Optional[Path]):
    """The catalog (the bundled one without a path)."""
    from sctemplates.catalog import load_catalog

    return load_catalog() if path is None else load_file_or_exit(load_catalog, path, what="指标目录文件")


def warn_if_provisional(catalog) -> None:
    if catalog.provisional:
        count = len(catalog.provisional_codes())
        typer.secho(
            f"注意：指标目录中有 {count} 个分项的权重或计分方法为暂定值（provisional），"
            "得分仅供参考；官方值公布后请修改目录文件。",
            fg="yellow", err=True,
        )


def load_roster_or_exit(path: Optional[Path]):
    from sctemplates.roster import load_roster

    return load_file_or_exit(load_roster, path, what="城市名单")


def load_rosters_or_exit(paths: list[Path]) -> list:
    return [load_roster_or_exit(path) for path in paths]


def load_province_or_exit(path: Optional[Path]):
    """The province configuration, or None without one."""
    from sctemplates.province import load_province

    return load_file_or_exit(load_province, path, what="省级评价配置")


def load_optional_or_exit(path: Optional[Path], catalog):
    from sctemplates.optional.definition import load_optional

    return load_file_or_exit(load_optional, path, catalog, what="自选指标定义文件")


def load_previous_or_exit(paths, mapping: Optional[Path], catalog: Optional[Path]):
    """The previous round (sceval.previous) with this catalog's year-on-year rules, or None
    (`sceval ingest` and `sceval render`)."""
    if not paths:
        return None
    from sceval.previous.editions import load_mapping
    from sceval.previous.load import load_previous
    from sceval.previous.rules import year_on_year_rules

    editions = load_file_or_exit(load_mapping, mapping, what="版本对照文件")
    earlier = load_file_or_exit(load_previous, list(paths), editions, what="上一轮结果文件")
    earlier.rules = year_on_year_rules(catalog)
    return earlier


def load_results_or_exit(paths: list[Path]) -> list[dict]:
    """The results of results.json files and summary workbooks (their embedded results), merged
    as one list (`sceval summary`, `sceval report`). Files that cannot be merged are
    sources.ResultsRefused, every reason with its code; hand-edited numbers are said here."""
    from sceval.reports.summary.sources import load_sources

    loaded = load_file_or_exit(load_sources, list(paths), what="计分结果文件")
    say_edited_numbers(loaded.issues)
    return loaded.results


def say_edited_numbers(issues) -> None:
    """Hand-edited visible numbers of a summary workbook: said, and the embedded data used."""
    for item in issues:
        typer.echo(f"注意：{item.message}（{item.code}）", err=True)


def bring_views_current(out: Path) -> None:
    """The folder's views rebuilt when stale (sceval.state.current), so a command never uses a
    view older than the results; StaleOutputs (exit 2) when only a new ingest can do it."""
    from sceval.state.current import ensure_current

    reasons = ensure_current(out)
    if reasons:
        typer.echo(f"输出文件已按当前状态重新生成（{'；'.join(reasons)}）")
