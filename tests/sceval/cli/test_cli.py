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


def test_ingest_table_names_a_zip_member_as_sent(tmp_path):
    """QA round (江苏): 淮安 and 盐城 came in one zip; the terminal's 文件 column showed only
    “320800_淮安市….xlsx”, where results, summary and feedback name “淮安盐城报送.zip › 320800_….xlsx”."""
    import zipfile

    from tests.sceval.ingest_helpers import ROSTER_CSV, base_catalog, fill, render, valid_values, zhejiang

    catalog, roster = base_catalog(), zhejiang()
    city = roster.cities[0]
    filled = fill(render(catalog, city, roster, tmp_path), tmp_path / "src" / "r.xlsx", valid_values(catalog))
    member = f"{city.code}_{city.name}_填报表.xlsx"
    archive = tmp_path / "收件" / "两市报送.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as target:
        target.write(filled, member)
    result = CliRunner().invoke(app, ["ingest", str(archive), "--roster", str(ROSTER_CSV), "--out",
                                      str(tmp_path / "out"), "-j", "1", "--draws", "0"], env={"COLUMNS": "250"})
    assert result.exit_code in (0, 1), result.output
    row = next(line for line in result.output.splitlines() if line.startswith("│") and city.code in line)
    assert f"两市报送.zip › {member}" in row and "收件" not in row
