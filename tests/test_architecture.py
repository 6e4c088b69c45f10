"""Guard rails of the layout (docs/architecture.md): what may import what, how big a module may
grow, and that no indicator fact is written in Python. Each reads the real source tree."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sctemplates.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sceval", "sctemplates")
MAX_LINES = 400
# Modules that touch files, processes, sockets or the Excel libraries: none may serve evaluate.
IO_MODULES = {"os", "io", "pathlib", "shutil", "subprocess", "socket", "sqlite3", "zipfile", "tempfile",
              "urllib", "http", "smtplib", "mailbox", "glob", "openpyxl", "xlsxwriter", "python_calamine",
              "docx", "multiprocessing"}
EXCEL_LIBRARIES = {"openpyxl", "xlsxwriter", "python_calamine"}


def _modules(*folders: str) -> list[Path]:
    found = [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]
    assert found, folders  # a guard over no files would pass vacuously
    return found


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _top(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize("path", _modules("sctemplates"), ids=lambda p: str(p.relative_to(ROOT)))
def test_sctemplates_never_imports_sceval(path):
    assert "sceval" not in _top(_imports(path))


@pytest.mark.parametrize("name", ["model.py", "methods.py", "catalog.py", "catalog_json.py", "export.py"])
def test_the_catalog_model_imports_no_excel_library(name):
    assert not _top(_imports(ROOT / "sctemplates" / name)) & EXCEL_LIBRARIES


@pytest.mark.parametrize("path", _modules("sceval/evaluate"), ids=lambda p: p.name)
def test_evaluate_does_no_io(path):
    source = path.read_text(encoding="utf-8")
    assert not _top(_imports(path)) & IO_MODULES
    calls = [node.func.id for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    assert "open" not in calls and "print" not in calls


@pytest.mark.parametrize("path", _modules(*PACKAGES), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_over_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def _catalog_facts() -> tuple[set[str], set[str]]:
    """Every indicator code (and the optional indicators' first-level code, as in ZXP1-A1) and
    every indicator name (4+ characters) of the bundled catalog, but
    the labels of method kinds (the survey kind is named like the indicator it scores): method
    kinds are the code's own vocabulary (sctemplates/methods.py)."""
    from sctemplates.methods import METHODS

    catalog = load_catalog()
    nodes = [*catalog.first_levels(), *catalog.second_levels(), *catalog.sub_items()]
    codes = {node.code for node in nodes} | {catalog.optional_rules.code}
    kinds = {kind.label for kind in METHODS.values()}
    names = {node.name for node in nodes if len(node.name) >= 4} - kinds
    names = {name for name in names if not any(name in kind for kind in kinds)}
    return codes, names


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_indicator_code_or_name_is_written_in_python():
    codes, names = _catalog_facts()
    code_pattern = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(map(re.escape, codes), key=len, reverse=True))
                              + r")(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])ZXP\d")
    found = []
    for path in _modules(*PACKAGES):
        for line, text in _string_constants(path):
            hits = code_pattern.findall(text) + [name for name in names if name in text]
            found += [f"{path.relative_to(ROOT)}:{line}: {hit}" for hit in hits]
    assert found == []


# --- the corridors (issue 19 item 4): floors go one way -----------------------------------------
# sceval's subpackages (and top-level modules) from the lowest floor to the highest; a module may
# import only from its own floor or lower ones. Function-level imports count: ast.walk sees them.
STAGES = (
    ("errors",), ("safety", "office"), ("workbook",), ("evaluate",), ("results",), ("ledger",), ("intake",),
    ("cases",), ("reports",), ("previous",), ("review",), ("state",), ("ingest",), ("mail",),
    ("demo",), ("api", "export"), ("cli", "__main__"),
)
FLOOR = {unit: floor for floor, units in enumerate(STAGES) for unit in units}


def _unit(module: str) -> str | None:
    """sceval.ingest.batch -> sceval.ingest: the subpackage (or top-level module) a module is in;
    None for other libraries and for names that are no module (``from sceval import __version__``)."""
    parts = module.split(".")
    if parts[0] not in PACKAGES or len(parts) < 2:
        return None
    place = ROOT.joinpath(*parts[:2])
    return ".".join(parts[:2]) if place.is_dir() or place.with_suffix(".py").is_file() else None


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _all_imports(path: Path) -> set[str]:
    """Every module a file imports anywhere (relative ones resolved), with ``from a import b``
    also counted as ``a.b`` since b may be a module."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _unit_edges() -> dict[tuple[str, str], str]:
    """(importing unit, imported unit) -> one file that makes the edge."""
    edges = {}
    for path in _modules(*PACKAGES):
        source = _unit(_module_name(path))
        for target in filter(None, map(_unit, _all_imports(path))):
            if source and target != source:
                edges.setdefault((source, target), str(path.relative_to(ROOT)))
    return edges


def _cycles(edges) -> list[list[str]]:
    """Strongly connected groups of more than one unit (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
    index, low, stack, groups = {}, {}, [], []

    def visit(unit: str) -> None:
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        for other in graph.get(unit, ()):
            if other not in index:
                visit(other)
                low[unit] = min(low[unit], low[other])
            elif other in stack:
                low[unit] = min(low[unit], index[other])
        if low[unit] == index[unit]:
            group = stack[stack.index(unit):]
            del stack[stack.index(unit):]
            groups.append(sorted(group)) if len(group) > 1 else None

    for unit in list(graph):
        if unit not in index:
            visit(unit)
    return groups


def test_no_import_cycle_between_subpackages():
    edges = _unit_edges()
    assert edges  # a graph of nothing has no cycle
    cycles = _cycles(edges)
    assert not cycles, [(group, [(s, t, f) for (s, t), f in edges.items() if s in group and t in group])
                        for group in cycles]


def test_sceval_imports_go_down_the_stage_order():
    edges = {(s, t): f for (s, t), f in _unit_edges().items() if s.startswith("sceval.") and t.startswith("sceval.")}
    assert edges
    unknown = {unit.split(".")[1] for edge in edges for unit in edge} - set(FLOOR)
    assert not unknown, f"subpackages missing from STAGES: {unknown}"
    upward = [(s, t, f) for (s, t), f in edges.items() if FLOOR[s.split(".")[1]] < FLOOR[t.split(".")[1]]]
    assert not upward, upward


def test_only_the_entry_point_imports_the_cli_app():
    """cli/app.py imports every command module; a command (or cli/rerun.py) importing it back
    would be a cycle inside cli: they get the running app from their context instead."""
    importers = [str(path.relative_to(ROOT)) for path in _modules("sceval")
                 if {"sceval.cli.app", "sceval.cli.app.app"} & _all_imports(path)]
    assert importers == ["sceval/__main__.py"]
