"""A small province round for the state tests: three real returns (one with an error), ingested
with workbooks into a folder, and what each view shows per city."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl

from sceval.ingest.batch import IngestOptions, ingest
from sceval.state.outputs import FEEDBACK_DIR
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITIES = ROSTER.cities[:3]
NUM = "SC_L1P1_A1_NUM"
BLANK = "SC_L1P1_A2_NUM"  # left empty by the second city: an error, so it gets a feedback workbook


def write_returns(folder: Path, blank_city: int | None = 1) -> Path:
    """The three cities' returns in ``folder/in`` (``blank_city`` leaves BLANK empty)."""
    for index, city in enumerate(CITIES):
        values = valid_values(CATALOG) | {NUM: 823, "SC_L1P1_A1_DEN": 2000}
        if index == blank_city:
            values[BLANK] = None
        template = render(CATALOG, city, ROSTER, folder / "templates")
        fill(template, folder / "in" / f"{city.code}_{city.name}.xlsx", values)
    return folder / "in"


def distinct_return(folder: Path, city, shift: int = 1) -> Path:
    """``city``'s return with every whole number ``shift`` above the others' (valid, no blank):
    not a pasted copy of another city's (INPUT_COPIED, sceval.evaluate.copies)."""
    values = {name: value + shift if isinstance(value, int) and not isinstance(value, bool) else value
              for name, value in valid_values(CATALOG).items()}
    template = render(CATALOG, city, ROSTER, folder / "templates")
    return fill(template, folder / "in" / f"{city.code}_{city.name}.xlsx", values | {NUM: 823 + shift, "SC_L1P1_A1_DEN": 2000})


def run_ingest(inputs, out: Path, roster=ROSTER):
    options = IngestOptions(catalog=CATALOG, roster=roster, jobs=1, ledger_path=out / "ledger.sqlite", draws=20)
    return ingest(inputs if isinstance(inputs, list) else [inputs], out, options)


def results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def city_entry(out: Path, code: str) -> dict:
    return next(c for c in results(out)["cities"] if c["code"] == code)


def feedback_path(out: Path, city) -> Path:
    return out / FEEDBACK_DIR / f"{city.code}_{city.name}_问题反馈.xlsx"


def feedback_total(path: Path) -> str:
    """The official 总分 the feedback workbook's 问题清单 shows (its label marked 含审核调整 when adjusted)."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["问题清单"].iter_rows(values_only=True))
    book.close()
    shown = [row[6] for row in rows if len(row) > 6 and str(row[1] or "").startswith("总分")]
    assert len(shown) <= 1, rows
    return shown[0] if shown else None  # a rejected return has no official score


def summary_rows(out: Path, roster=ROSTER) -> dict[str, tuple]:
    """city code -> (状态, 总分) as the summary's 总览 shows them."""
    (path,) = sorted(out.glob("汇总_*.xlsx"))
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["总览"].iter_rows(values_only=True))
    book.close()
    header = next(row for row in rows if row and "代码" in row)
    code, status, total = header.index("代码"), header.index("状态"), header.index("总分")
    return {row[code]: (row[status], row[total]) for row in rows if row and row[code] in {c.code for c in roster.cities}}


def digests(out: Path) -> dict[str, str]:
    """Every file of the folder (ledger and hidden files included) -> sha256: "nothing changed"."""
    found = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and ".work" not in path.parts and path.name != ".sceval.lock":
            found[str(path.relative_to(out))] = hashlib.sha256(path.read_bytes()).hexdigest()
    assert found
    return found


def copied_folder(folder: Path, tmp_path: Path) -> Path:
    """A copy of a shared results folder, for a test that changes it."""
    import shutil

    copy = tmp_path / "out"
    shutil.copytree(folder, copy)
    return copy
