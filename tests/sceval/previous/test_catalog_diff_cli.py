"""`sceval catalog diff A B [--mapping M]`: the table and a starter mapping that loads."""
from __future__ import annotations

from typer.testing import CliRunner

from sctemplates.catalog import default_catalog_path
from sceval.cli.app import app
from sceval.previous.editions import load_mapping
from tests.sceval.previous.revised_edition import EDITION, write_revised


def test_diff_prints_the_table_and_writes_a_mapping(tmp_path):
    revised, _catalog = write_revised(tmp_path)
    mapping = tmp_path / "对照.yaml"
    result = CliRunner().invoke(app, ["catalog", "diff", str(default_catalog_path()), str(revised),
                                      "--mapping", str(mapping)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "指标目录版本差异" in result.output and "L1P1-A4" in result.output
    assert "删除" in result.output and "L1P2-A3" in result.output
    loaded = load_mapping(mapping)
    assert loaded.target == EDITION and loaded.code_map["L1P1-A1"] == "L1P1-A4"
    assert loaded.input_map["SC_L1P2_A3_NUM"] is None


def test_same_catalog_says_nothing_changed():
    path = str(default_catalog_path())
    result = CliRunner().invoke(app, ["catalog", "diff", path, path])
    assert result.exit_code == 0 and "完全相同" in result.output
