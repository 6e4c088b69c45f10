"""One state, derived views (issue 19 item 1, issue 22 items 2 and 7, issue 21 items 11-12).

A real three-city round ingested with workbooks; adjustments and re-runs through the library and
the CLI; every view (results.json, the summary's 总览, each feedback workbook) read back.
"""
from __future__ import annotations


import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.review.adjustments import AdjustmentBook, Request
from sceval.state.adjusting import record_adjustments, undo_adjustment
from sceval.ledger.run_lock import RunBusy, RunFolder
from sceval.state.manifest import stale_reasons
from sceval.state.verify import verify_folder
from tests.sceval.state.round_helpers import (
    CITIES, NUM, ROSTER, city_entry, copied_folder, digests, distinct_return, feedback_path, feedback_total, run_ingest,
    summary_rows, write_returns,
)

from sceval.reports.status_words import gets_feedback
from sceval.reports.summary.data import STATUS_LABELS


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return write_returns(tmp_path_factory.mktemp("returns"))


@pytest.fixture(scope="module")
def ingested(inputs, tmp_path_factory):
    """One ingested folder, copied for each test that changes it."""
    out = tmp_path_factory.mktemp("round") / "out"
    run_ingest(inputs, out)
    return out


@pytest.fixture
def out(ingested, tmp_path):
    return copied_folder(ingested, tmp_path)


def _assert_views_agree(out, roster=ROSTER):
    verdict = verify_folder(out)
    assert verdict.ok, [d.message() for d in verdict.disagreements]
    shown = summary_rows(out, roster)
    assert set(shown) == {c.code for c in roster.cities}
    for city in CITIES:
        entry = city_entry(out, city.code)
        assert shown[city.code] == (STATUS_LABELS[entry["status"]], entry["total"])
        feedback = feedback_path(out, city)
        # a stale one is removed; a blank template's city is reminded instead
        assert feedback.is_file() == (bool(entry["issues"]) and gets_feedback(entry["status"])), city
        shown_total = feedback_total(feedback) if feedback.is_file() else None
        assert shown_total == (None if entry["total"] is None or not entry["issues"] else f"{entry['total']:.2f}")


def test_an_ingested_round_verifies_and_every_view_shows_the_same_totals(out):
    assert feedback_path(out, CITIES[1]).is_file()
    assert stale_reasons(out, out / "ledger.sqlite") == []
    _assert_views_agree(out)


def test_after_adjust_the_feedback_workbook_shows_the_adjusted_total_and_undo_restores_it(out):
    city = CITIES[1]
    before = city_entry(out, city.code)["total"]
    assert feedback_total(feedback_path(out, city)) == f"{before:.2f}"
    recorded = record_adjustments(out, [Request(city.code, NUM, "1200", "电话核实")])
    after = city_entry(out, city.code)["total"]
    assert after > before
    assert feedback_total(feedback_path(out, city)) == f"{after:.2f}"
    _assert_views_agree(out)
    undo_adjustment(out, recorded.adjustments[0].id, "误调")
    assert feedback_total(feedback_path(out, city)) == f"{before:.2f}"
    _assert_views_agree(out)


