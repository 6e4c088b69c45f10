"""A GBK console (a Windows pipe, `> 日志.txt`, `| findstr`) gets every line, encoded: "›" and "✓"
are outside GBK and once ended runs in UnicodeEncodeError after their outputs were written
(issue 22 item 4). The real CLI in a real process, stdout a pipe under PYTHONIOENCODING=gbk."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.sceval.ingest_helpers import ROSTER_CSV, base_catalog, fill, render, valid_values, zhejiang
from tests.sceval.mail import messages as m

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU = ROSTER.cities[0]


def _sceval(*args) -> tuple[int, str, str]:
    """Run the CLI; its stdout and stderr must be strict GBK (decoding fails otherwise)."""
    done = subprocess.run([sys.executable, "-m", "sceval", *map(str, args)], capture_output=True, timeout=600,
                          env={**os.environ, "PYTHONIOENCODING": "gbk", "COLUMNS": "200"})
    return done.returncode, done.stdout.decode("gbk"), done.stderr.decode("gbk")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gbk")
    filled = fill(render(CATALOG, HANGZHOU, ROSTER, folder), folder / "杭州.xlsx", valid_values(CATALOG))
    letter = m.message("杭州 <hz@example.invalid>", "杭州市报送", m.when(20), [m.named_part(filled.read_bytes(), "杭州市填报表.xlsx")])
    box = folder / "收件箱.mbox"
    box.write_bytes(m.mbox([m.as_bytes(letter)]))
    out = folder / "out"
    return out, _sceval("ingest", box, "--roster", ROSTER_CSV, "--out", out, "--jobs", "1")


def test_ingest_of_a_mailbox_prints_its_table_in_gbk(ingested):
    _out, (code, stdout, stderr) = ingested
    assert code in (0, 1), stderr
    assert "Traceback" not in stderr and "UnicodeEncodeError" not in stderr
    assert "杭州市报送" in stdout and "> 杭州市填报表.xlsx" in stdout  # the mail separator "›" stood in by ">"


def test_ledger_prints_its_counted_mark_in_gbk(ingested):
    out, _ = ingested
    code, stdout, stderr = _sceval("ledger", "--out", out)
    assert code == 0, stderr
    assert "√" in stdout and "✓" not in stdout  # "✓" (not in GBK) stood in by "√"
    assert "杭州市" in stdout


def test_characters_without_a_stand_in_are_shown_as_code_points(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("代码,名称,类型\n330100,杭州市😀,地级市\n", encoding="utf-8")
    code, stdout, stderr = _sceval("roster", "check", roster)
    assert "Traceback" not in stderr
    assert "<U+1F600>" in stdout + stderr


def test_the_demo_runs_whole_into_a_gbk_pipe(tmp_path):
    code, stdout, stderr = _sceval("demo", "--out", tmp_path / "示例")
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert "评价工作报告" in stdout and "问题反馈表" in stdout  # the last lines made it out
