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
    import re

    for pattern, replacement in ERROR_TEXT:
        text = re.sub(pattern, replacement, text)
    return text


def _translate_errors(exceptions) -> None:
    for name in ("ClickException", "UsageError", "BadParameter", "MissingParameter", "NoSuchOption"):
        cls = getattr(exceptions, name, None)
        original = getattr(cls, "format_message", None)
        if original is None:
            continue
        cls.format_message = lambda self, _original=original: chinese_error(_original(self))


def install() -> None:
    from typer import rich_utils

    for name, text in PANEL_TEXT.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)
    try:
        from typer._click import exceptions
        from typer._click.core import Command
    except ImportError:  # a typer without the vendored click: keep English
        return
    _translate_errors(exceptions)
    original = Command.get_help_option

    def get_help_option(self, ctx):
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    Command.get_help_option = get_help_option
