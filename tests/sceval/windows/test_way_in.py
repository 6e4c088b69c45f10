"""The Windows way in: `python -m sceval` (no Scripts\\ on PATH needed), CSV line ends as written."""
from __future__ import annotations

import subprocess
import sys


def test_python_dash_m_sceval_shows_help():
    done = subprocess.run([sys.executable, "-m", "sceval", "--help"], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    text = done.stdout.decode("utf-8")
    assert "用法：sceval" in text and "ingest" in text


def test_python_dash_m_sceval_runs_a_command(tmp_path):
    target = tmp_path / "名单.csv"
    done = subprocess.run([sys.executable, "-m", "sceval", "roster", "make", "330000", "--out", str(target)],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    data = target.read_bytes()
    assert data.startswith("\ufeff代码,名称,类型".encode("utf-8"))
    assert b"\r\r\n" not in data  # text mode on Windows once doubled the CR of the CSV's line ends
    lines = data.split(b"\r\n")
    assert len(lines) == 13 and lines[-1] == b""  # header + 11 cities of 浙江, each ended by CRLF
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
