"""One base exception (issue 19 item 4): every stop sceval says to a person is a ScevalError with
its exit code, and the app says it once — a command without a handler of its own still exits with
the Chinese message and no traceback."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.errors import ScevalError
from sceval.intake.central import CentralUnusable
from sceval.intake.mailbox.imap.connect import ImapFailure
from sceval.cli.common import CommandStop
from sceval.ledger.guard import LedgerProblem
from sceval.ledger.ledger import CannotCount, NoSuchSubmission
from sceval.ledger.run_lock import NoSpace, RunBusy, RunStopped
from sceval.previous.editions import MappingError
from sceval.previous.load import PreviousError
from sceval.reports.summary.sources import ResultsRefused
from sceval.review.adjustments import AdjustmentProblem
from sceval.review.rescore import RescoreProblem, RescoreRefused
from sceval.state.commit import OutputsLocked
from sceval.state.current import StaleOutputs

STOPS = (RunStopped, NoSpace, RunBusy, LedgerProblem, OutputsLocked, StaleOutputs, RescoreRefused, RescoreProblem,
         AdjustmentProblem, PreviousError, MappingError, CentralUnusable, ImapFailure, ResultsRefused, CommandStop)
NOTHING_CHANGED = (NoSuchSubmission, CannotCount)  # `sceval ledger invalidate/use`: exit 1, nothing changed


@pytest.mark.parametrize("stop", STOPS, ids=lambda cls: cls.__name__)
def test_every_stop_is_a_sceval_error_with_an_exit_code(stop):
    assert issubclass(stop, ScevalError)
    assert stop.exit_code == 2


@pytest.mark.parametrize("stop", NOTHING_CHANGED, ids=lambda cls: cls.__name__)
def test_a_ledger_choice_that_fits_nothing_is_a_sceval_error_with_exit_1(stop):
    assert issubclass(stop, ScevalError) and stop.exit_code == 1


def test_ledger_invalidate_of_an_unknown_sha_exits_1_said_once(tmp_path):
    from sceval.ledger.ledger import Ledger

    Ledger(tmp_path / "ledger.sqlite").close()
    done = CliRunner().invoke(app, ["ledger", "invalidate", "abc123", "--why", "测试", "--out", str(tmp_path)])
    assert done.exit_code == 1 and isinstance(done.exception, SystemExit), done.output
    assert done.output.count("没有 SHA-256 以“abc123”开头的报送") == 1


def test_verify_of_a_folder_without_results_exits_2_with_the_chinese_message_said_once(tmp_path):
    done = CliRunner().invoke(app, ["verify", "--out", str(tmp_path)])
    assert done.exit_code == 2
    assert "没有 results.json" in done.output
    assert done.output.count("没有 results.json") == 1 and "Traceback" not in done.output


def test_rescore_of_a_folder_without_results_exits_2_through_the_same_handler(tmp_path):
    done = CliRunner().invoke(app, ["rescore", str(tmp_path), "--out", str(tmp_path / "新")])
    assert done.exit_code == 2
    assert "没有 results.json" in done.output and "Traceback" not in done.output
    assert not (tmp_path / "新" / "results.json").exists()


def test_one_loader_says_a_broken_roster_the_same_way_in_every_command(tmp_path):
    """render, cases template and ingest load --roster through cli.common.load_file_or_exit."""
    broken = tmp_path / "名单.csv"
    broken.write_text("这不是名单\n", encoding="utf-8")
    (tmp_path / "回收").mkdir()
    runs = {
        "render": ["render", "--roster", str(broken), "--out", str(tmp_path / "模板")],
        "cases": ["cases", "template", "--roster", str(broken), "--out", str(tmp_path / "案例")],
        "ingest": ["ingest", str(tmp_path / "回收"), "--roster", str(broken), "--out", str(tmp_path / "结果")],
    }
    said = {name: CliRunner().invoke(app, args) for name, args in runs.items()}
    assert said
    for name, done in said.items():
        assert done.exit_code == 2, (name, done.output)
        assert "Traceback" not in done.output and isinstance(done.exception, SystemExit), (name, done.exception)
        assert "城市名单" in done.output and done.output.count("名单.csv") == 1, (name, done.output)
    assert not (tmp_path / "模板").exists() or not any((tmp_path / "模板").iterdir())
