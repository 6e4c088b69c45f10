"""Per-file bounds are configurable: a file over the size limit is refused, the batch goes on."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.ingest.batch import IngestOptions, ingest
from sceval.safety.preflight import Limits
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()


def two_returns(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for city in ROSTER.cities[:2]:
        template = render(CATALOG, city, ROSTER, tmp_path / "templates")
        paths.append(fill(template, folder / template.name, valid_values(CATALOG)))
    return folder, paths


def test_size_limit_refuses_big_files_and_keeps_the_rest(tmp_path):
    folder, paths = two_returns(tmp_path)
    limit = min(p.stat().st_size for p in paths) - 1  # both returns are over it
    run = ingest([paths[0]], tmp_path / "small", IngestOptions(CATALOG, roster=ROSTER, jobs=1,
                 limits=Limits(max_bytes=limit)))
    assert [i.code for i in run.outcomes[0].issues] == ["FILE_TOO_LARGE"]
    assert run.outcomes[0].status == "rejected"
    run = ingest([folder], tmp_path / "default", IngestOptions(CATALOG, roster=ROSTER, jobs=2))
    assert sorted(o.status for o in run.outcomes) == ["counted", "counted"]


def test_cli_max_size_option(tmp_path):
    folder, _ = two_returns(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["ingest", str(folder), "--out", str(out), "--max-size", "0.01",
                                      "--jobs", "1"])
    assert result.exit_code == 0, result.output
    files = json.loads((out / "results.json").read_text(encoding="utf-8"))["files"]
    assert {f["status"] for f in files} == {"rejected"}
    assert all(f["issues"][0]["code"] == "FILE_TOO_LARGE" for f in files)
