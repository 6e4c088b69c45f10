"""One catalog through the whole run: the summary of an ingest under a custom catalog shows that
catalog's indicator names and fingerprint, rebuilt from results.json alone."""
from __future__ import annotations

import json

import openpyxl

from sctemplates.catalog import default_catalog_path, load_catalog, parse_catalog
from sceval.ingest.batch import IngestOptions, ingest
from sceval.reports.summary.workbook import write_summary
from tests.sceval.ingest_helpers import fill, render, valid_values, zhejiang


def _custom_catalog():
    """The bundled catalog with one second-level indicator renamed: a valid, different catalog."""
    bundled = load_catalog()
    second = next(bundled.second_levels())
    text = default_catalog_path().read_text(encoding="utf-8")
    renamed = f"{second.name}（本省试行）"
    custom = parse_catalog(text.replace(f"name: {second.name}\n", f"name: {renamed}\n", 1), "custom.yaml")
    assert custom.fingerprint() != bundled.fingerprint()
    return custom, second.code, second.name, renamed


def _all_text(path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for value in row if value is not None)


def test_summary_of_a_custom_catalog_run_shows_that_catalog(tmp_path):
    custom, code, old_name, renamed = _custom_catalog()
    roster = zhejiang()
    city = roster.cities[0]
    path = fill(render(custom, city, roster, tmp_path), tmp_path / "return.xlsx", valid_values(custom))
    run = ingest([path], tmp_path / "out", IngestOptions(custom, roster=roster, jobs=1))
    (entry,) = [c for c in run.results["cities"] if c["code"] == city.code]
    assert entry["status"] == "submitted"
    text = _all_text(run.summary_path)
    assert renamed in text and custom.fingerprint() in text
    assert load_catalog().fingerprint() not in text
    assert "不一致" not in text  # no warning that the run's own results disagree with the catalog


def test_summary_rebuilt_from_results_json_alone_uses_its_catalog(tmp_path):
    custom, code, old_name, renamed = _custom_catalog()
    roster = zhejiang()
    path = fill(render(custom, roster.cities[0], roster, tmp_path), tmp_path / "r.xlsx", valid_values(custom))
    run = ingest([path], tmp_path / "out", IngestOptions(custom, roster=roster, jobs=1, workbooks=False))
    results = json.loads(run.results_path.read_text(encoding="utf-8"))
    again = write_summary(results, tmp_path / "again.xlsx")
    text = _all_text(again)
    assert renamed in text and custom.fingerprint() in text


def test_maturity_stages_follow_the_catalog_the_run_was_scored_with(tmp_path):
    text = default_catalog_path().read_text(encoding="utf-8")
    assert "{name: 准备期, from: 0, to: 55}" in text
    custom = parse_catalog(text.replace("{name: 准备期, from: 0, to: 55}", "{name: 筹备阶段, from: 0, to: 55}"), "c.yaml")
    roster = zhejiang()
    path = fill(render(custom, roster.cities[0], roster, tmp_path), tmp_path / "r.xlsx", valid_values(custom))
    run = ingest([path], tmp_path / "out", IngestOptions(custom, roster=roster, jobs=1))
    stages = openpyxl.load_workbook(run.summary_path, read_only=True)["图表"]
    shown = {str(v) for row in stages.iter_rows(values_only=True) for v in row if v}
    assert "筹备阶段" in shown and "准备期" not in shown
