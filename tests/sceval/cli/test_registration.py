"""One registration style (issue 19, item 4): each command module keeps its commands as module-level
functions and adds them in ``register(app)`` — no command defined inside another function, none
decorated onto the app at import — so every command can be called and read the same way."""
from __future__ import annotations

import ast
from pathlib import Path

from typer.testing import CliRunner

from sceval.cli.app import app

COMMANDS = Path(__file__).resolve().parents[3] / "sceval" / "cli" / "commands"


def _modules() -> list[Path]:
    found = [path for path in sorted(COMMANDS.glob("*.py")) if path.name != "__init__.py"]
    assert found
    return found


def test_every_command_module_registers_module_level_functions():
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        register = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "register"]
        assert register, f"{path.name} has no register(app)"
        nested = [node.name for node in ast.walk(register[0]) if isinstance(node, ast.FunctionDef) and node is not register[0]]
        assert not nested, f"{path.name}: commands defined inside register: {nested}"


def test_the_app_module_defines_no_command_itself():
    source = (COMMANDS.parent / "app.py").read_text(encoding="utf-8")
    assert "@app.command" not in source


def test_help_lists_every_registered_command():
    shown = CliRunner().invoke(app, ["--help"], terminal_width=200).output
    for name in ("codes", "render", "ingest", "adjust", "verify", "export", "ledger", "mail", "cases", "catalog"):
        assert name in shown, name
