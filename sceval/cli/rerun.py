"""Re-running the last ingest of an output folder with the same arguments.

`sceval ledger invalidate/use` change the ledger at once, but results.json, the summary and the
feedback change only when ingest runs again; ``--rerun`` does that with the arguments the last
ingest into that folder was given, which ingest keeps in RUN_FILE (absolute paths, JSON).
"""
from __future__ import annotations

import json
from pathlib import Path

RUN_FILE = ".sceval-ingest.json"


def _plain(value):
    if isinstance(value, Path):
        return str(value.resolve())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def remember(ctx, out: Path) -> None:
    """Keep the arguments of this ingest run, as command-line arguments, in ``out``."""
    from sctemplates.atomic import write_text_atomic

    args: list[str] = []
    for param in ctx.command.params:
        value = _plain(ctx.params.get(param.name))
        if value is None or param.name == "help":
            continue
        if param.param_type_name == "argument":
            args += [str(item) for item in (value if isinstance(value, list) else [value])]
        elif isinstance(value, list):  # an option given several times (--folder A --folder B)
            args += [part for item in value for part in (param.opts[0], str(item))]
        else:
            args += [param.opts[0], str(value)]
    write_text_atomic(Path(out) / RUN_FILE, json.dumps({"ingest": args}, ensure_ascii=False, indent=1))


def last_arguments(out: Path) -> list[str] | None:
    path = Path(out) / RUN_FILE
    if not path.is_file():
        return None
    try:
        return list(json.loads(path.read_text(encoding="utf-8"))["ingest"])
    except (ValueError, KeyError, TypeError):
        return None


def rerun(out: Path, root) -> int:
    """Run ingest again as last time into ``out`` through ``root``, the running sceval command
    (its context's root: this module never imports cli/app.py, which imports every command);
    its exit code (1 when nothing to replay)."""
    import typer

    arguments = last_arguments(out)
    if arguments is None:
        typer.secho(f"{out} 中没有上次回收的参数记录，请手动重新运行 sceval ingest。", fg="red", err=True)
        return 1
    typer.echo("按上次的参数重新运行：sceval ingest " + " ".join(arguments))
    code = root.main(["ingest", *arguments], standalone_mode=False)
    return code if isinstance(code, int) else 0
