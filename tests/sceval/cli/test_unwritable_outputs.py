"""Issue 21, item 15: an output place that cannot be written is exit 2 with a Chinese message
naming it, never a traceback. (Tests run as root, whom permissions do not stop: the place is a
path under a regular file, which fails the same way — an OSError when writing.)"""
from __future__ import annotations

import json

from typer.testing import CliRunner

from sceval.cli.app import app
from tests.sceval.cases.factory import good_case
from tests.sceval.reports.report.fixtures import province_results


def _blocked(tmp_path):
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x", encoding="utf-8")
    return blocker / "输出"


def _assert_refused(result, place: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "无法写入" in result.output and place in result.output


def test_cases_check_into_an_unwritable_folder(tmp_path):
    case = good_case().save(tmp_path / "in" / "330100_杭州市.docx")
    result = CliRunner().invoke(app, ["cases", "check", str(case), "--out", str(_blocked(tmp_path))])
    _assert_refused(result, "不是文件夹")


def test_report_into_an_unwritable_place(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(province_results(), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(results), "--out", str(_blocked(tmp_path) / "报告.docx")])
    _assert_refused(result, "不是文件夹")


def _one_city_round(tmp_path):
    """(the city, its results folder with a ledger): one valid return ingested."""
    from sceval.ingest.batch import IngestOptions, ingest
    from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

    catalog, roster = base_catalog(), zhejiang()
    city = roster.cities[0]
    fill(render(catalog, city, roster, tmp_path / "t"), tmp_path / "in" / "hz.xlsx", valid_values(catalog))
    out = tmp_path / "out"
    ingest([tmp_path / "in"], out, IngestOptions(catalog=catalog, roster=roster, jobs=1, ledger_path=out / "ledger.sqlite",
                                                 draws=0))
    return city, out


def test_adjust_with_a_ledger_that_cannot_be_written(tmp_path):
    city, out = _one_city_round(tmp_path)
    ledger = _blocked(tmp_path) / "ledger.sqlite"
    result = CliRunner().invoke(app, ["adjust", city.code, "SC_L1P1_A1_NUM", "150", "--why", "电话核实",
                                      "--out", str(out), "--ledger", str(ledger)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and ("无法写入" in result.output or "台账" in result.output)


def test_adjust_with_a_damaged_ledger_says_damaged_and_how_to_rebuild(tmp_path):
    """A 湖南 trial: a ledger.sqlite overwritten with garbage was reported as read-only."""
    city, out = _one_city_round(tmp_path)
    (out / "ledger.sqlite").write_bytes(b"not a database " * 400)
    before = (out / "results.json").read_bytes()
    result = CliRunner().invoke(app, ["adjust", city.code, "SC_L1P1_A1_NUM", "150", "--why", "电话核实", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "台账已损坏" in result.output and "sceval ingest" in result.output and "只读" not in result.output
    assert (out / "results.json").read_bytes() == before
