"""The real `sceval ingest` command, as processes: two runs on one --out, a run killed while
writing and the next one, a damaged or locked or read-only ledger, a full disk, --out inside the
input folder. Each says what is wrong (exit 2) or recovers, and never loses the previous results."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.platform_marks import posix_only
from tests.sceval.ingest_helpers import ROSTER_CSV, base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU, NINGBO = ROSTER.cities[0], ROSTER.cities[1]
pytestmark = posix_only  # SIGKILL, RLIMIT_FSIZE and the venv's bin/sceval
SCEVAL = str(Path(sys.executable).with_name("sceval"))
BUSY_MESSAGE = "另一个回收任务正在使用该输出目录"


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("returns")
    values = valid_values(CATALOG)
    return {city.code: fill(render(CATALOG, city, ROSTER, folder), folder / f"{city.code}_{city.name}.xlsx", values)
            for city in (HANGZHOU, NINGBO)}


def _args(inputs, out: Path, *extra) -> list[str]:
    return [SCEVAL, "ingest", *map(str, inputs), "--out", str(out), "--roster", str(ROSTER_CSV), "--jobs", "1", *extra]


def _sceval(inputs, out: Path, *extra, limit_bytes: int | None = None) -> subprocess.CompletedProcess:
    def limited():
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(_args(inputs, out, *extra), capture_output=True, text=True, timeout=600,
                          preexec_fn=limited if limit_bytes else None)


def _start(inputs, out: Path) -> subprocess.Popen:
    return subprocess.Popen(_args(inputs, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_until(condition, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, f"the run ended first: {process.communicate()}"
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.02)


def _results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _city(results: dict, code: str) -> dict:
    return next(c for c in results["cities"] if c["code"] == code)


def _big_archive(returns: dict[str, Path], path: Path, copies: int = 40) -> Path:
    """A zip that keeps a run busy for seconds: the same return many times over (each is read)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(returns[HANGZHOU.code], f"{HANGZHOU.code}_杭州市.xlsx")
        for number in range(copies):
            archive.write(returns[HANGZHOU.code], f"副本/{number:02d}_杭州市.xlsx")
    return path


def test_two_runs_on_one_out_are_serialised(returns, returns_with_issues, tmp_path):
    out = tmp_path / "out"
    long = _start([_big_archive(returns, tmp_path / "附件.zip"), returns_with_issues], out)
    _wait_until(lambda: any((out / ".work").glob("*/*")), long)  # it holds the lock and has extracted
    short = _sceval([returns[NINGBO.code]], out)
    assert long.poll() is None, "the long run must still be running when the short one ends"
    assert short.returncode == 2 and BUSY_MESSAGE in short.stderr and "Traceback" not in short.stderr
    assert long.wait(timeout=600) == 0, long.communicate()
    results = _results(out)
    assert "missing" not in {c["status"] for c in results["cities"]}  # the long run lost nothing
    assert not [f for f in results["files"] if any(i["code"] == "FILE_NOT_FOUND" for i in f["issues"])]
    assert len(results["files"]) == 41 + len(ROSTER.cities)
    assert _sceval([returns[NINGBO.code]], out).returncode == 0  # once it is done, the next may run
    assert [f["path"] for f in _results(out)["files"]] == [str(returns[NINGBO.code])]
    assert "missing" not in {c["status"] for c in _results(out)["cities"]}  # the ledger kept the rest
    assert not (out / ".work").exists()


@pytest.fixture(scope="module")
def returns_with_issues(tmp_path_factory) -> Path:
    """Every roster city's return with one required input left blank: one feedback workbook each,
    so a run spends seconds writing them."""
    folder = tmp_path_factory.mktemp("with-issues")
    blank = next(item.name for _, _, item in CATALOG.inputs() if item.role == "numerator")
    inbox = folder / "in"
    for city in ROSTER.cities:
        fill(render(CATALOG, city, ROSTER, folder), inbox / f"{city.code}_{city.name}.xlsx",
             valid_values(CATALOG) | {blank: None})
    return inbox


