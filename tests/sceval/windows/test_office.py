"""LibreOffice found where Windows puts it, a timed-out conversion ended with its whole process tree,
and the converter's memory bounded (issue 22 item 5, issue 21 item 2). Real processes, no mocks:
the stand-in 'soffice' programs are scripts that really run, start children, sleep or allocate."""
from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

from sceval.office import SOFFICE_VARIABLE, WINDOWS_PROGRAM, run_headless, soffice, windows_places

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX stand-in scripts and /proc")


def _script(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_sceval_soffice_names_the_program(tmp_path, monkeypatch):
    program = _script(tmp_path / "my soffice", "")
    monkeypatch.setenv(SOFFICE_VARIABLE, str(program))
    assert soffice() == str(program)
    monkeypatch.setenv(SOFFICE_VARIABLE, str(tmp_path / "missing"))
    assert soffice() is None  # set on purpose to a wrong place: said, not silently replaced by PATH


def test_program_files_folders_are_searched(tmp_path):
    installed = tmp_path / "Program Files" / WINDOWS_PROGRAM
    places = windows_places({"ProgramFiles": str(tmp_path / "Program Files"),
                             "ProgramFiles(x86)": str(tmp_path / "Program Files (x86)")})
    assert installed in places and tmp_path / "Program Files (x86)" / WINDOWS_PROGRAM in places
    assert places[-2:] == [installed, tmp_path / "Program Files (x86)" / WINDOWS_PROGRAM]  # registry first


@posix_only
def test_a_timed_out_conversion_ends_with_every_process_it_started(tmp_path):
    pids = tmp_path / "pids"
    # The launcher starts a long-lived child (as soffice starts soffice.bin) and both sleep.
    program = _script(tmp_path / "soffice", f"""import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
open({str(pids)!r}, "w").write(f"{{os.getpid()}} {{child.pid}}")
time.sleep(600)
""")
    began = time.monotonic()
    assert run_headless([str(program), "--headless"], 2) is False
    assert time.monotonic() - began < 30
    launcher, child = map(int, pids.read_text().split())
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(launcher) and not _alive(child)


@posix_only
def test_the_converter_memory_is_bounded(tmp_path):
    verdict = tmp_path / "verdict"
    program = _script(tmp_path / "soffice", f"""
try:
    hog = bytearray(2 << 30)
    open({str(verdict)!r}, "w").write("allocated")
except MemoryError:
    open({str(verdict)!r}, "w").write("refused")
""")
    assert run_headless([str(program)], 60, memory_mb=512) is True
    assert verdict.read_text() == "refused"
    assert run_headless([str(program)], 60, memory_mb=None) is True
    assert verdict.read_text() == "allocated"  # the bound, not the machine, refused it above


@pytest.mark.libreoffice
@posix_only
def test_real_soffice_given_a_tiny_timeout_is_ended(tmp_path):
    program = soffice()
    if program is None:
        pytest.skip("需要 LibreOffice (soffice)")
    (tmp_path / "a.txt").write_text("你好\n", encoding="utf-8")
    # thousands of pages: a quiet machine converts a one-line text within the second, not this
    (tmp_path / "long.txt").write_text("新型智慧城市评价 " * 12 + "\n" * 1 + ("行\n" * 200_000), encoding="utf-8")
    profile = tmp_path / "profile"
    command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(tmp_path / "a.txt")]
    assert run_headless(command[:-1] + [str(tmp_path / "long.txt")], 1) is False
    time.sleep(1)
    left = [pid for pid in os.listdir("/proc") if pid.isdigit() and _holds(pid, str(profile))]
    assert left == []
    assert run_headless(command, 120) is True and (tmp_path / "out" / "a.pdf").is_file()  # within the bound


def _holds(pid: str, text: str) -> bool:
    try:
        return text.encode() in Path(f"/proc/{pid}/cmdline").read_bytes() and _alive(int(pid))
    except OSError:
        return False


@posix_only
def test_a_case_conversion_through_sceval_soffice_that_hangs_is_a_failure_not_a_hang(tmp_path, monkeypatch):
    from sceval.cases.convert import ConversionFailed, to_docx

    pids = tmp_path / "pid"
    program = _script(tmp_path / "soffice", f"""import os, time
open({str(pids)!r}, "w").write(str(os.getpid()))
time.sleep(600)
""")
    monkeypatch.setenv(SOFFICE_VARIABLE, str(program))
    began = time.monotonic()
    with pytest.raises(ConversionFailed, match="转换超过 2 秒"):
        to_docx(b"{\\rtf1 x}", ".doc", timeout=2)
    assert time.monotonic() - began < 30 and not _alive(int(pids.read_text()))
