"""The demo round's mailbox on a real IMAP server: `sceval ingest --imap` scores it exactly as the
demo's mbox, names each row by folder and UID, and a second run fetches only the new message."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.demo.round import DEMO_INPUTS, INPUTS_DIR, run_demo
from sceval.intake.mailbox.imap.connect import PASSWORD_VARIABLE
from sceval.intake.mailbox.read import mbox_messages
from tests.sceval.mail.imap_server import PASSWORD, USER, append_all, flags_of, imap_server

FOLDER = "城市报送"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo round, and its mbox ingested by the same command (the demo's own results.json
    carries a review adjustment made after ingest)."""
    folder = tmp_path_factory.mktemp("imap_demo")
    run = run_demo(folder / "out", jobs=1)
    [mbox] = [path for path in run.returns if path.suffix == ".mbox"]
    from_mbox = _ingest(["ingest", str(mbox)], run, folder / "from_mbox")
    assert from_mbox.exit_code == 0, from_mbox.output
    return run, mbox, json.loads((folder / "from_mbox" / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with imap_server(tmp_path_factory.mktemp("pymap") / "pymap.log") as port:
        yield port


def _from_server(port: int) -> list[str]:
    return ["ingest", "--imap", f"127.0.0.1:{port}", "--imap-user", USER, "--folder", FOLDER]


def _ingest(source: list[str], run, out):
    arguments = [*source, "--roster", str(INPUTS_DIR / DEMO_INPUTS["roster"]), "--optional", str(INPUTS_DIR / DEMO_INPUTS["optional"]),
                 "--central", str(run.central), "--out", str(out), "--jobs", "1", "--draws", "0"]
    return CliRunner().invoke(app, arguments, env={PASSWORD_VARIABLE: PASSWORD})


def _scores(results: dict) -> dict:
    return {city["code"]: (city["status"], city["total"], city["optional_total"]) for city in results["cities"]}


def test_ingest_from_the_mailbox_scores_as_the_mbox_and_changes_no_flag(demo, server, tmp_path):
    run, mbox, expected = demo
    messages = list(mbox_messages(mbox))
    append_all(server, FOLDER, messages)
    before = flags_of(server, FOLDER)

    first = _ingest(_from_server(server), run, tmp_path / "out")
    assert first.exit_code == 0, first.output
    assert f"新收取 {len(messages)} 封" in first.output
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert _scores(results) == _scores(expected)
    statuses = [status for status, _total, _optional in _scores(results).values()]
    assert statuses.count("submitted") >= 5 and "missing" in statuses  # a round, not an empty comparison
    mailed = [row for row in results["files"] if row.get("message")]
    assert len(mailed) == len([row for row in expected["files"] if row.get("message")])
    assert all(row["path"].startswith(f"邮箱 {FOLDER} #{row['message']['imap']['uid']} › 邮件“") for row in mailed)
    assert flags_of(server, FOLDER) == before and not any(b"\\Seen" in f for f in before.values())
    remembered = json.loads((tmp_path / "out" / ".sceval-ingest.json").read_text(encoding="utf-8"))["ingest"]
    at = remembered.index("--folder")  # a repeatable option is remembered as itself, not as a list
    assert remembered[at:at + 2] == ["--folder", FOLDER] and "--imap" in remembered
    assert PASSWORD not in json.dumps(remembered)  # `ledger … --rerun` fetches again, asking for the code again

    append_all(server, FOLDER, [messages[0].replace(b"Message-ID: <", b"Message-ID: <again.")])
    second = _ingest(_from_server(server), run, tmp_path / "out")
    assert second.exit_code == 0, second.output
    assert "新收取 1 封" in second.output
    assert len(list((tmp_path / "out" / "邮箱" / "new").iterdir())) == len(messages) + 1
    assert _scores(json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))) == _scores(expected)
