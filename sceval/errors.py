"""ScevalError: the one base of every error sceval says to a person and then stops for.

Its message is Chinese and complete (what is wrong, with which file, what to do); ``exit_code``
is the process's exit status. The CLI catches it once (sceval.cli.zh.ChineseGroup.main), so a
command needs no handler of its own for it. It sits on the lowest floor so every package may
raise it; subclasses keep their older bases (ValueError, RuntimeError) for library callers.
"""
from __future__ import annotations


class ScevalError(Exception):
    """A stop with a Chinese message; exit 2: the input or the folder cannot be used as it is."""

    exit_code = 2
