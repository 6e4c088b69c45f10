"""A command whose output folder (or ledger) cannot be written ends with exit 2 and a Chinese
message naming the place, never a PermissionError or "readonly database" traceback (issue 21,
item 15: a results folder owned by another user broke `report`, `rescore` and `cases check`)."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from sctemplates.display import one_line

from sceval.cli.common import stop


@contextmanager
def exit_when_unwritable(what: str):
    """Run the block; an OSError or sqlite3 error from writing ``what`` is exit 2 with a message."""
    try:
        yield
    except OSError as exc:
        place = one_line(str(exc.filename or what), 300)
        stop(f"无法写入{what}“{place}”（{exc.strerror or type(exc).__name__}）：请检查该位置是否存在、"
             "是否有写权限，或用 --out 指定可写的位置。")
    except sqlite3.Error as exc:
        stop(_ledger_message(exc, what))


def _ledger_message(exc: sqlite3.Error, what: str) -> str:
    """Busy, read-only and full said as such; a damaged ledger is not "read-only" (a 湖南 trial
    with a broken ledger.sqlite was told to find an account with write permission)."""
    from sceval.ledger.guard import ledger_problem

    detail = one_line(str(exc), 200)
    problem = ledger_problem(exc, what)
    if problem is None:
        return (f"{what}中的报送台账已损坏（{detail}），本次未作任何改动。请在同一输出目录重新运行 sceval ingest："
                "损坏的台账会被移开，并按 results.json 重建，之后再执行本命令。")
    if problem.code == "LEDGER_READONLY":
        return (f"无法写入{what}中的报送台账（{detail}）：该位置只读，请用有写权限的账户运行，"
                "或把结果文件夹复制到可写的位置后再运行。")
    return str(problem)
