"""A second round under a revised edition (非官方，测试用): render and ingest with a mapping, and
the CLI options --previous / --mapping / --round-name."""
from __future__ import annotations

import json

import openpyxl
from typer.testing import CliRunner

from sctemplates.layout import SHEET_BASE
from sctemplates.province import default_province
from sctemplates.render.city import render_city
from sctemplates.render.previous_column import PREVIOUS_COL
from sceval.cli.app import app
from sceval.ingest.batch import IngestOptions, ingest
from sceval.previous.editions import load_mapping
from sceval.previous.load import load_previous
from tests.sceval.ingest_helpers import GENERATED_AT, ROSTER_CSV, fill, valid_values
from tests.sceval.previous.two_rounds import CATALOG, HANGZHOU, ROSTER
from tests.sceval.previous.revised_edition import write_revised

MAPPING = """from: "2016"
to: "2016修订（非官方，测试用）"
codes: {L1P1-A1: L1P1-A4, L1P2-A3: null}
inputs:
  SC_L1P1_A1_NUM: SC_L1P1_A4_NUM
  SC_L1P1_A1_DEN: SC_L1P1_A4_DEN
  SC_L1P1_A2_NUM: [SC_L1P1_A2_NUM, SC_L1P1_A5_NUM]
  SC_L1P1_A2_DEN: [SC_L1P1_A2_DEN, SC_L1P1_A5_DEN]
  SC_L1P2_A3_NUM: null
  SC_L1P2_A3_DEN: null
"""


def _beside(path, name: str):
    book = openpyxl.load_workbook(path)
    (sheet, where), = book.defined_names[name].destinations
    row = book[sheet][where.replace("$", "")].row
    return book[SHEET_BASE].cell(row, PREVIOUS_COL + 1).value


def test_revised_edition_template_and_ingest_follow_the_mapping(rounds, tmp_path):
    first, _second, _run = rounds
    _path, revised = write_revised(tmp_path)
    mapping_file = tmp_path / "对照.yaml"
    mapping_file.write_text(MAPPING, encoding="utf-8")
    previous = load_previous([_first_results(first, tmp_path)], load_mapping(mapping_file))
    template = render_city(revised, HANGZHOU, default_province(ROSTER), tmp_path / "t.xlsx", generated_at=GENERATED_AT,
                           previous=previous.for_city(HANGZHOU.code))
    before = next(c for c in first["cities"] if c["code"] == HANGZHOU.code)["inputs"]
    assert _beside(template, "SC_L1P1_A4_NUM") == before["SC_L1P1_A1_NUM"]
    assert _beside(template, "SC_L1P1_A5_DEN") == "由上一轮“SC_L1P1_A2_DEN”拆分"
    assert _beside(template, "SC_L1P2_A1_CHOICE") == before["SC_L1P2_A1_CHOICE"]
    values = valid_values(revised)
    values["SC_L1P1_A4_NUM"] = before["SC_L1P1_A1_NUM"] * 20  # a jump on the renamed input
    values["SC_L1P1_A4_DEN"] = before["SC_L1P1_A1_DEN"] * 20
    returned = fill(template, tmp_path / "in" / "杭州.xlsx", values)
    run = ingest([returned], tmp_path / "out", IngestOptions(revised, roster=ROSTER, jobs=1, workbooks=False, draws=0,
                                                           previous=previous, round_name="修订版第二轮"))
    entry = next(c for c in run.results["cities"] if c["code"] == HANGZHOU.code)
    jumps = [i for i in entry["issues"] if i["code"] == "YOY_JUMP"]
    assert sorted(i["message"].split("（")[1].split("）")[0] for i in jumps) == ["SC_L1P1_A4_DEN", "SC_L1P1_A4_NUM"]
    assert all("本轮（修订版第二轮）" in i["message"] for i in jumps) and run.results["round_name"] == "修订版第二轮"
    assert not [i for i in entry["issues"] if i["code"].startswith("YOY_") and "A5" in i["message"]]


def _first_results(first: dict, folder):
    path = folder / "prev" / "results.json"
    path.parent.mkdir()
    path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    return path


def test_cli_render_and_ingest_with_previous(rounds, tmp_path):
    first, _second, _run = rounds
    previous = _first_results(first, tmp_path)
    runner = CliRunner()
    rendered = runner.invoke(app, ["render", "--roster", str(ROSTER_CSV), "--out", str(tmp_path / "t"),
                                   "--previous", str(previous)])
    assert rendered.exit_code == 0, rendered.output
    templates = sorted((tmp_path / "t").glob("*.xlsx"))
    assert len(templates) == len(ROSTER.cities)
    assert _beside(templates[0], "SC_L1P1_A1_NUM") == first["cities"][0]["inputs"]["SC_L1P1_A1_NUM"]
    assert first["cities"][1]["status"] == "missing"
    assert _beside(templates[1], "SC_L1P1_A1_NUM") == "上一轮未报送"
    returned = fill(templates[0], tmp_path / "in" / "杭州.xlsx", valid_values(CATALOG))
    ingested = runner.invoke(app, ["ingest", str(returned.parent), "--roster", str(ROSTER_CSV), "--out",
                                   str(tmp_path / "out"), "--previous", str(previous), "--round-name", "第二轮",
                                   "--draws", "0", "--jobs", "1"])
    assert ingested.exit_code == 0, ingested.output
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["round_name"] == "第二轮" and results["cities"][0]["change"] == 0.0
    assert any(name.startswith("汇总_") for name in (p.name for p in (tmp_path / "out").iterdir()))
