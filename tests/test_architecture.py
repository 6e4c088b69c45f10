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
