"""LibreOffice headless for tests: re-save, convert to PDF, recalculate — in chunks, checked.

Every call uses a private user profile (one per test process) so parallel runs never share
LibreOffice's lock, and a timeout. soffice can exit 0 having silently skipped files when given
many at once, so files go in chunks and every expected output is checked to exist.

    from tests.libreoffice import needs_soffice, resave_xlsx, to_pdf, recalculated_values
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice")
CHUNK = 25
TIMEOUT_SECONDS = 300
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="需要 LibreOffice (soffice)")
libreoffice = [pytest.mark.libreoffice, needs_soffice]  # pytestmark = libreoffice


class ConversionError(RuntimeError):
    pass


def profile_uri() -> str:
    """A LibreOffice profile private to this process (created by soffice on first use)."""
    folder = Path(tempfile.gettempdir()) / f"sceval-lo-profile-{os.getpid()}"
    if not folder.exists():
        atexit.register(shutil.rmtree, folder, True)  # ignore_errors: soffice may still hold it
    return folder.as_uri()


def convert(paths, out_dir, target: str = "xlsx", chunk: int = CHUNK) -> list[Path]:
    """Convert files into ``out_dir`` (which must not hold the inputs); return outputs in order."""
    if SOFFICE is None:
        raise ConversionError("soffice 不在 PATH 中")
    paths = [Path(p).resolve() for p in paths]
    out_dir = Path(out_dir).resolve()
    if any(p.parent == out_dir for p in paths):
        raise ValueError("out_dir must differ from the inputs' folder: soffice would overwrite them")
    out_dir.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(paths), chunk):
        _run(paths[start:start + chunk], out_dir, target)
    extension = target.split(":")[0]
    outputs = [out_dir / f"{p.stem}.{extension}" for p in paths]
    missing = [p for p in outputs if not p.is_file()]
    if missing:
        raise ConversionError(f"soffice produced {len(outputs) - len(missing)}/{len(outputs)}; "
                              f"missing: {[m.name for m in missing]}")
    return outputs


def _run(paths: list[Path], out_dir: Path, target: str) -> None:
    command = [SOFFICE, f"-env:UserInstallation={profile_uri()}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(out_dir), *map(str, paths)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    if result.returncode != 0:
        raise ConversionError(f"soffice exit {result.returncode}: {result.stderr[-2000:]}")


def resave_xlsx(paths, out_dir) -> list[Path]:
    """Open and save each workbook as .xlsx with LibreOffice (what a city using it would do)."""
    return convert(paths, out_dir, "xlsx")


def to_pdf(path, out_dir) -> Path:
    return convert([path], out_dir, "pdf")[0]


def defined_name_values(path) -> dict[str, object]:
    """Defined name -> the cached value of its cell (single-cell names) or its constant text."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, data_only=True)
    values = {}
    for name, definition in workbook.defined_names.items():
        values[name] = _value_of(workbook, definition)
    return values


def _value_of(workbook, definition):
    text = definition.attr_text
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    destinations = list(definition.destinations)
    if len(destinations) != 1 or ":" in destinations[0][1]:
        return None
    sheet, ref = destinations[0]
    return workbook[sheet][ref.replace("$", "")].value


def recalculated_values(path) -> dict[str, object]:
    """Let LibreOffice load (and so calculate) ``path``, save it, and read every defined name.

    Formulas written without a cached value are calculated on load; the saved copy carries the
    results, which openpyxl then reads. The input file is not touched.
    """
    with tempfile.TemporaryDirectory(prefix="sceval-recalc-") as folder:
        (saved,) = resave_xlsx([path], folder)
        return defined_name_values(saved)
