"""Review adjustments (issue 16, item 3): recorded in the ledger, applied by the next scoring.

Real returns, a real ingest with workbooks, the adjustment recorded through the library and the
CLI; its effect checked on results.json, the summary's 得分明细 and the city's feedback, across
a re-run of ingest and an undo.
"""
from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.review.adjust_sheet import write_template
from sceval.review.adjustments import AdjustmentProblem, Request
from sceval.state.adjusting import record_adjustments, undo_adjustment
from sceval.ingest.batch import IngestOptions, ingest
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITIES = ROSTER.cities[:3]
ANSWERS = {"SC_L1P1_A1_NUM": 823, "SC_L1P1_A1_DEN": 2000}
NUM = "SC_L1P1_A1_NUM"
BLANK = "SC_L1P1_A2_NUM"  # left empty by the second city: RATIO_PARTIAL, 0 points


def cent(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("returns")
    for index, city in enumerate(CITIES):
        values = valid_values(CATALOG) | ANSWERS
        if index == 1:
            values[BLANK] = None
        template = render(CATALOG, city, ROSTER, folder / "templates")
        fill(template, folder / "in" / f"{city.code}_{city.name}.xlsx", values)
    return folder / "in"


def _ingest(inputs, out):
    options = IngestOptions(catalog=CATALOG, roster=ROSTER, jobs=1, ledger_path=out / "ledger.sqlite", draws=20)
    return ingest([inputs], out, options)


def _results(out) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _city(results: dict, code: str) -> dict:
    return next(c for c in results["cities"] if c["code"] == code)


def _texts(path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def _moved(before: dict, after: dict) -> set[str]:
    return {code for code, value in after["scores"].items() if before["scores"][code] != value}


def test_an_adjustment_changes_exactly_its_scores_survives_ingest_and_undo_restores(inputs, tmp_path):
    out = tmp_path / "out"
    _ingest(inputs, out)
    original = _results(out)
    city = CITIES[0]
    recorded = record_adjustments(out, [Request(city.name, NUM, "1,200", "电话核实，以佐证材料为准", by="省审核组")])
    (made,) = recorded.adjustments
    adjusted = _results(out)
    before, after = _city(original, city.code), _city(adjusted, city.code)
    sub = next(s for s in CATALOG.sub_items() if s.code == "L1P1-A1")
    second = next(s for s in CATALOG.second_levels() if s.code == "L1P1")
    old_sub, new_sub = cent(sub.weight * 823 / 2000), cent(sub.weight * 1200 / 2000)
    assert Decimal(str(after["scores"]["L1P1-A1"])) == new_sub != old_sub
    others = sum(Decimal(str(before["scores"][s.code])) for s in second.sub_items if s is not sub)
    assert Decimal(str(after["scores"]["L1P1"])) == cent(second.weight * (new_sub + others) / 100)
    assert _moved(before, after) == {"L1P1-A1", "L1P1", "L1"}
    assert Decimal(str(after["total"])) - Decimal(str(before["total"])) == (
        Decimal(str(after["scores"]["L1P1"])) - Decimal(str(before["scores"]["L1P1"])))
    for other in CITIES[1:]:
        assert _city(adjusted, other.code)["scores"] == _city(original, other.code)["scores"]
    assert recorded.totals == [(city.name, before["total"], after["total"])]
    assert after["inputs"][NUM] == 823  # the value as read stays
    (shown,) = after["adjustments"]
    assert (shown["input"], shown["original"], shown["adjusted"], shown["why"], shown["by"]) == (
        NUM, 823, 1200, "电话核实，以佐证材料为准", "省审核组") and shown["at"] and shown["id"] == made.id

    rerun = _ingest(inputs, out).results  # the next ingest applies it again
    assert _city(rerun, city.code)["scores"] == after["scores"]
    assert _city(rerun, city.code)["adjustments"][0]["adjusted"] == 1200
    feedback = next((out / "反馈").glob(f"{city.code}_*.xlsx"))
    assert "原填报值 823，调整为 1200；原因：电话核实，以佐证材料为准" in _texts(feedback)
    copy = openpyxl.load_workbook(feedback)
    sheet, coordinate = next(iter(copy.defined_names[NUM].destinations))
    cell = copy[sheet][coordinate.replace("$", "")]
    assert cell.value == 1200 and "审核调整：原填报 823，调整为 1200" in cell.comment.text  # the preview scores it too
    summary = next(out.glob("汇总_*.xlsx"))
    unit = CATALOG.input_by_name()[NUM].unit
    assert f"1200{unit}（审核调整，原填报 823；原因：电话核实，以佐证材料为准）" in _texts(summary)

    undo_adjustment(out, made.id, "核实有误")
    undone = _city(_results(out), city.code)
    assert undone["scores"] == before["scores"] and undone["total"] == before["total"]
    assert "adjustments" not in undone
    assert _city(_ingest(inputs, out).results, city.code)["scores"] == before["scores"]


def test_adjusting_an_unusable_value_clears_its_error_and_undo_brings_it_back(inputs, tmp_path):
    out = tmp_path / "out"
    _ingest(inputs, out)
    city = CITIES[1]
    before = _city(_results(out), city.code)
    assert before["scores"]["L1P1-A2"] == 0 and any(i["code"] == "RATIO_PARTIAL" for i in before["issues"])
    made = record_adjustments(out, [Request(city.code, "L1P1-A2", "150", "补充材料", role="numerator")]).adjustments[0]
    after = _city(_results(out), city.code)
    sub = next(s for s in CATALOG.sub_items() if s.code == "L1P1-A2")
    assert Decimal(str(after["scores"]["L1P1-A2"])) == cent(sub.weight * Decimal(150) / 200)
    assert not any(i["code"] == "RATIO_PARTIAL" for i in after["issues"])
    assert any(i["code"] == "ADJUST_APPLIED" for i in after["issues"])
    assert after["points_at_stake"] < before["points_at_stake"]
    undo_adjustment(out, made.id)
    again = _city(_results(out), city.code)
    assert again["scores"] == before["scores"] and again["points_at_stake"] == before["points_at_stake"]
    assert any(i["code"] == "RATIO_PARTIAL" for i in again["issues"])


def test_values_the_catalog_would_refuse_are_refused_and_nothing_is_recorded(inputs, tmp_path):
    out = tmp_path / "out"
    _ingest(inputs, out)
    before = (out / "results.json").read_bytes()
    for request, words in ((Request("330100", NUM, "-5", "x"), "不应小于"),
                           (Request("330100", NUM, "很多", "x"), "无法作为"),
                           (Request("不存在市", NUM, "5", "x"), "没有城市"),
                           (Request("330100", "L1P1-A1", "5", "x"), "请用角色"),
                           (Request("330100", NUM, "5", ""), "调整原因"),
                           (Request("330100", NUM, "2500", "x"), "大于分母"),
                           (Request("330100", "SC_L1P1_A1_DEN", "0", "x"), "分母")):
        with pytest.raises(AdjustmentProblem, match=words):
            record_adjustments(out, [Request("330100", NUM, "5", "好"), request])
    assert (out / "results.json").read_bytes() == before


def test_cli_batch_form_from_the_template_and_undo(inputs, tmp_path):
    out = tmp_path / "out"
    _ingest(inputs, out)
    runner = CliRunner()
    form = tmp_path / "调整.xlsx"
    assert runner.invoke(app, ["adjust", "template", str(form)]).exit_code == 0
    assert write_template(tmp_path / "again.xlsx").is_file()
    book = openpyxl.load_workbook(form)
    headers = [c.value for c in book.active[1]]
    row = {"城市": "330100", "输入项": NUM, "调整值": 1000, "原因": "电话核实"}
    book.active.append([row.get(h) for h in headers])
    book.save(form)
    result = runner.invoke(app, ["adjust", "--from", str(form), "--out", str(out), "--by", "审核员"])
    assert result.exit_code == 0, result.output
    assert "总分：" in result.output and "→" in result.output
    assert _city(_results(out), "330100")["adjustments"][0]["adjusted"] == 1000
    number = _city(_results(out), "330100")["adjustments"][0]["id"]
    result = runner.invoke(app, ["adjust", "--undo", str(number), "--out", str(out)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["adjust", "--list", "--out", str(out)], env={"COLUMNS": "250"})
    assert listed.exit_code == 0 and "已撤销" in listed.output and f"撤销第 {number} 号" in listed.output
    assert "adjustments" not in _city(_results(out), "330100")
    bad = runner.invoke(app, ["adjust", "--why", "x", "--out", str(out), "--", "330100", NUM, "-1"])
    assert bad.exit_code == 2 and "不应小于" in bad.output


def test_a_newer_return_from_the_city_ends_the_adjustment(inputs, tmp_path):
    import shutil

    folder = tmp_path / "in"
    shutil.copytree(inputs, folder)
    out = tmp_path / "out"
    _ingest(folder, out)
    city = CITIES[0]
    record_adjustments(out, [Request(city.code, NUM, "1200", "电话核实")])
    template = render(CATALOG, city, ROSTER, tmp_path / "templates")
    fill(template, folder / f"{city.code}_{city.name}（更正）.xlsx", valid_values(CATALOG) | ANSWERS | {NUM: 900})
    entry = _city(_ingest(folder, out).results, city.code)
    assert entry["inputs"][NUM] == 900 and "adjustments" not in entry
    sub = next(s for s in CATALOG.sub_items() if s.code == "L1P1-A1")
    assert Decimal(str(entry["scores"]["L1P1-A1"])) == cent(sub.weight * Decimal(900) / 2000)
    (stale,) = [i for i in entry["issues"] if i["code"] == "ADJUST_STALE"]
    assert "城市已报送新的版本" in stale["message"]


def test_adjustments_survive_a_damaged_ledger_rebuilt_from_results(inputs, tmp_path):
    out = tmp_path / "out"
    _ingest(inputs, out)
    city = CITIES[0]
    made = record_adjustments(out, [Request(city.code, NUM, "1200", "电话核实")]).adjustments[0]
    adjusted = _city(_results(out), city.code)
    for leftover in out.glob("ledger.sqlite-*"):
        leftover.unlink()
    (out / "ledger.sqlite").write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    run = _ingest(inputs, out)
    assert any(i.code == "LEDGER_REBUILT" for i in run.issues)
    again = _city(run.results, city.code)
    assert again["scores"] == adjusted["scores"] and again["adjustments"][0]["id"] == made.id
    undo_adjustment(out, made.id)  # the restored record can be undone under its own number
    assert "adjustments" not in _city(_results(out), city.code)


def test_cli_shows_the_totals_with_two_decimals(inputs, tmp_path):
    """QA round (江苏): “苏州市 总分：74.0 → 73.61” — every other view shows 74.00."""
    import re

    from sceval.cli.commands.adjust import _points

    out = tmp_path / "out"
    _ingest(inputs, out)
    result = CliRunner().invoke(app, ["adjust", "330100", NUM, "1000", "--why", "电话核实", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "总分：" in line]
    assert lines and all(re.search(r"总分：\d+\.\d{2} → \d+\.\d{2}$", line) for line in lines)
    assert (_points(74.0), _points(73.605), _points(None)) == ("74.00", "73.61", "—")  # as results.json reads
