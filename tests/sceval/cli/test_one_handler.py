"""One handler for stops (issue 19, "corridors"): a ScevalError is said once, by the app
(sceval.cli.zh.ChineseGroup.main), with its code and exit code. No CLI module catches one to
print it and exit itself — a handler that does more than that is allow-listed here, with why.

The stops are found in the source (every class under sceval/ deriving from ScevalError, at any
depth), so a new stop is covered without being listed."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

from sceval.errors import ScevalError

ROOT = Path(__file__).resolve().parents[3]
CLI = ROOT / "sceval" / "cli"
STOP_MODULES = ("sceval.cli.app", "sceval.cli.common", "sceval.intake.central", "sceval.intake.mailbox.imap.connect",
                "sceval.ledger.guard", "sceval.ledger.ledger", "sceval.previous.editions", "sceval.previous.load",
                "sceval.reports.summary.sources", "sceval.review.adjustments", "sceval.review.rescore",
                "sceval.state.commit", "sceval.state.current")
BROAD = {"Exception", "BaseException"}  # these catch every stop too
ALLOWED = {  # (module under sceval/cli, function): why its handler does more than say the stop
    ("zh.py", "main"): "the one place a stop is said",
    ("common.py", "load_file_or_exit"): "re-raises a library's stop unchanged; turns foreign errors into one",
    ("commands/ledger.py", "_rebuild"): "says the ledger did change although the views could not follow",
    ("commands/cases.py", "_refresh_round_views"): "not a stop there: cases.json is written, the check succeeded",
}


def _name(node) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def stop_classes() -> set[str]:
    """The names of ScevalError and every class in sceval/ deriving from it."""
    parents: dict[str, set[str]] = {}
    for path in (ROOT / "sceval").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                parents.setdefault(node.name, set()).update(_name(base) for base in node.bases)
    found = {"ScevalError"}
    while True:
        more = {name for name, bases in parents.items() if bases & found} - found
        if not more:
            return found
        found |= more


class _Handlers(ast.NodeVisitor):
    """(innermost function, names caught) of every except clause catching a stop."""

    def __init__(self, tree: ast.Module, stops: set[str]):
        # `from … import RunStopped as Busy`: Busy is RunStopped
        self.aliases = {alias.asname: alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                        for alias in node.names if alias.asname}
        self.stops, self.function, self.found = stops | BROAD, "", []
        self.visit(tree)

    def visit_FunctionDef(self, node) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ExceptHandler(self, node) -> None:
        caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        names = {self.aliases.get(_name(each), _name(each)) for each in caught if each is not None}
        if node.type is None or names & self.stops:
            self.found.append((self.function, sorted(names & self.stops) or ["(bare except)"]))
        self.generic_visit(node)


def handlers(source: str, stops: set[str]) -> list[tuple[str, list[str]]]:
    return _Handlers(ast.parse(source), stops).found


def _cli_handlers() -> dict[tuple[str, str], list[str]]:
    stops, found = stop_classes(), {}
    for path in sorted(CLI.rglob("*.py")):
        for function, names in handlers(path.read_text(encoding="utf-8"), stops):
            found[(path.relative_to(CLI).as_posix(), function)] = names
    return found


def test_no_cli_module_catches_a_stop_to_say_it_itself():
    caught = {where: names for where, names in _cli_handlers().items() if where not in ALLOWED}
    assert not caught, f"say these once through the app (raise, no handler), or allow-list them with why: {caught}"


def test_every_allowed_handler_still_exists():
    assert set(ALLOWED) <= set(_cli_handlers()), set(ALLOWED) - set(_cli_handlers())


def test_the_source_scan_finds_every_stop_python_knows():
    for module in STOP_MODULES:
        importlib.import_module(module)
    known, pending = set(), [ScevalError]
    while pending:
        children = pending.pop().__subclasses__()
        known |= {child.__name__ for child in children if child.__module__.startswith("sceval.")}
        pending += children
    assert len(known) >= len(STOP_MODULES) and known <= stop_classes(), known - stop_classes()


def test_the_scan_sees_a_stop_caught_by_any_spelling():
    source = '''
from sceval.ledger.run_lock import RunStopped as Busy
import sceval.state.commit


def named():
    try:
        pass
    except (OSError, sceval.state.commit.OutputsLocked):
        pass


def aliased():
    try:
        pass
    except Busy:
        pass


def foreign():
    try:
        pass
    except (OSError, ValueError):
        pass
'''
    assert handlers(source, stop_classes()) == [("named", ["OutputsLocked"]), ("aliased", ["RunStopped"])]
