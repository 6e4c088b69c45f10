"""`mail feedback` and `report` never use a view older than the state (issue 19 item 1)."""
from __future__ import annotations

import email
import shutil
from pathlib import Path
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.review.adjustments import AdjustmentBook
from sceval.ledger.ledger import Ledger
from sceval.state.verify import verify_folder
from tests.sceval.state.round_helpers import (
    CITIES, NUM, city_entry, feedback_path, feedback_total, run_ingest, write_returns,
)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    inputs = write_returns(tmp_path_factory.mktemp("returns"))
    out = tmp_path_factory.mktemp("round") / "out"
    run_ingest(inputs, out)
    return out


@pytest.fixture
def out(ingested, tmp_path):
    shutil.copytree(ingested, tmp_path / "out")
    return tmp_path / "out"


def _mailed_totals(drafts) -> dict[str, str]:
    """city code (the letter's file name starts with it) -> 总分 of its attached feedback workbook."""
    found = {}
    for path in sorted(drafts.glob("*.eml")):
        letter = email.message_from_bytes(path.read_bytes())
        for part in letter.walk():
            if (part.get_filename() or "").endswith(".xlsx"):
                attached = drafts / "attached.xlsx"
                attached.write_bytes(part.get_payload(decode=True))
                found[path.name[:6]] = feedback_total(attached)
    assert found
    return found


def test_mail_feedback_rebuilds_the_views_an_interrupted_adjust_left_behind(out):
    city = CITIES[1]
    with AdjustmentBook(out / "ledger.sqlite") as book:  # what a kill -9 after the ledger leaves
        book.record(city.code, NUM, Decimal(1200), "电话核实", "审核组", city_entry(out, city.code)["sha256"])
    stale = feedback_total(feedback_path(out, city))
    result = CliRunner().invoke(app, ["mail", "feedback", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已按当前状态重新生成" in result.output
    total = city_entry(out, city.code)["total"]
    assert f"{total:.2f}" != stale
    mailed = _mailed_totals(out / "邮件" / "反馈")
    assert mailed[city.code] == f"{total:.2f}"
    assert mailed == {code: f"{city_entry(out, code)['total']:.2f}" for code in mailed}
    assert verify_folder(out).ok


def test_mail_feedback_and_report_refuse_a_folder_whose_ledger_changed_since(out, tmp_path):
    with Ledger(out / "ledger.sqlite") as ledger:
        ledger.invalidate(city_entry(out, CITIES[1].code)["sha256"], "城市来函撤回")
    mailed = CliRunner().invoke(app, ["mail", "feedback", "--out", str(out)])
    assert mailed.exit_code == 2
    assert "已过期" in mailed.output and "--rerun" in mailed.output
    assert not (out / "邮件").exists()
    reported = CliRunner().invoke(app, ["report", str(out / "results.json"), "--out", str(tmp_path / "r.docx")])
    assert reported.exit_code == 2 and not (tmp_path / "r.docx").exists()
    verdict = verify_folder(out)
    assert [d.where for d in verdict.disagreements] == ["报送记录"]


def test_mail_drafts_of_an_earlier_state_are_removed_by_the_next_adjust_and_it_says_so(out):
    mailed = CliRunner().invoke(app, ["mail", "feedback", "--out", str(out)])
    assert mailed.exit_code == 0, mailed.output
    drafts = sorted((out / "邮件" / "反馈").glob("*.eml"))
    assert drafts
    reported = CliRunner().invoke(app, ["report", str(out / "results.json"), "--out", str(out / "评价工作报告.docx")])
    assert reported.exit_code == 0, reported.output
    report_bytes = (out / "评价工作报告.docx").read_bytes()
    # 温州, not 宁波: a 计划单列市 is outside the report's tables (it reports to the nation)
    adjusted = CliRunner().invoke(app, ["adjust", CITIES[2].code, NUM, "1200", "--why", "电话核实", "--out", str(out)])
    assert adjusted.exit_code == 0, adjusted.output
    assert not any(path.exists() for path in drafts)
    assert f"已删除不再适用的旧输出 {len(drafts)} 个" in adjusted.output
    # the report is a draft people edit: never replaced, but named as written from the old results
    assert "评价工作报告.docx 是按此前的结果生成的" in adjusted.output
    assert (out / "评价工作报告.docx").read_bytes() == report_bytes
    stale = verify_folder(out).disagreements  # only the report, which verify names until it is written again
    assert stale and {Path(d.file).name for d in stale} == {"评价工作报告.docx"}
