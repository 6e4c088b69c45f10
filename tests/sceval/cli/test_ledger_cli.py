"""`sceval ledger` opens the ledger through the same guard as ingest: a damaged one is kept aside
and rebuilt (said on the terminal), never a traceback."""
from __future__ import annotations

from typer.testing import CliRunner

from sceval.cli.app import app


def test_a_damaged_ledger_is_kept_aside_and_said(tmp_path):
    (tmp_path / "ledger.sqlite").write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(app, ["ledger", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "已损坏" in result.output and "damaged-" in result.output
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("ledger.sqlite.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == b"this is not a database" * 100


def test_invalidate_on_a_damaged_ledger_finds_nothing_rather_than_crashing(tmp_path):
    (tmp_path / "ledger.sqlite").write_bytes(b"\0" * 4096)
    result = CliRunner().invoke(app, ["ledger", "invalidate", "abc", "--why", "测试", "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a Chinese message and exit 1, never a traceback
    assert "已损坏" in result.output
