"""The ledger: once per file, the right submission counts, invalidation, crash consistency, CLI."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.ledger.ledger import Ledger, Submission, duplicate_issue, iso_time, ledger_issues
from tests.platform_marks import posix_only

HANGZHOU, NINGBO = "330100", "330200"


def make(sha: str, city: str | None = HANGZHOU, day: int = 1, accepted: bool = True, **extra) -> Submission:
    results = {"code": city, "name": "杭州市", "total": Decimal("12.35")} if accepted else None
    return Submission(sha256=sha * 64 if len(sha) == 1 else sha, size=1000 + day, path=f"/收件箱/{sha}.xlsx",
                      received_at=f"2016-12-{day:02d}T09:00:00+08:00", city_code=city,
                      status="accepted" if accepted else "rejected", results=results,
                      issues=[] if accepted else [{"code": "ID_UNIDENTIFIED", "severity": "error"}],
                      errors=0 if accepted else 1, **extra)


@pytest.fixture
def ledger(tmp_path):
    with Ledger(tmp_path / "out" / "ledger.sqlite") as opened:
        yield opened


def test_same_file_twice_is_recorded_once(ledger):
    assert ledger.record(make("a")) is True
    assert ledger.record(make("a", day=5)) is False
    assert [(sub.sha256[0], sub.received_at[:10]) for sub in ledger.submissions()] == [("a", "2016-12-01")]
    existing = ledger.get("a" * 64)
    assert duplicate_issue("/收件箱/副本.xlsx", existing).code == "FILE_DUPLICATE"


def test_round_trip_keeps_every_field_and_exact_decimals(ledger):
    sub = make("a")
    sub.results["fraction"] = Decimal("0.4115")
    ledger.record(sub)
    back = ledger.get("a" * 64)
    assert back.results == {"code": HANGZHOU, "name": "杭州市", "total": Decimal("12.35"),
                            "fraction": Decimal("0.4115")}
    assert (back.size, back.path, back.city_code, back.status) == (1001, "/收件箱/a.xlsx", HANGZHOU, "accepted")
    assert back.received_at == "2016-12-01T01:00:00.000000+00:00"  # normalised to UTC


def test_newest_accepted_counts_and_older_is_superseded(ledger):
    for sub in (make("b", day=3), make("a", day=1), make("n", city=NINGBO, day=2)):
        ledger.record(sub)
    counting = ledger.counting()
    assert {city: sub.sha256[0] for city, sub in counting.items()} == {HANGZHOU: "b", NINGBO: "n"}
    assert [sub.sha256[0] for sub in ledger.superseded()] == ["a"]
    assert [sub.sha256[0] for sub in ledger.history(HANGZHOU)] == ["a", "b"]
    issues = ledger_issues(ledger)
    assert {sha: [item.code for item in found] for sha, found in issues.items()} == {
        "a" * 64: ["SUBMISSION_SUPERSEDED"]}
    assert "b.xlsx" in issues["a" * 64][0].message


def test_equal_received_at_falls_back_to_insertion_order(ledger):
    ledger.record(make("a", day=1))
    ledger.record(make("b", day=1))
    assert ledger.counting_sha256()[HANGZHOU] == "b" * 64


def test_rejected_newer_never_displaces_valid_older(ledger):
    ledger.record(make("a", day=1))
    ledger.record(make("r", day=9, accepted=False))
    assert ledger.counting()[HANGZHOU].sha256 == "a" * 64
    issues = ledger_issues(ledger)
    assert [item.code for item in issues["a" * 64]] == ["SUBMISSION_NEWER_INVALID"]
    assert "r.xlsx" in issues["a" * 64][0].message and "r" * 64 not in issues


def test_invalidate_by_prefix_lets_the_previous_valid_one_count(ledger):
    for sub in (make("a", day=1), make("b", day=2), make("r", day=3, accepted=False)):
        ledger.record(sub)
    done = ledger.invalidate("bbbb", "城市来函：数据填错")
    assert done.invalidated and done.invalidated_why == "城市来函：数据填错" and done.invalidated_at
    assert ledger.counting()[HANGZHOU].sha256 == "a" * 64
    assert ledger.invalidated() == {"b" * 64}
    codes = {sha[0]: [item.code for item in found] for sha, found in ledger_issues(ledger).items()}
    assert codes == {"b": ["SUBMISSION_INVALIDATED"], "a": ["SUBMISSION_NEWER_INVALID"]}
    assert ledger.invalidate("b" * 64, "再次").invalidated_why == "城市来函：数据填错"  # unchanged


def test_invalidate_needs_a_unique_prefix(ledger):
    ledger.record(make("ab" + "0" * 62))
    ledger.record(make("ac" + "0" * 62, day=2))
    with pytest.raises(LookupError, match="多个"):
        ledger.invalidate("a", "x")
    with pytest.raises(LookupError, match="没有"):
        ledger.invalidate("ff", "x")
    with pytest.raises(LookupError, match="没有"):
        ledger.invalidate("a_", "x")  # no SQL wildcards


def test_record_accepts_ingest_outcome_dicts(ledger):
    gbk_path = os.fsdecode(b"/in/\xb3\xc9\xb6\xbc.xlsx")  # lone surrogates in a str
    outcome = {"sha256": "c" * 64, "size": 5, "path": gbk_path,
               "received_at": None, "city": HANGZHOU, "results": {"total": 1, "file": gbk_path},
               "issues": [{"code": "VAL_MISSING", "severity": "error", "file": gbk_path},
                          {"code": "PARSE_WAN", "severity": "info"}]}
    assert ledger.record(outcome) is True
    back = ledger.get("c" * 64)
    assert (back.status, back.errors, back.warnings, back.infos) == ("accepted", 1, 0, 1)
    assert back.path == outcome["path"] and back.file_name == "成都.xlsx"
    assert back.issues[0]["file"] == back.results["file"] == gbk_path
    assert ledger.record({**outcome, "sha256": "d" * 64, "results": None}) is True
    assert ledger.get("d" * 64).status == "rejected"
    assert ledger.record({**outcome, "sha256": "", "received_at": ""}) is False  # unreadable: no key
    assert len(ledger.submissions()) == 2


def test_rerun_changes_nothing(tmp_path):
    path = tmp_path / "ledger.sqlite"
    batch = [make("a", day=1), make("b", day=2), make("n", city=NINGBO), make("r", day=4, accepted=False)]
    with Ledger(path) as first:
        assert [first.record(sub) for sub in batch] == [True] * 4
        before = [sub.as_dict() for sub in first.submissions()]
    with Ledger(path) as again:
        assert [again.record(sub) for sub in batch] == [False] * 4
        assert [sub.as_dict() for sub in again.submissions()] == before


KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {tests!r})
    from test_ledger import make
    from sceval.ledger.ledger import Ledger
    ledger = Ledger({path!r})
    for sha in "abc":
        ledger.record(make(sha, day="abc".index(sha) + 1))
    ledger._db.execute("BEGIN IMMEDIATE")  # the 4th record is half written when the kill comes
    ledger._db.execute("INSERT INTO submissions (sha256, size, path, received_at, status, errors,"
                       " warnings, infos, issues, recorded_at) VALUES ('d', 1, x'00', 'x', 'accepted',"
                       " 0, 0, 0, '[]', 'x')")
    os.kill(os.getpid(), signal.SIGKILL)
""")


