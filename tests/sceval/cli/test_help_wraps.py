"""Help pages wrap at 80 columns (nothing cut with "…"), through the app's own Chinese theme."""
from __future__ import annotations

import re

import typer
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.cli.zh import ChineseCommand, ChineseGroup
from tests.sceval.cli.test_cli import command_paths


def _flat(text: str) -> str:
    """The help text with the panel borders and line breaks removed."""
    return re.sub(r"[\s│╭╮╰╯─]", "", text)


def test_every_help_page_wraps_at_80_columns_and_keeps_every_word():
    runner = CliRunner()
    group = typer.main.get_command(app)
    for path in command_paths(app) + [()]:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
        assert result.exit_code == 0, (path, result.output)
        assert "…" not in result.output, path
        assert max(len(line) for line in result.output.splitlines()) <= 80, path
        command = group
        for name in path:
            command = command.commands[name]
        flat = _flat(result.output)
        for param in command.params:
            if getattr(param, "help", None):
                assert _flat(param.help) in flat, (path, param.name)


def test_the_theme_is_installed_by_the_app_not_patched_into_typer():
    group = typer.main.get_command(app)
    assert isinstance(group, ChineseGroup)
    assert all(isinstance(c, (ChineseCommand, ChineseGroup)) for c in group.commands.values())
    from typer import rich_utils
    from typer.core import TyperCommand

    assert rich_utils.OPTIONS_PANEL_TITLE == "Options"  # typer's own chrome is left alone
    assert TyperCommand.get_help_option.__module__.startswith("typer.")  # not replaced by ours


def test_help_and_readme_document_the_roster_kinds_and_the_province_yaml():
    from pathlib import Path

    from sctemplates.roster import regions

    runner = CliRunner()
    render = _flat(runner.invoke(app, ["render", "--help"], terminal_width=200).output)
    ingest = _flat(runner.invoke(app, ["ingest", "--help"], terminal_width=200).output)
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    for kind in regions()["city_kinds"]:
        assert kind in render and kind in ingest and kind in readme
    for key in ("organiser", "deadline", "contacts", "round_name"):
        assert key in render and f"`{key}`" in readme
    ingest_line = next(line for line in readme.splitlines() if "`sceval ingest 回收文件夹/" in line)
    assert "--optional" in ingest_line
