"""`sceval verify` on the demo round (issue 19, done-when): exit 0 as `make demo` leaves it; after
an adjustment the report written before it is named, table and cell, until `report` runs again."""
from __future__ import annotations

import shutil

from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.review.adjustments import Request
from sceval.state.adjusting import record_adjustments
from sceval.state.verify import verify_folder


def test_the_demo_round_verifies_with_its_report(demo_round):
    out = demo_round.results.parent
    assert (out / "评价工作报告.docx").is_file()
    result = CliRunner().invoke(app, ["verify", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "一致" in result.output


def test_a_report_older_than_an_adjustment_is_named_by_verify_until_it_is_written_again(demo_round, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(demo_round.results.parent, out)
    city = next(c for c in demo_round.ingest.results["cities"] if c.get("scores") and not c.get("adjustments"))
    record_adjustments(out, [Request(city["code"], "SC_L1P1_A1_NUM", "1", "电话核实")])
    verdict = verify_folder(out)
    stale = [d for d in verdict.disagreements if d.file.endswith("评价工作报告.docx")]
    assert stale and all(d.where.startswith("表（") for d in stale)
    assert [d for d in verdict.disagreements if d not in stale] == []
    # the last line says why and what to do, so an official does not take the round for broken
    assert verdict.summary().splitlines()[1].startswith("这些不同全部在评价工作报告（评价工作报告.docx）中")
    assert "sceval report" in verdict.summary()
    written = CliRunner().invoke(app, ["report", str(out / "results.json"), "--out", str(out / "评价工作报告.docx")])
    assert written.exit_code == 0, written.output
    assert verify_folder(out).ok


def test_every_results_folder_of_the_demo_verifies_the_second_round_too(demo_round):
    """The second round's year-on-year warnings are placed as a rescore places them (batch checks
    last): verify found 18 differences in 第二轮 when ingest added them after the batch checks."""
    folders = [demo_round.results.parent, demo_round.second.results.parent]
    assert folders[1] != folders[0]
    for folder in folders:
        verdict = verify_folder(folder)
        assert verdict.ok, [d.message() for d in verdict.disagreements][:3]
