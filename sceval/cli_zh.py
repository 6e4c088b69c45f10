"""Chinese wording for typer's own help chrome (panel titles, the --help line, errors).

Typer has no translation hook for these strings, so they are set on its modules once, at CLI
import. Guarded with hasattr: a typer upgrade that moves them falls back to English, never fails.
"""
from __future__ import annotations

PANEL_TEXT = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEFAULT_STRING": "[默认：{}]",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}
HELP_OPTION_TEXT = "显示本帮助并退出。"


def install() -> None:
    from typer import rich_utils

    for name, text in PANEL_TEXT.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)
    try:
        from typer._click.core import Command
    except ImportError:  # a typer without the vendored click: keep English
        return
    original = Command.get_help_option

    def get_help_option(self, ctx):
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    Command.get_help_option = get_help_option