def _writing(out: Path) -> bool:
    # Views are written into a staging folder first, then renamed into place together (sceval.state).
    return any(out.glob(".tmp-sceval-*")) or any(out.glob(".work/views-*/new/反馈/*"))


def test_a_run_killed_while_writing_is_cleaned_up_by_the_next(returns_with_issues, tmp_path):
    out = tmp_path / "out"
    killed = _start([returns_with_issues], out)
    _wait_until(lambda: _writing(out), killed)  # feedback workbooks are being written
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert not (out / "results.json").exists()  # killed before its last step: nothing half-written
    (out / "反馈").mkdir(exist_ok=True)
    stale = [out / ".tmp-sceval-k1ll3d.xlsx", out / "反馈" / ".tmp-sceval-abc.xlsx", out / ".tmp-a1b2c3d4.xlsx",
             out / ".work" / "20161220T000000-1-dead" / "0000" / "杭州.xlsx"]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a workbook")
    keep = out / "反馈" / "说明.txt"  # not sceval's naming: left alone
    keep.write_text("省里的备注", encoding="utf-8")
    again = _sceval([returns_with_issues], out)
    assert again.returncode == 0, again.stderr
    assert not any(path.exists() for path in stale) and keep.is_file()
    assert not list(out.rglob(".tmp-*")) and not (out / ".work").exists()
    results = _results(out)
    assert "RUN_STALE_REMOVED" in [i["code"] for i in results["run_issues"]]
    assert {c["status"] for c in results["cities"]} == {"has_errors"}
    assert len(list((out / "反馈").glob("*_问题反馈.xlsx"))) == len(ROSTER.cities)


def _damage(ledger: Path, how: str) -> None:
    if how == "garbage":
        ledger.write_bytes(os.urandom(8192))
    else:
        data = ledger.read_bytes()
        ledger.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("how", ["garbage", "truncated"])
