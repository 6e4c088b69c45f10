"""cases.json in the rebuilt set (issue 19 item 3): the summary's 优秀案例 sheet and its embedded
results are rebuilt from the folder's cases.json, and a cases.json rewritten since the views were
built (`sceval cases check --out` into the results folder) is named by `verify` and repaired by
the next command that uses the views."""
from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.state.rescoring import rescore_folder
from sceval.reports.summary.embedded import read_embedded
from sceval.state.verify import verify_folder
from tests.sceval.cases.factory import good_case
from tests.sceval.ingest_helpers import ROSTER_CSV
from tests.sceval.state.round_helpers import run_ingest, write_returns

TITLE = "杭州“城市大脑”"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("cases")
    out = root / "out"
    run_ingest(write_returns(root), out)
    return out


@pytest.fixture
def out(ingested, tmp_path):
    """The folder after the library's check_cases wrote cases.json into it (nothing rebuilt yet)."""
    from sceval.cases import check_cases
    from tests.sceval.ingest_helpers import zhejiang

    shutil.copytree(ingested, tmp_path / "out")
    case = good_case(title=TITLE).save(tmp_path / "案例" / "330100_杭州市.docx")
    assert check_cases([case], zhejiang(), out_dir=tmp_path / "out").files
    return tmp_path / "out"


def _summary(out):
    (path,) = sorted(out.glob("汇总_*.xlsx"))
    return path


def _case_titles(out) -> list[str]:
    book = openpyxl.load_workbook(_summary(out), read_only=True)
    try:
        if "优秀案例" not in book.sheetnames:
            return []
        return [v for row in book["优秀案例"].iter_rows(values_only=True) for v in row if v == TITLE]
    finally:
        book.close()


def test_a_cases_json_written_after_the_views_is_named_by_verify(out):
    assert json.loads((out / "cases.json").read_text(encoding="utf-8"))["files"]
    assert _case_titles(out) == []  # the summary was built before the case was checked
    verdict = verify_folder(out)
    named = {(d.file.rsplit("/", 1)[-1], d.where.split("”")[0]) for d in verdict.disagreements}
    assert ("cases.json", "") in named
    assert any(file.startswith("汇总_") and where == "工作表“优秀案例" for file, where in named), named


def test_the_next_rebuild_shows_the_cases_in_the_summary_and_its_embedded_results(out):
    mailed = CliRunner().invoke(app, ["mail", "feedback", "--out", str(out)])
    assert mailed.exit_code == 0, mailed.output
    assert "cases.json" in mailed.output.replace("\n", "")  # the reason it rebuilt first
    assert _case_titles(out) == [TITLE]
    embedded = read_embedded(_summary(out)).results
    assert embedded and [c["title"] for c in embedded[0]["cases"]] == [TITLE]
    verdict = verify_folder(out)
    assert verdict.ok, [d.message() for d in verdict.disagreements]
    rescore_folder(out, out, draws=20)  # every later rebuild keeps them
    assert _case_titles(out) == [TITLE]
    verdict = verify_folder(out)
    assert verdict.ok, [d.message() for d in verdict.disagreements]


def test_cases_check_into_a_results_folder_brings_its_views_up_to_date(ingested, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(ingested, out)
    case = good_case(title=TITLE).save(tmp_path / "案例" / "330100_杭州市.docx")
    checked = CliRunner().invoke(app, ["cases", "check", str(case), "--roster", str(ROSTER_CSV), "--out", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "已按新的案例检查结果更新" in checked.output.replace("\n", "")
    assert _case_titles(out) == [TITLE]
    verdict = verify_folder(out)
    assert verdict.ok, [d.message() for d in verdict.disagreements]
