"""`sceval ledger use` / `ledger invalidate` rebuild every view from the newly counted return
(issue 19 item 1): rescored from the ledger's record of it, feedback from its stored copy, with
`verify` as the oracle and a full re-ingest of the same returns as the reference."""
from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.state.outputs import INPUTS_DIR, stored_input
from sceval.state.verify import verify_folder
from tests.sceval.ingest_helpers import fill, render, valid_values
from tests.sceval.state.round_helpers import (
    CATALOG, CITIES, NUM, ROSTER, city_entry, feedback_path, feedback_total, results, run_ingest,
    summary_rows, write_returns,
)

from sceval.reports.summary.data import STATUS_LABELS

CITY = CITIES[1]  # first returned with an error (a blank), then corrected with another value


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    """(folder after both versions, first inputs, correction) — the correction ingested second."""
    root = tmp_path_factory.mktemp("recount")
    first = write_returns(root)
    correction = root / "fix" / f"{CITY.code}_{CITY.name}_更正.xlsx"
    template = render(CATALOG, CITY, ROSTER, root / "templates")
    fill(template, correction, valid_values(CATALOG) | {NUM: 1500, "SC_L1P1_A1_DEN": 2000})
    out = root / "out"
    run_ingest(first, out)
    run_ingest(correction, out)
    return out, first, correction


@pytest.fixture
def out(rounds, tmp_path):
    shutil.copytree(rounds[0], tmp_path / "out")
    return tmp_path / "out"


def _ledger(*args):
    return CliRunner().invoke(app, ["ledger", *args])


def _assert_one_state(out):
    verdict = verify_folder(out)
    assert verdict.ok, [d.message() for d in verdict.disagreements]
    shown = summary_rows(out)
    for city in CITIES:
        entry = city_entry(out, city.code)
        assert shown[city.code] == (STATUS_LABELS[entry["status"]], entry["total"])
        path = feedback_path(out, city)
        assert path.is_file() == bool(entry["issues"]), city
        if entry["issues"]:
            assert feedback_total(path) == f"{entry['total']:.2f}"


def _facts(out, code):
    entry = city_entry(out, code)
    return entry["sha256"], entry["status"], entry["total"], sorted(i["code"] for i in entry["issues"])


def test_every_valid_version_is_stored_so_the_ledger_can_switch_to_it(rounds):
    out = rounds[0]
    versions = [row for row in results(out)["files"] if row["city"] == CITY.code]
    assert versions  # this run's row of the correction; the first version is in the ledger
    first_sha = city_entry(out, CITY.code)["sha256"]
    assert stored_input(out, first_sha) is not None
    stored = {path.name.split(".")[0] for path in (out / INPUTS_DIR).iterdir()}
    assert len(stored) == 4  # three first returns and the correction


def test_use_of_the_first_version_rebuilds_every_view_as_a_rerun_would(out, rounds, tmp_path):
    corrected = city_entry(out, CITY.code)
    first_sha = next(sha for sha in _shas(out) if sha != corrected["sha256"])
    used = _ledger("use", first_sha[:12], "--why", "以首次报送为准", "--out", str(out))
    assert used.exit_code == 0, used.output
    assert "重新生成" in used.output and CITY.code in used.output
    now = city_entry(out, CITY.code)
    assert now["sha256"] == first_sha and now["status"] == "has_errors"
    assert now["total"] != corrected["total"]
    assert "SUBMISSION_USED" in {i["code"] for i in now["issues"]}
    _assert_one_state(out)
    # the reference: ingest of every return again into a copy of the folder, as --rerun does
    reference = tmp_path / "reference"
    shutil.copytree(out, reference)
    run_ingest([rounds[1], rounds[2]], reference)
    assert [_facts(out, c.code) for c in CITIES] == [_facts(reference, c.code) for c in CITIES]


def test_invalidate_switches_back_and_the_views_follow(out):
    corrected_sha = city_entry(out, CITY.code)["sha256"]
    first_sha = next(sha for sha in _shas(out) if sha != corrected_sha)
    assert _ledger("use", first_sha[:12], "--why", "以首次报送为准", "--out", str(out)).exit_code == 0
    dropped = _ledger("invalidate", first_sha[:12], "--why", "城市来函撤回", "--out", str(out))
    assert dropped.exit_code == 0, dropped.output
    now = city_entry(out, CITY.code)
    assert now["sha256"] == corrected_sha and now["status"] != "has_errors"
    assert {row["sha256"]: row["status"] for row in results(out)["files"]}.get(corrected_sha) == "counted"
    _assert_one_state(out)


def test_a_return_not_stored_loses_its_feedback_and_says_so(out):
    corrected_sha = city_entry(out, CITY.code)["sha256"]
    first_sha = next(sha for sha in _shas(out) if sha != corrected_sha)
    stored_input(out, first_sha).unlink()  # a folder from before every version was stored
    used = _ledger("use", first_sha[:12], "--why", "以首次报送为准", "--out", str(out))
    assert used.exit_code == 0, used.output
    flat = used.output.replace("\n", "")
    assert f"{CITY.code} {CITY.name} 现计入的报送在输出目录中没有保存副本" in flat
    assert city_entry(out, CITY.code)["issues"]
    assert not feedback_path(out, CITY).exists()  # never the workbook of the version no longer counted
    verdict = verify_folder(out)
    assert verdict.ok, [d.message() for d in verdict.disagreements]


@pytest.mark.skipif(shutil.which("chattr") is None, reason="chattr makes the OS refuse a replace")
def test_a_locked_view_stops_before_the_ledger_changes(out):
    from tests.sceval.state.round_helpers import digests
    from tests.sceval.state.test_locked_outputs import immutable

    summary = next(out.glob("汇总_*.xlsx"))
    first_sha = next(sha for sha in _shas(out) if sha != city_entry(out, CITY.code)["sha256"])
    before = digests(out)
    with immutable(summary):
        used = _ledger("use", first_sha[:12], "--why", "以首次报送为准", "--out", str(out))
    assert used.exit_code == 2
    assert str(summary) in used.output.replace("\n", "") and "无法替换" in used.output
    assert digests(out) == before  # the ledger too: nothing changed
    assert verify_folder(out).ok


def _shas(out) -> list[str]:
    from sceval.ledger.ledger import Ledger

    with Ledger(out / "ledger.sqlite") as ledger:
        shas = [s.sha256 for s in ledger.history(CITY.code)]
    assert len(shas) == 2
    return shas


def test_an_invalidation_made_by_mistake_is_undone_by_use(out):
    """The 湖南 trial: the corrected return was invalidated by mistake, and `ledger use` refused to
    bring it back ("已作废，不能指定为计入的报送") although its help calls use invalidate's mirror."""
    corrected = city_entry(out, CITY.code)
    assert _ledger("invalidate", corrected["sha256"][:12], "--why", "误操作", "--out", str(out)).exit_code == 0
    assert city_entry(out, CITY.code)["sha256"] != corrected["sha256"]
    restored = _ledger("use", corrected["sha256"][:12], "--why", "作废有误，恢复更正版", "--out", str(out))
    assert restored.exit_code == 0, restored.output
    assert "已撤销作废" in restored.output
    now = city_entry(out, CITY.code)
    assert (now["sha256"], now["total"], now["status"]) == (corrected["sha256"], corrected["total"], corrected["status"])
    [note] = [i["message"] for i in now["issues"] if i["code"] == "SUBMISSION_USED"]
    assert "撤销作废（原作废原因：误操作）：作废有误，恢复更正版" in note
    _assert_one_state(out)
