"""The file-level hostile corpus mixed with good returns, through the real command: exit code 0,
every hostile file its row and code, the good returns scored exactly as alone, bounded memory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.platform_marks import posix_only
from tests.sceval import hostile_files
from tests.sceval.ingest_helpers import ROSTER_CSV, base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
SCEVAL = str(Path(sys.executable).with_name("sceval"))
COMPARED = ("status", "total", "scores", "points_at_stake", "completeness", "inputs")


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("good")
    numerator = next(item.name for _, _, item in CATALOG.inputs() if item.role == "numerator")
    return {city.code: fill(render(CATALOG, city, ROSTER, folder), folder / f"{city.code}_{city.name}_填报.xlsx",
                            valid_values(CATALOG) | {numerator: 100 - 17 * number})
            for number, city in enumerate(ROSTER.cities[:2])}


def _ingest(inputs, out: Path) -> tuple[subprocess.CompletedProcess, dict]:
    run = subprocess.run([SCEVAL, "ingest", *map(str, inputs), "--out", str(out), "--roster", str(ROSTER_CSV),
                          "--jobs", "2"],
                         capture_output=True, text=True, timeout=600)
    results = json.loads((out / "results.json").read_text(encoding="utf-8")) if run.returncode == 0 else {}
    return run, results


def _city(results: dict, code: str) -> dict:
    entry = next(c for c in results["cities"] if c["code"] == code)
    return {key: entry[key] for key in COMPARED}


@posix_only  # links, a named pipe and RUSAGE_CHILDREN
def test_hostile_files_mixed_with_good_returns(good, tmp_path):
    import resource

    alone = {}
    for code, path in good.items():
        run, results = _ingest([path], tmp_path / f"alone-{code}")
        assert run.returncode == 0, run.stderr
        alone[code] = _city(results, code)
    inbox = tmp_path / "inbox"
    expected = hostile_files.file_cases(good[ROSTER.cities[0].code], inbox)
    hostile_files.copy_good(good, inbox)
    run, results = _ingest([inbox], tmp_path / "out")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    rows = {}
    for row in results["files"]:
        rows.setdefault(os.path.basename(row["path"]), []).append(row)
    for name, code in expected.items():
        assert name in rows, (name, sorted(rows))
        assert code in [i["code"] for i in rows[name][0]["issues"]], (name, rows[name][0]["issues"])
        assert all(i["message"] for i in rows[name][0]["issues"])
    assert not [name for name in rows if any(part in name for part in hostile_files.NO_ROW)]
    for code in good:
        assert _city(results, code) == alone[code]  # scored exactly as alone
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest of the runs above
    assert peak_kb < 1024 * 1024, f"peak RSS {peak_kb // 1024} MB"
