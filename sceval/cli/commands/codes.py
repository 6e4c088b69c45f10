"""`sceval codes`: every issue code with its severity and meaning (the catalogue is data:
sctemplates/issue_codes.yaml)."""
from __future__ import annotations

import json

import typer


def codes_command(as_json: bool = typer.Option(False, "--json", help="以 JSON 输出。")) -> None:
    """列出全部问题代码及其严重程度和含义。"""
    from sctemplates.issues import issue_codes

    codes = issue_codes()
    if as_json:
        typer.echo(json.dumps(codes, ensure_ascii=False, indent=2))
        return
    for code, entry in codes.items():
        typer.echo(f"{code:<26} {entry['severity']:<8} {entry['meaning']}")


def register(app: typer.Typer) -> None:
    """Add this module's command to the app."""
    app.command("codes")(codes_command)
