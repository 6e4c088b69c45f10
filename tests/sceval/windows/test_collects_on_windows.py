"""The suite collects on Windows (issue 22 item 7): no module of sceval, sctemplates, the tests or
the benchmarks imports a POSIX-only module at its top level without a guard (an ImportError
there stops pytest from collecting anything on Windows). Checked on the source, on any system."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
POSIX_ONLY = {"resource", "fcntl", "termios", "pwd", "grp", "posix"}
FOLDERS = ("sceval", "sctemplates", "tests", "benchmarks")


def _unguarded_posix_imports(path: Path) -> list[str]:
    """Top-level imports of POSIX-only modules: not in a function, try/except or if block."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        found += [f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{node.lineno} {name}"
                  for name in names
                  if name.split(".")[0] in POSIX_ONLY]
    return found


def test_no_module_imports_a_posix_only_module_unguarded():
    files = [path for folder in FOLDERS for path in (ROOT / folder).rglob("*.py")]
    assert len(files) > 100
    assert [hit for path in files for hit in _unguarded_posix_imports(path)] == []


def test_the_check_sees_an_unguarded_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nimport resource\ntry:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n"
                     "def later():\n    import termios\n", encoding="utf-8")
    assert _unguarded_posix_imports(probe) == ["probe.py:2 resource"]
