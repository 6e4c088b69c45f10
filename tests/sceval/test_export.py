"""`sceval export`: real CSV and .xlsx files, read back, and the CSV opened by LibreOffice."""
from __future__ import annotations

import csv
import json
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.export import csv_text, export_results
from sceval.reports.summary.workbook import write_summary
from sctemplates.catalog import load_catalog
from tests.libreoffice import SOFFICE, TIMEOUT_SECONDS, needs_soffice, profile_uri
from tests.sceval.results_factory import make_results


@pytest.fixture(scope="module")
def zhejiang(tmp_path_factory):
    results = make_results(province_code="330000", seed=21, n_roster=6, n_submitted=4)
    results["cities"][0]["name"] = results["roster"][0]["name"] = "=HYPERLINK(\"x\")市"  # stays text
    path = tmp_path_factory.mktemp("export") / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return results, path


def read_csv(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_one_row_per_city_with_exact_scores(zhejiang, tmp_path):
    results, path = zhejiang
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(app, ["export", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    head, *rows = read_csv(out)
    assert head[:8] == ["城市代码", "城市名称", "省份代码", "省份", "类型", "状态", "总分", "排名"]
    first = next(load_catalog().first_levels())
    assert {f"{first.code} {first.name}", "自选指标得分", "完整度（%）", "待补分值"} <= set(head)
    by_code = {row[0]: dict(zip(head, row)) for row in rows}
    assert len(rows) == len(results["cities"]) == 6
    for city in results["cities"]:
        shown = by_code[city["code"]]
        total = "" if city["total"] is None else f"{Decimal(str(city['total'])):.2f}"
        assert shown["总分"] == total
        assert shown["省份"] == "浙江省"
    assert by_code[results["cities"][0]["code"]]["城市名称"] == "'=HYPERLINK(\"x\")市"


def test_long_rows_are_city_by_indicator(zhejiang, tmp_path):
    results, path = zhejiang
    done = export_results([path], tmp_path / "long.csv", long=True)
    head, *rows = read_csv(done.path)
    assert head == ["城市代码", "城市名称", "省份", "指标代码", "指标名称", "层级", "上级指标", "得分", "满分", "暂定"]
    scored = [c for c in results["cities"] if c["scores"]]
    assert done.rows == len(rows) == sum(len(c["scores"]) for c in scored)
    city = scored[2]
    mine = {row[3]: row for row in rows if row[0] == city["code"]}
    assert {code: Decimal(row[7]) for code, row in mine.items()} == \
        {code: Decimal(str(value)) for code, value in city["scores"].items()}


def test_xlsx_export_from_a_summary_workbook(zhejiang, tmp_path):
    results, _ = zhejiang
    book = write_summary(results, tmp_path / "汇总.xlsx")
    out = tmp_path / "scores.xlsx"
    assert CliRunner().invoke(app, ["export", str(book), "--out", str(out)]).exit_code == 0
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    head = rows[0]
    totals = {row[0]: row[head.index("总分")] for row in rows[1:]}
    assert totals == {c["code"]: c["total"] for c in results["cities"]}


def test_an_unknown_suffix_is_refused(zhejiang, tmp_path):
    _, path = zhejiang
    result = CliRunner().invoke(app, ["export", str(path), "--out", str(tmp_path / "x.txt")])
    assert result.exit_code == 2 and ".csv 或 .xlsx" in result.output and not (tmp_path / "x.txt").exists()


def test_csv_text_keeps_decimals_exact_and_formulas_inert():
    assert csv_text(Decimal("12.30")) == "12.30" and csv_text(None) == ""
    assert [csv_text(t) for t in ("=1+1", "+1", "-x", "@a", "杭州市")] == ["'=1+1", "'+1", "'-x", "'@a", "杭州市"]


@needs_soffice
@pytest.mark.libreoffice
def test_the_csv_opens_in_libreoffice_with_chinese_intact(zhejiang, tmp_path):
    """LibreOffice headless takes the system charset unless told: UTF-8 (76) as a user picks it
    in the import dialog; the BOM is then consumed, not shown as part of the first heading."""
    results, path = zhejiang
    out = export_results([path], tmp_path / "in" / "全省得分.csv").path
    converted = tmp_path / "lo"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile_uri()}", "--headless", "--norestore",
                    "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(converted), str(out)],
                   check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
    rows = list(openpyxl.load_workbook(converted / "全省得分.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:4] == ("城市代码", "城市名称", "省份代码", "省份")
    names = {str(row[0]): row[1] for row in rows[1:]}
    assert names[results["cities"][1]["code"]] == results["cities"][1]["name"] == "宁波市"
    totals = {str(row[0]): row[rows[0].index("总分")] for row in rows[1:]}
    assert totals[results["cities"][1]["code"]] == results["cities"][1]["total"]
