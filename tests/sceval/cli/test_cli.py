"""Every command's --help reads in Chinese and the CLI chrome is translated."""
from __future__ import annotations

import re

import typer
from typer.testing import CliRunner

from sceval.cli.app import app

CJK = re.compile(r"[\u4e00-\u9fff]")


def command_paths(typer_app: typer.Typer, prefix=()) -> list[tuple[str, ...]]:
    group = typer.main.get_command(typer_app)
    paths = []

    def walk(command, path):
        subcommands = getattr(command, "commands", {})
        for name, sub in subcommands.items():
            walk(sub, path + (name,))
        if not subcommands:
            paths.append(path)

    walk(group, prefix)
    return paths


def test_every_command_has_chinese_help():
    paths = command_paths(app)
    assert ("catalog", "export") in paths and ("catalog", "check") in paths and ("codes",) in paths
    runner = CliRunner()
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "显示本帮助并退出" in result.output, path
        summary = result.output.split("选项")[0]
        assert CJK.search(summary), f"{' '.join(path)} has no Chinese description"


def test_version_option():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("sceval ")