@posix_only  # SIGKILL
@posix_only  # SIGKILL
def test_a_run_killed_midway_leaves_whole_records_and_the_next_run_completes(tmp_path):
    path = tmp_path / "ledger.sqlite"
    script = KILLER.format(tests=str(Path(__file__).parent), path=str(path))
    killed = subprocess.run([sys.executable, "-c", script], timeout=60, capture_output=True)
    assert killed.returncode == -9, killed.stderr
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()
    batch = [make(sha, day=day) for day, sha in enumerate("abcdef", start=1)]
    with Ledger(path) as resumed:
        assert [sub.sha256[0] for sub in resumed.submissions()] == ["a", "b", "c"]
        assert [resumed.record(sub) for sub in batch] == [False] * 3 + [True] * 3
        assert resumed.counting()[HANGZHOU].sha256 == "f" * 64


def test_a_failure_inside_a_record_rolls_back(ledger):
    bad = make("a")
    bad.status = "lost"
    with pytest.raises(ValueError):
        ledger.record(bad)
    bad.status, bad.results = "accepted", {"unserialisable": object()}
    with pytest.raises(TypeError):
        ledger.record(bad)
    assert ledger.submissions() == [] and ledger.record(make("a")) is True


def test_iso_time_accepts_the_usual_forms():
    assert iso_time("2016-12-01T09:00:00+08:00") == iso_time(1480554000) == "2016-12-01T01:00:00.000000+00:00"
    assert iso_time("2016-12-01T01:00:00Z") == "2016-12-01T01:00:00.000000+00:00"


def test_cli_lists_and_invalidates(tmp_path):
    out = tmp_path / "out"
    with Ledger(out / "ledger.sqlite") as opened:
        for sub in (make("a", day=1), make("b", day=2)):
            opened.record(sub)
    runner = CliRunner()
    listed = runner.invoke(app, ["ledger", "--out", str(out)], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "报送台账" in listed.output and "有效（已被替代）" in listed.output and "b.xlsx" in listed.output
    # received 09:00 Beijing time, whatever the machine's zone (the 湖南 trial read 01:00 beside a
    # 判定依据 of 09:00 for the same mail)
    assert "收到时间（北京时间）" in listed.output and "2016-12-02 09:00" in listed.output
    done = runner.invoke(app, ["ledger", "invalidate", "bbbbbb", "--why", "填错", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "已作废：b.xlsx" in done.output and "现计入：a.xlsx" in done.output
    with Ledger(out / "ledger.sqlite") as reopened:
        assert reopened.counting()[HANGZHOU].sha256 == "a" * 64
    missing = runner.invoke(app, ["ledger", "--ledger", str(tmp_path / "无.sqlite")])
    assert missing.exit_code == 1 and not (tmp_path / "无.sqlite").exists()
    unknown = runner.invoke(app, ["ledger", "invalidate", "ff", "--why", "x", "--out", str(out)])
    assert unknown.exit_code == 1
