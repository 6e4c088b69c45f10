"""`sceval ingest --previous`: previous and change per city, year-on-year warnings on real returns."""
from __future__ import annotations

from decimal import Decimal

from typer.testing import CliRunner

from sceval.cli.app import app
from tests.sceval.ingest_helpers import render
from tests.sceval.previous.two_rounds import CATALOG, HANGZHOU, WENZHOU, RATIO, ROSTER


def _city(results: dict, code: str) -> dict:
    return next(c for c in results["cities"] if c["code"] == code)


def test_previous_and_change_per_city(rounds):
    first, second, _run = rounds
    before, now = _city(first, HANGZHOU.code), _city(second, HANGZHOU.code)
    assert now["previous"]["total"] == before["total"] and now["previous"]["rank"] == before["rank"]
    assert now["previous"]["status"] == "submitted"
    assert now["previous"]["round"].startswith("浙江省")
    assert set(now["previous"]["scores"]) == {f.code for f in CATALOG.indicators}
    assert now["previous"]["scores"]["L1"] == before["scores"]["L1"]
    exact = Decimal(str(now["total"])) - Decimal(str(before["total"]))
    assert now["change"] == float(exact) and now["change"] < 0
    assert _city(second, WENZHOU.code)["change"] == 0.0
    missing = _city(second, ROSTER.cities[1].code)
    assert missing["previous"]["status"] == "missing" and missing["change"] is None


def test_tenfold_jump_sign_change_and_emptied_are_warned_with_both_values(rounds):
    _first, second, run = rounds
    found = {i["code"]: i for i in _city(second, HANGZHOU.code)["issues"] if i["code"].startswith("YOY_")}
    assert set(found) == {"YOY_JUMP", "YOY_SIGN", "YOY_EMPTIED"}
    jump = found["YOY_JUMP"]
    assert jump["severity"] == "warning" and jump["indicator"] == "L1P1-A1"
    assert "为 1500" in jump["message"] and "为 100" in jump["message"]
    assert "本轮（浙江省" in jump["message"] and "上一轮（浙江省" in jump["message"]
    assert RATIO.input("numerator").label in jump["message"] and "超过 10 倍" in jump["message"]
    assert "-1.7" in found["YOY_SIGN"]["message"] and "为 空" in found["YOY_EMPTIED"]["message"]
    assert jump["sheet"] == "基础指标" and jump["cell"]
    assert not [i for i in _city(second, WENZHOU.code)["issues"] if i["code"].startswith("YOY_")]
    counted = run.counted[HANGZHOU.code]
    assert {"YOY_JUMP", "YOY_SIGN", "YOY_EMPTIED"} <= {i.code for i in counted.issues}  # → feedback


def test_jump_cell_is_the_numerator_cell(rounds, tmp_path):
    _first, second, _run = rounds
    jump = next(i for i in _city(second, HANGZHOU.code)["issues"] if i["code"] == "YOY_JUMP")
    import openpyxl

    book = openpyxl.load_workbook(render(CATALOG, HANGZHOU, ROSTER, tmp_path))
    (_sheet, where), = book.defined_names[RATIO.input("numerator").name].destinations
    assert where.replace("$", "") == jump["cell"]


def test_cli_previous_and_bad_previous_file(rounds, tmp_path):
    bad = tmp_path / "results.json"
    bad.write_text("[]", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--out", str(tmp_path / "o"),
                                      "--previous", str(bad)])
    assert result.exit_code == 2 and "上一轮结果文件" in result.output


def test_rescoring_refreshes_the_change_against_the_previous_round():
    from sceval.previous.compare import refresh_changes

    results = {"cities": [{"total": 80.1, "previous": {"total": 70.05}, "change": 0.0},
                          {"total": None, "previous": {"total": 60}, "change": 1.0},
                          {"total": 50, "previous": None, "change": None}]}
    refresh_changes(results)
    assert [c["change"] for c in results["cities"]] == [10.05, None, None]
