"""Issue 20, defect 1: a blank template sent beside the filled copy never counts over it.

河源 replied-all with the untouched template it had received (saved at render time, later than
the city's own save) and its filled copy 填报表(1).xlsx: real rendered files, real ingest.
"""
from __future__ import annotations

import shutil

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from tests.sceval.ledger.test_ordering import with_saved_time
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = ROSTER.cities[0]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return render(CATALOG, CITY, ROSTER, tmp_path_factory.mktemp("template"))


def blank_and_filled(template, folder):
    folder.mkdir(parents=True, exist_ok=True)
    blank = folder / "填报表.xlsx"
    shutil.copy(template, blank)
    with_saved_time(blank, "2016-12-25T02:00:00Z")  # later than the city's own save
    filled = fill(template, folder / "填报表(1).xlsx", valid_values(CATALOG))
    with_saved_time(filled, "2016-12-20T02:00:00Z")
    return blank, filled


def by_name(results):
    return {f["path"].rsplit("/", 1)[-1]: f for f in results["files"]}


@pytest.mark.parametrize("ledger", [False, True], ids=["no-ledger", "ledger"])
def test_a_blank_template_never_counts_over_the_filled_copy(template, tmp_path, ledger):
    blank, filled = blank_and_filled(template, tmp_path / "in")
    out = tmp_path / "out"
    options = IngestOptions(CATALOG, roster=ROSTER, jobs=1, workbooks=False,
                            ledger_path=out / "ledger.sqlite" if ledger else None)
    run = ingest([blank, filled], out, options)
    files = by_name(run.results)
    assert files["填报表(1).xlsx"]["status"] == "counted"
    assert files["填报表.xlsx"]["status"] == "superseded"
    codes = [i["code"] for i in files["填报表.xlsx"]["issues"]]
    assert "BLANK_TEMPLATE" in codes
    assert "VAL_MISSING" not in codes  # its own row, not 80 errors about empty cells nobody must fix
    note = next(i for i in files["填报表.xlsx"]["issues"] if i["code"] == "SUBMISSION_SUPERSEDED")
    assert "空白模板" in note["message"] and "填报表(1).xlsx" in note["message"]
    city = next(c for c in run.results["cities"] if c["code"] == CITY.code)
    assert city["file"].endswith("填报表(1).xlsx") and city["completeness"] == 100
    assert city["status"] == "submitted"  # setting a blank template aside is no correction
    assert "BLANK_TEMPLATE" not in [i["code"] for i in city["issues"]]


def test_a_blank_template_arriving_after_the_filled_one_in_a_later_run_does_not_replace_it(template, tmp_path):
    blank, filled = blank_and_filled(template, tmp_path / "in")
    out = tmp_path / "out"
    options = IngestOptions(CATALOG, roster=ROSTER, jobs=1, workbooks=False, ledger_path=out / "ledger.sqlite")
    ingest([filled], out, options)
    run = ingest([blank], out, options)
    city = next(c for c in run.results["cities"] if c["code"] == CITY.code)
    assert city["file"].endswith("填报表(1).xlsx") and city["total"] > 0


def test_a_blank_template_alone_stands_for_the_city_but_is_not_scored(template, tmp_path):
    """(Before: counted as has_errors with the secretariat's points and one error per empty cell.)
    The whole story of such a city, view by view: tests/sceval/state/test_blank_only.py."""
    blank, _filled = blank_and_filled(template, tmp_path / "in")
    run = ingest([blank], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, workbooks=False))
    files = by_name(run.results)
    assert files["填报表.xlsx"]["status"] == "blank"
    assert [i["code"] for i in files["填报表.xlsx"]["issues"]] == ["BLANK_TEMPLATE"]
    city = next(c for c in run.results["cities"] if c["code"] == CITY.code)
    assert city["status"] == "blank" and city["total"] is None and city["rank"] is None
    assert city["file"].endswith("填报表.xlsx") and [i["code"] for i in city["issues"]] == ["BLANK_TEMPLATE"]


def test_one_filled_value_is_still_blank_but_a_real_return_is_not(template, tmp_path):
    values = valid_values(CATALOG)
    first = next(name for name in values if name.startswith("SC_L"))
    almost = fill(template, tmp_path / "almost.xlsx", {first: values[first]})
    real = fill(template, tmp_path / "real.xlsx", values)
    run = ingest([almost, real], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, workbooks=False))
    files = by_name(run.results)
    assert "BLANK_TEMPLATE" in [i["code"] for i in files["almost.xlsx"]["issues"]]
    assert "BLANK_TEMPLATE" not in [i["code"] for i in files["real.xlsx"]["issues"]]


def test_the_summary_says_the_blank_template_was_set_aside(template, tmp_path):
    import openpyxl

    blank, filled = blank_and_filled(template, tmp_path / "in")
    run = ingest([blank, filled], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, draws=0))
    sheet = openpyxl.load_workbook(run.summary_path)["提交情况"]
    rows = [[c.value for c in row] for row in sheet.iter_rows() if any(str(c.value).endswith("填报表.xlsx") for c in row)]
    assert len(rows) == 1 and "不计入：未填写数据的空白模板（以该市已填报的报送为准）" in rows[0]


def test_the_report_says_the_blank_template_was_set_aside(template, tmp_path):
    import json

    import docx

    from sceval.reports.report.writer import write_report

    blank, filled = blank_and_filled(template, tmp_path / "in")
    run = ingest([blank, filled], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, draws=0,
                                                                  workbooks=False))
    out = write_report([json.loads(run.results_path.read_text(encoding="utf-8"))], out=tmp_path / "r.docx")
    text = "\n".join(p.text for p in docx.Document(out).paragraphs)
    assert f"有1份是未填写数据的空白模板（{CITY.name}）" in text


def test_a_blank_template_counted_by_an_earlier_version_is_blank_when_read_back():
    """A ledger written before the blank status holds such a city's entry as has_errors, with
    the secretariat's points and one VAL_MISSING per empty cell: read back, it is blank."""
    from sceval.results.model import counted_entry

    stored = {"code": CITY.code, "name": CITY.name, "kind": CITY.kind, "status": "has_errors",
              "file": "填报表.xlsx", "sha256": "ab" * 32, "received_at": "2016-12-20T02:00:00+00:00",
              "total": 16.93, "scores": {"L8": 10.0}, "points_at_stake": 87.69, "completeness": 0,
              "inputs": {"SC_L8_SURVEY": 80}, "issues": [
                  {"code": "BLANK_TEMPLATE", "severity": "warning", "message": "空白模板"},
                  {"code": "VAL_MISSING", "severity": "error", "message": "未填写"},
                  {"code": "SUBMISSION_LATE", "severity": "warning", "message": "逾期 1 天"}]}
    entry = counted_entry(stored)
    assert entry["status"] == "blank" and entry["total"] is None and entry["scores"] is None
    assert entry["points_at_stake"] is None and entry["inputs"] == {}
    assert (entry["file"], entry["sha256"], entry["received_at"]) == (stored["file"], stored["sha256"], stored["received_at"])
    assert [i["code"] for i in entry["issues"]] == ["BLANK_TEMPLATE", "SUBMISSION_LATE"]
    assert counted_entry(entry) == entry
