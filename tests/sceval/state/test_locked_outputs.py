"""Outputs that may be open in Excel/WPS (issue 22 item 2), proven with a real OS refusal.

``chattr +i`` makes a file immutable: even root cannot open it for writing, rename it or rename
over it — as Windows refuses ``os.replace`` of a workbook open in Excel. A re-run must stop with
exit 2 naming the file, and leave every file of the folder (ledger included) as it was.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.review.adjustments import Request
from sceval.state.adjusting import record_adjustments
from sceval.state.commit import OutputsLocked, commit
from tests.sceval.state.round_helpers import CITIES, NUM, digests, feedback_path, run_ingest, write_returns

pytestmark = pytest.mark.skipif(os.name != "posix" or shutil.which("chattr") is None,
                                reason="chattr (e2fsprogs) makes the OS refuse a replace")


@contextlib.contextmanager
def immutable(path):
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        with pytest.raises(PermissionError):  # the refusal is real on this file system
            os.replace(path, path.with_name("probe"))
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return write_returns(tmp_path_factory.mktemp("returns"))


@pytest.fixture
def out(inputs, tmp_path):
    folder = tmp_path / "out"
    run_ingest(inputs, folder)
    return folder


def _rerun_via_cli(inputs, out):
    from tests.sceval.state.round_helpers import ROSTER  # noqa: F401 - the same roster file below
    from tests.sceval.ingest_helpers import ROSTER_CSV

    return CliRunner().invoke(app, ["ingest", str(inputs), "--roster", str(ROSTER_CSV), "--out", str(out),
                                    "--jobs", "1", "--draws", "20"])


def test_an_immutable_summary_stops_a_rerun_naming_it_and_nothing_changes(inputs, out):
    (summary,) = sorted(out.glob("汇总_*.xlsx"))
    before = digests(out)
    with immutable(summary):
        result = _rerun_via_cli(inputs, out)
    assert result.exit_code == 2, result.output
    assert str(summary) in result.output and "请先在 Excel/WPS 中关闭" in result.output
    assert digests(out) == before


def test_an_immutable_feedback_workbook_stops_an_adjust_naming_it_and_nothing_changes(out):
    feedback = feedback_path(out, CITIES[1])
    before = digests(out)
    with immutable(feedback):
        with pytest.raises(OutputsLocked) as stopped:
            record_adjustments(out, [Request(CITIES[1].code, NUM, "1200", "电话核实")])
    assert stopped.value.paths == [feedback]
    assert "请先在 Excel/WPS 中关闭" in str(stopped.value)
    assert digests(out) == before


def test_an_immutable_feedback_workbook_stops_a_rerun_via_the_cli(inputs, out):
    feedback = feedback_path(out, CITIES[1])
    before = digests(out)
    with immutable(feedback):
        result = _rerun_via_cli(inputs, out)
    assert result.exit_code == 2, result.output
    assert str(feedback) in result.output
    assert digests(out) == before


def test_a_rename_refused_midway_puts_every_replaced_file_back(tmp_path):
    """The probe passed but the OS refuses later (the file was opened meanwhile): roll back."""
    out, staging, backup = tmp_path / "out", tmp_path / "new", tmp_path / "old"
    out.mkdir(), staging.mkdir()
    for name in ("a.xlsx", "b.xlsx", "c.json"):
        (out / name).write_text(f"old {name}")
        (staging / name).write_text(f"new {name}")
    before = digests(out)
    (staging / "new.xlsx").write_text("a first view, not there before")
    staged = {name: staging / name for name in ("new.xlsx", "a.xlsx", "b.xlsx", "c.json")}
    with immutable(out / "c.json"):
        import sceval.state.commit as committing

        probe, committing.check_replaceable = committing.check_replaceable, lambda paths: None
        try:  # the probe is skipped to reach the refusal of the rename itself
            with pytest.raises(OutputsLocked) as stopped:
                commit(out, staged, [], backup)
        finally:
            committing.check_replaceable = probe
    assert stopped.value.paths == [out / "c.json"]
    assert digests(out) == before  # a.xlsx and b.xlsx were replaced, then put back; new.xlsx gone
