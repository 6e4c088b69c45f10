"""The per-file time limit without signals: the pool ends a stuck worker process, for one file and
``-j 1`` too, and blames only the file that hung (issue 22 item 3, issue 21 item 3).

A reader stuck in native code is played by the documented test seam of sceval.ingest.one_file
(HANG_FOR_TESTS): a file whose shown name ends with the variable's value sleeps in the worker.
Everything else is real: rendered and filled returns, real worker processes, a real kill.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from dataclasses import replace

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.ingest.one_file import HANG_FOR_TESTS, FileTask
from sceval.ingest.pool import run_tasks
from tests.platform_marks import posix_only
from tests.sceval.ingest_helpers import base_catalog, filled_returns, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITIES = ROSTER.cities[:3]
RECEIVED = "2016-12-20T08:00:00+00:00"


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> dict[str, object]:
    return filled_returns(CATALOG, CITIES, ROSTER, tmp_path_factory.mktemp("returns"))


def _files(run) -> dict[str, list[str]]:
    return {outcome.path.rsplit("/", 1)[-1]: [found.code for found in outcome.issues] for outcome in run.outcomes}


def _ingest(inputs, out, jobs: int):
    return ingest(inputs, out, IngestOptions(CATALOG, roster=ROSTER, jobs=jobs, received_at=RECEIVED, timeout=2,
                                             workbooks=False, draws=0))


def test_a_hanging_file_with_one_job_is_stopped_and_only_it_is_rejected(returns, tmp_path, monkeypatch):
    hanging = returns[CITIES[1].code]
    monkeypatch.setenv(HANG_FOR_TESTS, hanging.name)
    began = time.monotonic()
    run = _ingest(list(returns.values()), tmp_path / "out", jobs=1)
    assert time.monotonic() - began < 60  # the sleep is an hour: the worker was ended
    codes = _files(run)
    assert codes[hanging.name] == ["FILE_TIMEOUT"]
    statuses = {outcome.path.rsplit("/", 1)[-1]: outcome.status for outcome in run.outcomes}
    assert [statuses[path.name] for path in returns.values()] == ["counted", "rejected", "counted"]
    assert [path.name for path in returns.values() if "FILE_TIMEOUT" in codes[path.name]] == [hanging.name]


def test_a_single_hanging_file_is_stopped(returns, tmp_path, monkeypatch):
    only = returns[CITIES[0].code]
    monkeypatch.setenv(HANG_FOR_TESTS, only.name)
    run = _ingest([only], tmp_path / "out", jobs=1)
    assert _files(run) == {only.name: ["FILE_TIMEOUT"]}
    assert "超过 2 秒" in run.outcomes[0].issues[0].message


def test_the_files_in_flight_beside_a_hanging_one_are_read_again_not_rejected(returns, monkeypatch):
    source = returns[CITIES[0].code]
    task = FileTask(str(source), "", "", source.stat().st_size, RECEIVED, CATALOG, roster=ROSTER, timeout=2)
    tasks = [replace(task, display=f"副本{number:02d}.xlsx") for number in range(20)]  # chunks of 2 per worker
    monkeypatch.setenv(HANG_FOR_TESTS, "副本05.xlsx")
    outcomes = run_tasks(tasks, jobs=2, expected=len(tasks))
    assert [outcome.path for outcome in outcomes] == [task.display for task in tasks]  # in the order given
    rejected = [outcome.path for outcome in outcomes if outcome.status != "accepted"]
    assert rejected == ["副本05.xlsx"]
    assert [found.code for found in outcomes[5].issues] == ["FILE_TIMEOUT"]


@posix_only  # SIGKILL from outside, as the kernel's out-of-memory killer would end a worker
def test_a_worker_that_dies_blames_its_file_and_the_rest_go_on(returns, monkeypatch):
    source = returns[CITIES[0].code]
    task = FileTask(str(source), "", "", source.stat().st_size, RECEIVED, CATALOG, roster=ROSTER, timeout=600)
    tasks = [replace(task, display=name) for name in ("卡住.xlsx", "甲.xlsx", "乙.xlsx")]
    monkeypatch.setenv(HANG_FOR_TESTS, "卡住.xlsx")  # the worker is on this file whenever it is killed
    outcomes = []
    running = threading.Thread(target=lambda: outcomes.extend(run_tasks(tasks, jobs=1, expected=3)))
    running.start()
    deadline = time.monotonic() + 60
    while not multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)
    running.join(120)
    assert not running.is_alive()
    assert [(outcome.path, outcome.status) for outcome in outcomes] == [
        ("卡住.xlsx", "rejected"), ("甲.xlsx", "accepted"), ("乙.xlsx", "accepted")]
    assert [found.code for found in outcomes[0].issues] == ["FILE_UNREADABLE"]
    assert "处理进程意外退出" in outcomes[0].issues[0].message
