"""A mailed workbook whose own save time is later than its mail's Date (a wrong clock): the mail's
time stands in for it, with the warning TIME_SAVED_AFTER_MAIL, and every view names that time.

Real returns (rendered, filled with openpyxl, docProps/core.xml rewritten as the filer's office
suite would have saved it) sent in real .eml files; the real ingest, summary and report.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from sceval.ingest.batch import IngestOptions, ingest
from sceval.ledger import ordering
from sceval.reports.report import write_report
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang
from tests.sceval.ledger.test_ordering import with_saved_time
from tests.sceval.mail.messages import as_bytes, message, named_part, when

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU = ROSTER.cities[0]
NUMERATOR = next(s for s in CATALOG.sub_items() if s.code == "L1P1-A1").input("numerator").name
NOW = datetime(2016, 12, 28, tzinfo=timezone.utc)
SENDER = "杭州市发改委 <hz@example.invalid>"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return render(CATALOG, HANGZHOU, ROSTER, tmp_path_factory.mktemp("template"))


def mailed(template: Path, inbox: Path, name: str, numerator: int, saved: str, day: int) -> Path:
    """A letter of 2016-12-``day`` 09:00 (Beijing) carrying a return whose core.xml says ``saved``."""
    path = with_saved_time(fill(template, inbox.parent / "work" / f"{name}.xlsx",
                                valid_values(CATALOG) | {NUMERATOR: numerator}), saved)
    letter = message(SENDER, "杭州市填报表", when(day), [named_part(path.read_bytes(), f"{name}.xlsx")])
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / f"{name}.eml").write_bytes(as_bytes(letter))
    return inbox / f"{name}.eml"


def file_row(results: dict, name: str) -> dict:
    return next(f for f in results["files"] if f["path"].endswith(f"{name}.xlsx"))


def sheet_rows(path: Path, sheet: str, heading: str) -> tuple[list, list[tuple]]:
    rows = list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if heading in row)
    return list(rows[at]), rows[at + 1:]


# --- the rule ------------------------------------------------------------------------------

def test_a_save_time_after_the_mail_is_replaced_by_the_mail_time_with_a_warning():
    raw = {"saved": "2016-12-27T02:00:00Z", "filed": "2016-12-20", "message": "Tue, 20 Dec 2016 09:00:00 +0800"}
    times, found = ordering.sane_times(raw, NOW, "杭州.xlsx")
    assert times["saved"] == times["message"] == "2016-12-20T01:00:00+00:00"
    assert times[ordering.SAVED_AFTER_MAIL] == "2016-12-27T02:00:00+00:00"
    ((code, severity, text),) = [(i.code, i.severity, i.message) for i in found]
    assert (code, severity) == ("TIME_SAVED_AFTER_MAIL", "warning")
    assert text.startswith("文件 杭州.xlsx 的工作簿保存时间 2016-12-27 10:00 晚于发送它的邮件的发送时间 2016-12-20 09:00")
    assert "判断新旧版本时按邮件发送时间 2016-12-20 09:00 计" in text
    assert ordering.own_basis(times) == ("message", "2016-12-20T01:00:00+00:00")  # named as what it is


def test_a_save_time_before_the_mail_or_a_few_minutes_after_it_is_kept():
    for saved in ("2016-12-20T00:30:00Z", "2016-12-20T01:03:00Z"):  # 08:30, and 3 minutes of clock drift
        times, found = ordering.sane_times({"saved": saved, "message": "Tue, 20 Dec 2016 09:00:00 +0800"}, NOW)
        assert found == [] and ordering.parse_moment(times["saved"], "saved") == ordering.parse_moment(saved, "saved")
        assert ordering.own_basis(times)[0] == "saved"


def test_an_unmailed_file_keeps_its_save_time_whatever_it_is():
    times, found = ordering.sane_times({"saved": "2016-12-27T02:00:00Z", "filed": "2016-12-20"}, NOW)
    assert found == [] and times["saved"] == "2016-12-27T02:00:00+00:00"


# --- real letters ----------------------------------------------------------------------------

def test_a_draft_whose_clock_ran_ahead_no_longer_outranks_the_correction(template, tmp_path):
    """The draft was mailed on the 20th from a PC whose clock said the 27th; the correction was
    saved on the 22nd and mailed an hour later. Trusted as-is, the draft's save time (27th) made it
    the newer version and the correction was set aside."""
    inbox = tmp_path / "inbox"
    mailed(template, inbox, "杭州_草稿", 10, "2016-12-27T02:00:00Z", day=20)
    mailed(template, inbox, "杭州_更正", 100, "2016-12-22T00:00:00Z", day=22)
    run = ingest([inbox], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    draft, fixed = file_row(run.results, "杭州_草稿"), file_row(run.results, "杭州_更正")
    assert (fixed["status"], draft["status"]) == ("counted", "superseded")
    assert (fixed["order_basis"], fixed["order_time"]) == ("saved", "2016-12-22T00:00:00+00:00")
    assert (draft["order_basis"], draft["order_time"]) == ("message", "2016-12-20T01:00:00+00:00")
    warning = next(i for i in draft["issues"] if i["code"] == "TIME_SAVED_AFTER_MAIL")
    assert "杭州_草稿.xlsx" in warning["message"] and "2016-12-27 10:00" in warning["message"]
    assert "按邮件发送时间 2016-12-20 09:00 计" in warning["message"]
    note = next(i for i in draft["issues"] if i["code"] == "SUBMISSION_SUPERSEDED")
    assert "按工作簿保存时间 2016-12-22 08:00 判定为更新的报送" in note["message"]
    city = next(c for c in run.results["cities"] if c["code"] == HANGZHOU.code)
    assert city["file"].endswith("杭州_更正.xlsx") and "TIME_SAVED_AFTER_MAIL" not in [i["code"] for i in city["issues"]]


def test_every_view_names_the_mail_time_it_was_ordered_by(template, tmp_path):
    """One return, saved (it says) three days after its letter of the 20th: the warning row in
    问题清单, 提交情况's basis, the ledger's record and the report's 报送日期 all say the 20th."""
    inbox = tmp_path / "inbox"
    mailed(template, inbox, "杭州市填报表", 100, "2016-12-23T02:00:00Z", day=20)
    out = tmp_path / "out"
    run = ingest([inbox], out, IngestOptions(CATALOG, roster=ROSTER, jobs=1, ledger_path=out / "ledger.sqlite"))
    row = file_row(run.results, "杭州市填报表")
    assert (row["status"], row["order_basis"], row["order_time"]) == ("counted", "message", "2016-12-20T01:00:00+00:00")

    head, rows = sheet_rows(run.summary_path, "问题清单", "问题代码")
    (warning,) = [r for r in rows if r[head.index("问题代码")] == "TIME_SAVED_AFTER_MAIL"]
    assert warning[head.index("严重程度")] == "警告" and warning[head.index("代码含义")].startswith("工作簿自身的保存时间晚于")
    assert "2016-12-23 10:00" in warning[head.index("说明")] and "2016-12-20 09:00" in warning[head.index("说明")]
    head, rows = sheet_rows(run.summary_path, "提交情况", "新旧判定依据")
    (shown,) = [r for r in rows if "杭州市填报表.xlsx" in str(r[head.index("文件")])]
    assert shown[head.index("新旧判定依据")] == "邮件发送时间 2016-12-20 09:00"

    from sceval.ledger.ledger import Ledger

    with Ledger(out / "ledger.sqlite") as ledger:
        (sub,) = [s for s in ledger.submissions() if s.city_code == HANGZHOU.code]
    assert (sub.order_basis, sub.order_time) == ("message", "2016-12-20T01:00:00+00:00")

    report = Document(str(write_report([out / "results.json"], out=out / "评价工作报告.docx")))
    table = report.tables[0]
    header = [c.text for c in table.rows[0].cells]
    (city,) = [[c.text for c in r.cells] for r in table.rows[1:] if r.cells[1].text == HANGZHOU.name]
    assert city[header.index("报送日期")] == "2016年12月20日"
