"""A batch mixing the whole hostile corpus with good returns: nothing stops it, nothing is lost,
the good returns score exactly as when ingested alone, and no input file is changed."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.sceval import hostile
from sceval.ingest.batch import IngestOptions, ingest
from sceval.safety.filenames import safe_filename_display, sha256_file
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
RECEIVED = "2016-12-20T08:00:00+00:00"
COMPARED = ("status", "total", "scores", "points_at_stake", "completeness", "inputs")


@pytest.fixture(scope="module")
def good_returns(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("good")
    returns = {}
    for number, city in enumerate(ROSTER.cities[:2]):
        values = valid_values(CATALOG)
        first_input = next(item for _, _, item in CATALOG.inputs() if item.role == "numerator")
        values[first_input.name] = 100 - 17 * number  # the two cities differ
        template = render(CATALOG, city, ROSTER, folder)
        returns[city.code] = fill(template, folder / f"{city.code}_{city.name}_填报.xlsx", values)
    return returns


def _city(results: dict, code: str) -> dict:
    entry = next(c for c in results["cities"] if c["code"] == code)
    return {key: entry.get(key) for key in COMPARED}


def _hostile_folder(folder: Path, good: dict[str, Path], gbk: bool) -> dict[str, str | None]:
    """Write every hostile case plus the good returns; file display name -> expected code."""
    expected = {}
    for writer, code in list(hostile.CASES.values()) + [(hostile.write_cell_bomb, "FILE_ZIP_BOMB")]:
        if writer is hostile.write_good or (writer is hostile.write_gbk_name and not gbk):
            continue
        expected[os.path.basename(safe_filename_display(writer(folder)))] = hostile.ingest_code(writer, code)
    for path in good.values():
        shutil.copy(path, folder / path.name)
    return expected


@pytest.mark.parametrize("gbk", [False, True],
                         ids=["utf8-names", "with-gbk-name"])
def test_hostile_batch_never_stops_and_scores_the_good_ones_exactly(good_returns, tmp_path, gbk):
    alone = {code: _city(ingest([path], tmp_path / f"alone-{code}", IngestOptions(CATALOG, roster=ROSTER, jobs=1,
                                received_at=RECEIVED)).results, code)
             for code, path in good_returns.items()}
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    expected = _hostile_folder(inbox, good_returns, gbk)
    before = {path: sha256_file(path) for path in inbox.iterdir()}

    run = ingest([inbox], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=2, received_at=RECEIVED,
                 ledger_path=tmp_path / "out" / "ledger.sqlite"))

    assert {path: sha256_file(path) for path in inbox.iterdir()} == before
    for code, entry in alone.items():
        assert entry["status"] == "submitted" and _city(run.results, code) == entry
    files = {os.path.basename(safe_filename_display(f["path"])): f for f in run.results["files"]}
    for name, code in expected.items():
        assert name in files, f"{name} was lost"
        if code:
            found = [item["code"] for item in files[name]["issues"]]
            assert code in found, (name, found)
    assert run.results_path.is_file()
