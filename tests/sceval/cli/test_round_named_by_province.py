"""The round is named as the province's configuration names it (seen in a 四川 round: ingest with
`--province 省配置.yaml` but no `--round-name` wrote no round_name, so the next round's templates
showed the previous round as “四川省2026-12-07回收” — the date the official happened to run ingest).
Real CLI runs: ingest a filled return, then render the next round's templates with --previous."""
from __future__ import annotations

import json

import openpyxl
from typer.testing import CliRunner

from sctemplates.layout import SHEET_COVER
from sceval.cli.app import app
from tests.sceval.ingest_helpers import ROSTER_CSV, base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = ROSTER.cities[0]
ROUND = "2016年浙江省新型智慧城市评价（首轮）"


def _ingest(tmp_path, *extra: str) -> dict:
    fill(render(CATALOG, CITY, ROSTER, tmp_path / "t"), tmp_path / "in" / f"{CITY.code}.xlsx", valid_values(CATALOG))
    province = tmp_path / "省配置.yaml"
    province.write_text(f'code: "330000"\nname: 浙江省\nround_name: {ROUND}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "in"), "--roster", str(ROSTER_CSV), "--province", str(province),
                                      "--out", str(tmp_path / "out"), "--jobs", "1", "--draws", "0", *extra])
    assert result.exit_code in (0, 1), result.output
    return json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))


def test_ingest_names_the_round_from_the_province_and_the_next_templates_show_it(tmp_path):
    assert _ingest(tmp_path)["round_name"] == ROUND
    result = CliRunner().invoke(app, ["render", "--roster", str(ROSTER_CSV), "--previous", str(tmp_path / "out" / "results.json"),
                                      "--out", str(tmp_path / "next")])
    assert result.exit_code == 0, result.output
    [template] = (tmp_path / "next").glob(f"{CITY.code}_*.xlsx")
    cover = openpyxl.load_workbook(template)[SHEET_COVER]
    shown = {row[0]: row[1] for row in cover.iter_rows(values_only=True) if row and row[0]}
    assert shown["上一轮"] == ROUND


def test_an_explicit_round_name_still_wins(tmp_path):
    assert _ingest(tmp_path, "--round-name", "第二批")["round_name"] == "第二批"


def test_a_configuration_still_naming_the_previous_round_does_not_name_this_one(tmp_path):
    """Reused unchanged for the second round, the configuration's name would call both rounds the
    same (“本轮（X）… 上一轮（X）”): this round is then named by its date, as without a name."""
    first = tmp_path / "first"
    assert _ingest(first)["round_name"] == ROUND
    second = _ingest(tmp_path / "second", "--previous", str(first / "out" / "results.json"))
    assert second.get("round_name", "") != ROUND