def test_a_damaged_ledger_is_moved_aside_and_rebuilt_from_the_last_results(returns, tmp_path, how):
    out = tmp_path / "out"
    assert _sceval([returns[HANGZHOU.code]], out).returncode == 0
    before = _city(_results(out), HANGZHOU.code)
    _damage(out / "ledger.sqlite", how)
    damaged_bytes = (out / "ledger.sqlite").read_bytes()
    empty = tmp_path / "nothing-new"
    empty.mkdir()
    run = _sceval([empty], out)
    assert run.returncode == 0, run.stderr
    assert "LEDGER_REBUILT" in run.stderr
    aside = list(out.glob("ledger.sqlite.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged_bytes  # kept as it was
    results = _results(out)
    note = next(i["message"] for i in results["run_issues"] if i["code"] == "LEDGER_REBUILT")
    assert "恢复 1 份" in note and aside[0].name in note
    after = _city(results, HANGZHOU.code)  # counted in the earlier run, known again from results.json
    assert after["status"] == "submitted" and after["total"] == before["total"] and after["sha256"] == before["sha256"]


def test_a_ledger_locked_by_another_program_stops_the_run_with_a_message(returns, tmp_path):
    out = tmp_path / "out"
    assert _sceval([returns[HANGZHOU.code]], out).returncode == 0
    holder = sqlite3.connect(out / "ledger.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # held for longer than sceval waits
    try:
        started = time.monotonic()
        run = _sceval([returns[NINGBO.code]], out)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.returncode == 2 and "被另一个程序占用" in run.stderr and "Traceback" not in run.stderr
    assert waited < 60  # bounded busy wait (10 s), not sqlite's open-ended retries
    assert _city(_results(out), NINGBO.code)["status"] == "missing"  # previous results untouched


@contextlib.contextmanager
def _tmpfs(path: Path, size: str):
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_ledger_on_a_read_only_file_system_stops_the_run_with_a_message(returns, tmp_path):
    with _tmpfs(tmp_path / "ro", "8m") as mounted:
        ledger = mounted / "ledger.sqlite"
        assert _sceval([returns[HANGZHOU.code]], tmp_path / "out", "--ledger", str(ledger)).returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(mounted)], check=True)
        run = _sceval([returns[NINGBO.code]], tmp_path / "out", "--ledger", str(ledger))
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        assert "--ledger" in run.stderr and "可写" in run.stderr


def _outputs(out: Path) -> dict[str, bytes]:
    """results.json and the workbooks of a run, by name."""
    found = [out / "results.json", *out.glob("*.xlsx"), *out.glob("反馈/*.xlsx")]
    return {str(path.relative_to(out)): path.read_bytes() for path in found if path.is_file()}


def test_a_full_disk_stops_the_run_and_keeps_the_previous_results(returns, tmp_path):
    out = tmp_path / "out"
    assert _sceval([returns[HANGZHOU.code]], out).returncode == 0
    previous = _outputs(out)
    assert "results.json" in previous and any(name.startswith("汇总_") for name in previous)
    run = _sceval([returns[HANGZHOU.code], returns[NINGBO.code]], out, limit_bytes=64 * 1024)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert "空间不足" in run.stderr or "磁盘空间已满" in run.stderr
    assert _outputs(out) == previous  # results.json and the workbooks exactly as before
    assert not list(out.rglob(".tmp-*"))  # no temporary file left
    assert _sceval([returns[NINGBO.code]], out).returncode == 0  # with room again, the run goes on


def test_a_small_disk_is_refused_before_writing(returns, tmp_path):
    with _tmpfs(tmp_path / "small", "4m") as mounted:
        out = mounted / "out"
        assert _sceval([returns[HANGZHOU.code]], out).returncode == 0
        previous = (out / "results.json").read_bytes()
        filler = mounted / "filler"
        free = shutil.disk_usage(mounted).free
        filler.write_bytes(bytes(max(free - 96 * 1024, 0)))
        run = _sceval([returns[NINGBO.code]], out)
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        assert "剩余空间" in run.stderr and "约需" in run.stderr  # the estimate, checked before writing
        assert (out / "results.json").read_bytes() == previous


def test_a_work_disk_filling_up_while_extracting_stops_the_run_not_the_archive(returns, tmp_path):
    from tests.sceval.ingest.zip_builders import copies_zip

    archive = copies_zip(tmp_path / "附件.zip", 4, 3 * 1024 * 1024)  # 12 MB inflated, under every bound
    with _tmpfs(tmp_path / "small", "6m") as mounted:
        run = _sceval([archive], mounted / "out")
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        assert "解压压缩包" in run.stderr and "磁盘空间不足" in run.stderr
        assert not (mounted / "out" / "results.json").exists() and not (mounted / "out" / ".work").exists()


def test_a_zip_bomb_is_refused_on_a_small_disk_and_the_good_return_counts(returns, tmp_path):
    from tests.sceval.ingest.zip_builders import copies_zip

    bomb = copies_zip(tmp_path / "附件.zip", 250, 20 * 1024 * 1024)  # 5 GB of zeros
    with _tmpfs(tmp_path / "small", "48m") as mounted:
        run = _sceval([bomb, returns[HANGZHOU.code]], mounted / "out")
        assert run.returncode == 0, run.stderr
        results = _results(mounted / "out")
    rows = {f["path"]: f for f in results["files"]}
    assert [i["code"] for i in rows[str(bomb)]["issues"]] == ["ARCHIVE_TOO_LARGE"]
    assert _city(results, HANGZHOU.code)["status"] == "submitted"


def test_out_inside_the_input_folder_is_warned_and_not_read(returns, tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(returns[HANGZHOU.code], inbox / "杭州.xlsx")
    for _ in range(2):
        run = _sceval([inbox], inbox / "结果")
        assert run.returncode == 0, run.stderr
        assert "RUN_OUT_INSIDE_INPUT" in run.stderr
        assert [Path(f["path"]).name for f in _results(inbox / "结果")["files"]] == ["杭州.xlsx"]
    assert _city(_results(inbox / "结果"), HANGZHOU.code)["status"] == "submitted"  # never "corrected" by its own copy
