"""The CLI's Chinese help theme: help pages and usage errors in Chinese, wrapped to the terminal.

Typer's own rich help cuts a Chinese description with "…" when it does not fit one line (Rich
wraps at spaces, and Chinese has none), and has no translation hook for its chrome. So the app
installs this theme explicitly (``install_theme(app)``, from sceval.cli.app): its group and every
command use ``ChineseGroup``/``ChineseCommand``, public typer.core subclasses that render help
themselves (long text folds onto the next line, never cut) and say usage errors in Chinese.
Nothing in typer is patched.
"""
from __future__ import annotations

import inspect
import re
import sys

from typer.core import TyperCommand, TyperGroup

HELP_OPTION_TEXT = "显示本帮助并退出。"
ABORTED_TEXT = "已中止。"
# Click's usage errors are plain English f-strings; these patterns give them in Chinese.
ERROR_TEXT = (
    (r"^Missing option (.+)\.$", r"缺少必填选项 \1。"),
    (r"^Missing argument (.+)\.$", r"缺少必填参数 \1。"),
    (r"^Missing parameter:? (.+?)\.?$", r"缺少必填参数 \1。"),
    (r"^No such option: (\S+) \(Possible options: (.+)\)$", r"没有选项 \1（可能是：\2）"),
    (r"^No such option: (\S+)$", r"没有选项 \1"),
    (r"^No such command '(.+)'\.$", r"没有命令“\1”。"),
    (r"^Got unexpected extra arguments? \((.+)\)$", r"多余的参数：\1"),
    (r"^Invalid value for (.+?): (.+)$", r"\1 的值无效：\2"),
    (r"(?:Path|File|Directory) '(.+)' does not exist\.", r"路径“\1”不存在。"),
    (r"'(.+)' is not a valid (?:integer|float)\.", r"“\1”不是有效的数字。"),
    (r"Input should be a valid (?:integer|number).*$", "应填写整数。"),
)


def chinese_error(text: str) -> str:
    for pattern, replacement in ERROR_TEXT:
        text = re.sub(pattern, replacement, text)
    return text


# --- help pages ---------------------------------------------------------------------------------

def _text(markup: str):
    """Rich text that folds onto the next line when too long (Chinese has no spaces to wrap at)."""
    from rich.errors import MarkupError
    from rich.text import Text

    try:
        text = Text.from_markup(markup)
    except MarkupError:
        text = Text(markup)
    text.overflow = "fold"
    return text


def _paragraphs(help_text: str | None) -> list[str]:
    return [p.replace("\b\n", "").strip() for p in inspect.cleandoc(help_text or "").split("\n\n") if p.strip()]


def _metavar(param, ctx) -> str:
    """The value's type as typer shows it (``<path>``), or "" for a flag."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    shown = getattr(param, "display_type_rich", None)
    return (shown(ctx=ctx) or "") if shown else ""


def _param_help(param) -> str:
    text = HELP_OPTION_TEXT if param.name == "help" else (getattr(param, "help", None) or "")
    default = param.default
    shown = getattr(param, "show_default", None) is not False
    if shown and default not in (None, False, (), []) and not param.required and not callable(default):
        text += f" [dim]\\[默认：{default}][/dim]"
    if param.required:
        text += " [red]\\[必填][/red]"
    return text


def _table(rows):
    from rich.table import Table

    table = Table(show_header=False, box=None, expand=True, padding=(0, 1))
    table.add_column(no_wrap=True, style="bold cyan")
    table.add_column(no_wrap=True, style="yellow")
    table.add_column(ratio=1, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _panel(title: str, rows, console) -> None:
    from rich.panel import Panel

    if rows:
        console.print(Panel(_table(rows), title=title, title_align="left", border_style="dim"))


def _param_rows(command, ctx, kind: str) -> list:
    params = [p for p in command.get_params(ctx) if p.param_type_name == kind and not getattr(p, "hidden", False)]
    return [(", ".join(p.opts + p.secondary_opts) if kind == "option" else (p.name or "").upper(),
             _metavar(p, ctx) if kind == "option" else "", _text(_param_help(p))) for p in params]


def _command_rows(group, ctx) -> list:
    rows = []
    for name in group.list_commands(ctx):
        sub = group.get_command(ctx, name)
        if sub is not None and not sub.hidden:
            first = (_paragraphs(sub.short_help or sub.help) or [""])[0].replace("\n", " ")
            rows.append((name, "", _text(first)))
    return rows


def render_help(command, ctx) -> None:
    """Usage, description, 参数, 选项 and 命令 panels, wrapped to the terminal's width."""
    from rich.console import Console
    from rich.padding import Padding

    console = Console(highlight=False, file=sys.stdout)
    usage = re.sub(r"\{(\w+)\}", lambda m: m[1].upper(), " ".join(command.collect_usage_pieces(ctx)))
    console.print(Padding(_text(f"[bold]用法：[/bold]{ctx.command_path} {usage}"), (1, 1, 0, 1)))
    for paragraph in _paragraphs(command.help):
        console.print(Padding(_text(paragraph), (1, 1, 0, 1)))
    console.print()
    _panel("参数", _param_rows(command, ctx, "argument"), console)
    _panel("选项", _param_rows(command, ctx, "option"), console)
    if isinstance(command, TyperGroup):
        _panel("命令", _command_rows(command, ctx), console)


# --- usage errors -------------------------------------------------------------------------------

def _show_error(exc) -> None:
    """The usage line, the message in Chinese and where to find help, on stderr."""
    from rich.console import Console
    from rich.panel import Panel

    console = Console(stderr=True, highlight=False)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        console.print(_text(f"用法：{ctx.command_path} {' '.join(ctx.command.collect_usage_pieces(ctx))}"))
        console.print(_text(f"运行 [blue]'{ctx.command_path} --help'[/] 查看帮助。"))
    console.print(Panel(_text(chinese_error(exc.format_message())), title="错误", title_align="left",
                        border_style="red"))


class ChineseCommand(TyperCommand):
    def format_help(self, ctx, formatter) -> None:
        render_help(self, ctx)


class ChineseGroup(TyperGroup):
    def format_help(self, ctx, formatter) -> None:
        render_help(self, ctx)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """As typer's, but a usage error is said in Chinese (its rich error printer is English)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        import typer

        from sceval.errors import ScevalError

        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except ScevalError as stop:  # the one place a command's stop is said (no handler per command)
            typer.secho(f"{stop.code} {stop}" if stop.code else str(stop), fg="red", err=True)
            sys.exit(stop.exit_code)
        except Exception as exc:  # noqa: BLE001 - only click's usage errors are handled here
            if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
                if type(exc).__name__ == "Abort":
                    print(ABORTED_TEXT, file=sys.stderr)
                    sys.exit(1)
                raise
            _show_error(exc)
            sys.exit(exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)  # typer.Exit(n) comes back as n


def install_theme(typer_app) -> None:
    """Use the Chinese theme for the app, its sub-apps and every registered command."""
    typer_app.info.cls = ChineseGroup
    for info in typer_app.registered_commands:
        info.cls = ChineseCommand
    for group in typer_app.registered_groups:
        group.cls = ChineseGroup
        install_theme(group.typer_instance)
