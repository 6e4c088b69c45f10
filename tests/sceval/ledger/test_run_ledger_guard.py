"""The ledger opened safely, in-process: a bounded wait for another program's lock, a damaged file
moved aside (never deleted) and rebuilt from the last results.json, one lock per output folder."""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from sceval.ledger import guard as ledger_guard
from sceval.ledger.ledger import Ledger
from sceval.ledger.guard import LedgerProblem, open_ledger
from sceval.state.outputs import NoSpace, ensure_space
from sceval.ledger.run_lock import RunBusy, RunFolder, remove_stale
from tests.platform_marks import posix_only

SHA = {name: name * 64 for name in "abcd"}


def _results(path: Path) -> Path:
    city = {"code": "330100", "name": "杭州市", "status": "corrected", "sha256": SHA["b"], "total": 81.5}
    files = [{"path": "v1.xlsx", "sha256": SHA["a"], "size": 10, "received_at": "2016-12-01T00:00:00+00:00",
              "status": "superseded", "city": "330100", "issues": []},
             {"path": "v2.xlsx", "sha256": SHA["b"], "size": 11, "received_at": "2016-12-02T00:00:00+00:00",
              "status": "counted", "city": "330100", "issues": []},
             {"path": "坏.xls", "sha256": SHA["c"], "size": 12, "received_at": "2016-12-03T00:00:00+00:00",
              "status": "rejected", "city": "330200", "issues": [{"code": "FILE_LEGACY_XLS", "severity": "error"}]},
             {"path": "v2 副本.xlsx", "sha256": SHA["b"], "size": 11, "received_at": "2016-12-02T00:00:00+00:00",
              "status": "duplicate", "city": None, "issues": []}]
    path.write_text(json.dumps({"generated_at": "2016-12-20T08:00:00+00:00", "files": files, "cities": [city]},
                               ensure_ascii=False), encoding="utf-8")
    return path


def test_a_damaged_ledger_is_kept_aside_and_rebuilt_with_what_could_be_recovered(tmp_path):
    ledger_path = tmp_path / "ledger.sqlite"
    ledger_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # a header, then garbage
    notes = []
    with open_ledger(ledger_path, _results(tmp_path / "results.json"), notes) as ledger:
        counting = ledger.counting()
        assert list(counting) == ["330100"] and counting["330100"].sha256 == SHA["b"]
        assert counting["330100"].results["total"] == 81.5  # the counted city's scores came back
        assert len(ledger.submissions()) == 3  # the duplicate row is the same file: not recorded twice
        assert ledger.superseded()[0].sha256 == SHA["a"]
    aside = list(tmp_path.glob("ledger.sqlite.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"SQLite format 3\x00\xff")
    assert [n.code for n in notes] == ["LEDGER_REBUILT"]
    assert "恢复 3 份" in notes[0].message and "其中 1 个城市" in notes[0].message and aside[0].name in notes[0].message


def test_without_earlier_results_the_rebuilt_ledger_says_nothing_could_be_recovered(tmp_path):
    (tmp_path / "ledger.sqlite").write_bytes(b"not a database at all" * 100)
    notes = []
    open_ledger(tmp_path / "ledger.sqlite", tmp_path / "results.json", notes).close()
    assert "无法恢复" in notes[0].message and "重新回收" in notes[0].message


def test_a_ledger_locked_elsewhere_is_waited_for_a_bounded_time(tmp_path, monkeypatch):
    monkeypatch.setattr(ledger_guard, "BUSY_SECONDS", 1)
    Ledger(tmp_path / "ledger.sqlite").close()
    holder = sqlite3.connect(tmp_path / "ledger.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    started = time.monotonic()
    try:
        with pytest.raises(LedgerProblem) as stopped:
            open_ledger(tmp_path / "ledger.sqlite")
    finally:
        holder.close()
    assert stopped.value.code == "LEDGER_BUSY" and "被另一个程序占用" in str(stopped.value)
    assert time.monotonic() - started < 5
    assert not list(tmp_path.glob("*.damaged-*"))  # a busy ledger is not a damaged one


@posix_only  # /proc
def test_a_ledger_that_cannot_be_created_says_use_another_place(tmp_path):
    with pytest.raises(LedgerProblem) as stopped:
        open_ledger(Path("/proc/sceval-no-such/ledger.sqlite"))
    assert stopped.value.code == "LEDGER_READONLY" and "--ledger" in str(stopped.value)


def test_one_run_per_output_folder_and_stale_files_only_under_the_lock(tmp_path):
    (tmp_path / ".work" / "dead-run").mkdir(parents=True)
    (tmp_path / ".tmp-sceval-x.xlsx").write_bytes(b"")
    (tmp_path / ".tmp-notours").write_bytes(b"")  # not sceval's naming: kept
    with RunFolder(tmp_path) as first:
        assert first.removed == 2 and first.work_dir.is_dir() and not (tmp_path / ".work" / "dead-run").exists()
        (tmp_path / ".tmp-sceval-live.json").write_bytes(b"")  # a live run's temporary file
        with pytest.raises(RunBusy) as busy:
            RunFolder(tmp_path).__enter__()
        assert first.run_id in str(busy.value) and "另一个回收任务正在使用该输出目录" in str(busy.value)
        assert (tmp_path / ".tmp-sceval-live.json").exists() and first.work_dir.is_dir()
    assert not (tmp_path / ".work").exists() and (tmp_path / ".tmp-notours").exists()
    assert remove_stale(tmp_path) == 1  # the live run's file, once no run holds the folder


def test_too_little_free_space_is_refused_before_writing(tmp_path):
    import shutil

    with pytest.raises(NoSpace) as refused:
        ensure_space(tmp_path, shutil.disk_usage(tmp_path).free + 1024 ** 3)
    assert "空间不足" in str(refused.value) and "上次的结果保持不变" in str(refused.value)
    ensure_space(tmp_path, 1024)
