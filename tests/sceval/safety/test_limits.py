"""Per-file bounds are configurable: a file over the size limit is refused, the batch goes on."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.ingest.batch import IngestOptions, ingest
from sceval.safety.preflight import Limits
from sctemplates.layout import remark_name
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()


def two_returns(tmp_path):
    """Two valid returns; the second carries a long remark (random text, so it does not compress
    away) and is some kilobytes larger than the first."""
    import random

    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    remark = remark_name(next(CATALOG.sub_items()).code)
    rng = random.Random(7)
    noise = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(1500))
    for index, city in enumerate(ROSTER.cities[:2]):
        template = render(CATALOG, city, ROSTER, tmp_path / "templates")
        values = valid_values(CATALOG) | ({remark: noise} if index else {})
        paths.append(fill(template, folder / template.name, values))
    return folder, paths


def test_size_limit_refuses_big_files_and_keeps_the_rest(tmp_path):
    folder, (small, big) = two_returns(tmp_path)
    assert big.stat().st_size > small.stat().st_size + 2000
    limit = small.stat().st_size + 1000  # the small return is under it, the big one over
    run = ingest([folder], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1,
                 limits=Limits(max_bytes=limit)))
    by_name = {Path(o.path).name: o for o in run.outcomes}
    assert [i.code for i in by_name[big.name].issues] == ["FILE_TOO_LARGE"]
    assert by_name[big.name].status == "rejected" and by_name[small.name].status == "counted"
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
