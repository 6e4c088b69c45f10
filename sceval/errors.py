"""ScevalError: the one base of every error sceval says to a person and then stops for.

Its message is Chinese and complete (what is wrong, with which file, what to do); ``exit_code``
is the process's exit status. The CLI catches it once (sceval.cli.zh.ChineseGroup.main), so a
command needs no handler of its own for it. It sits on the lowest floor so every package may
raise it; subclasses keep their older bases (ValueError, RuntimeError) for library callers.
"""
from __future__ import annotations

import errno
import json


class ScevalError(Exception):
    """A stop with a Chinese message; exit 2: the input or the folder cannot be used as it is."""

    exit_code = 2
    code = ""  # an issue code (sctemplates/issue_codes.yaml): the app says it before the message


# The operating system's own words (strerror) are English on most machines an official uses.
OS_REASONS = {errno.ENOENT: "文件不存在", errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限",
              errno.EISDIR: "这是文件夹，不是文件", errno.ENOTDIR: "路径中有一级不是文件夹"}


def unreadable_reason(exc: BaseException) -> str:
    """Why a file could not be read at all, in Chinese; "" when it was read but is not usable."""
    if isinstance(exc, OSError):
        return OS_REASONS.get(exc.errno) or exc.strerror or type(exc).__name__
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 编码的文本文件"
    if isinstance(exc, json.JSONDecodeError):
        return f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）"
    return ""