def test_a_hand_edited_summary_total_makes_verify_exit_1_naming_workbook_and_cell(out):
    import openpyxl

    (summary,) = sorted(out.glob("汇总_*.xlsx"))
    book = openpyxl.load_workbook(summary)
    sheet = book["总览"]
    cell = next(row[5] for row in sheet.iter_rows() if row[1].value == CITIES[0].code)
    assert cell.value == city_entry(out, CITIES[0].code)["total"]
    cell.value = 99.99
    book.save(summary)
    result = CliRunner().invoke(app, ["verify", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert f"{summary} 工作表“总览”单元格 {cell.coordinate}：显示为 99.99" in result.output
    assert "不一致" in result.output
    clean = CliRunner().invoke(app, ["verify", "--out", str(out.parent / "none")])
    assert clean.exit_code == 2


def test_verify_exits_0_with_a_one_line_summary_on_a_whole_folder(out):
    result = CliRunner().invoke(app, ["verify", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().startswith("一致：") and result.output.count("\n") == 1


def test_a_second_adjust_while_the_folder_is_busy_records_nothing(out):
    """Issue 21 item 11: the lock is taken before the ledger is written."""
    before = digests(out)
    with RunFolder(out):
        with pytest.raises(RunBusy):
            record_adjustments(out, [Request(CITIES[0].code, NUM, "1200", "电话核实")])
    assert digests(out) == before
    with AdjustmentBook(out / "ledger.sqlite") as book:
        assert book.rows() == []


def test_an_adjust_killed_after_the_ledger_is_seen_by_verify_and_recovered_by_the_next_adjust(out):
    """Issue 21 item 12: the state a kill -9 leaves between the ledger's commit and the views."""
    city = CITIES[0]
    with AdjustmentBook(out / "ledger.sqlite") as book:
        book.record(city.code, NUM, __import__("decimal").Decimal(1200), "电话核实", "审核组",
                    city_entry(out, city.code)["sha256"])
    verdict = verify_folder(out)
    assert not verdict.ok
    assert any("results.json" in d.file and d.where == "cities[0].total" for d in verdict.disagreements)
    assert any("审核调整" in reason for reason in stale_reasons(out, out / "ledger.sqlite"))
    record_adjustments(out, [Request(CITIES[2].code, NUM, "1300", "电话核实")])
    assert [a["adjusted"] for a in city_entry(out, city.code)["adjustments"]] == [1200]
    _assert_views_agree(out)


def test_a_stale_feedback_workbook_is_removed_when_its_city_has_no_issues_left(out, tmp_path):
    city = CITIES[1]
    assert feedback_path(out, city).is_file()
    corrected = distinct_return(tmp_path / "fixed", city)  # the others' are alike: pasted copies
    run_ingest(corrected, out)
    assert city_entry(out, city.code)["issues"] == []
    assert not feedback_path(out, city).exists()
    _assert_views_agree(out)


def test_completeness_follows_an_adjustment_that_fills_the_blank_input_and_its_undo(out):
    """Issue 19: completeness was not recomputed after an adjustment."""
    from sceval.state.rescoring import rescore_folder
    from tests.sceval.state.round_helpers import BLANK

    city = CITIES[1]
    read = city_entry(out, city.code)["completeness"]
    full = city_entry(out, CITIES[0].code)["completeness"]
    assert read < full == 100
    recorded = record_adjustments(out, [Request(city.code, BLANK, "100", "电话核实：补填")])
    assert city_entry(out, city.code)["completeness"] == 100
    rescore_folder(out, out, draws=20)  # rescoring again never counts the adjustment twice
    assert city_entry(out, city.code)["completeness"] == 100
    _assert_views_agree(out)
    undo_adjustment(out, recorded.adjustments[0].id, "误调")
    assert city_entry(out, city.code)["completeness"] == read
    assert "completeness_read" not in city_entry(out, city.code)


def test_kill_9_at_any_moment_of_an_adjust_is_recovered_before_the_views_are_used(out):
    """Issue 21 item 12 with a real SIGKILL of `sceval adjust`, at several moments of its run."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from sceval.state.current import ensure_current

    city = CITIES[0]
    for number, delay in enumerate((0.6, 0.9, 1.2, 1.5, 1.8), start=1):
        child = subprocess.Popen([str(Path(sys.executable).with_name("sceval")), "adjust", city.code, NUM, str(1000 + number),
                                  "--why", "电话核实", "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        ensure_current(out)  # what mail feedback and report do first
        _assert_views_agree(out)
        with AdjustmentBook(out / "ledger.sqlite") as book:
            recorded = [row for row in book.rows() if row[1] == city.code]
        shown = city_entry(out, city.code).get("adjustments") or []
        assert [a["id"] for a in shown][-1:] == [row[0] for row in recorded][-1:]
