"""Which version counts: the times that travel with a file decide, not the disk's mtime.

Real returns (rendered, filled with openpyxl) whose docProps/core.xml save time, 填报日期, zip
member dates and mtimes are set the way real ones differ; the real ingest, ledger and CLI.
"""
from __future__ import annotations

import json
import os
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.ledger import ordering
from sceval.ingest.batch import IngestOptions, ingest
from sceval.workbook.book import read_book
from tests.libreoffice import needs_soffice, resave_xlsx
from tests.sceval.ingest_helpers import ROSTER_CSV, base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU = ROSTER.cities[0]
A1 = next(sub for sub in CATALOG.sub_items() if sub.code == "L1P1-A1")
NUMERATOR = A1.input("numerator").name
NOW = datetime(2016, 12, 28, tzinfo=timezone.utc)
MTIME_2100 = 4_102_444_800  # 2100-01-01


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return render(CATALOG, HANGZHOU, ROSTER, tmp_path_factory.mktemp("template"))


def with_saved_time(path: Path, moment: str) -> Path:
    """Rewrite docProps/core.xml's dcterms:modified, as the office suite that last saved it would."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data, count = re.subn(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + moment.encode() + rb"\2", data)
                assert count == 1
            target.writestr(info, data)
    return path


def version(template: Path, path: Path, numerator: int, saved: str, mtime: int | None = None) -> Path:
    fill(template, path, valid_values(CATALOG) | {NUMERATOR: numerator})
    with_saved_time(path, saved)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def files_by_name(results: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in results["files"]}


def codes(entry: dict) -> list[str]:
    return [i["code"] for i in entry["issues"]]


# --- the rule itself ------------------------------------------------------------------------

def test_saved_time_outranks_the_mtime():
    draft = {"saved": "2016-11-01T08:00:00+00:00", "mtime": "2016-12-27T08:00:00+00:00"}
    final = {"saved": "2016-12-25T08:00:00+00:00", "mtime": "2016-12-20T08:00:00+00:00"}
    assert ordering.compare(final, draft) == ordering.Verdict(1, "saved")
    assert ordering.compare(draft, final) == ordering.Verdict(-1, "saved")


def test_a_tie_falls_to_the_next_basis_both_have():
    one = {"saved": "2016-12-01T08:00:00+00:00", "filed": "2016-12-20", "member": "2016-11-01T10:00:00+00:00"}
    two = {"saved": "2016-12-01T08:00:00+00:00", "filed": "2016-12-20", "member": "2016-12-25T10:00:00+00:00"}
    assert ordering.compare(two, one) == ordering.Verdict(1, "member")
    only_mtime = {"mtime": "2016-12-01T08:00:00+00:00"}
    assert ordering.compare(one, only_mtime) == ordering.Verdict(0, "")  # nothing in common


def test_future_and_unreadable_times_are_dropped_with_an_issue():
    raw = {"saved": "2100-01-01T00:00:00Z", "filed": "2016-12-20", "message": "垃圾",
           "member": "", "mtime": "10000-01-01T00:00:00"}
    times, found = ordering.sane_times(raw, NOW, "a.xlsx")
    assert times == {"filed": "2016-12-20", ordering.FUTURE: ["saved"]}
    assert [(i.code, i.severity) for i in found] == [("ORDER_TIME_FUTURE", "warning"),
                                                    ("ORDER_TIME_IGNORED", "info"), ("ORDER_TIME_IGNORED", "info")]
    assert "工作簿保存时间 2100-01-01 08:00 晚于当前时间" in found[0].message and found[0].file == "a.xlsx"
    sane, _ = ordering.sane_times({"filed": "2016-12-20"}, NOW)
    assert ordering.compare(sane, times) == ordering.Verdict(1, "future")  # never outranked by it


def test_an_e_mail_date_in_rfc_2822_and_a_day_after_the_run_are_accepted():
    times, found = ordering.sane_times({"message": "Thu, 29 Dec 2016 05:00:00 +0800",
                                        "saved": "2016-12-28T20:00:00Z"}, NOW)
    assert found == [] and times == {"saved": "2016-12-28T20:00:00+00:00", "message": "2016-12-28T21:00:00+00:00"}


def test_newest_ties_go_to_the_later_arrival_and_forced_wins():
    same = {"saved": "2016-12-01T08:00:00+00:00"}
    best, verdicts = ordering.newest([same, dict(same), dict(same)])
    assert best == 2 and verdicts[0] == ordering.Verdict(0, "")
    choice = ordering.choose([same, {"saved": "2016-12-09T08:00:00+00:00"}], ["2016-12-28T00:00:00+00:00", ""])
    assert (choice.index, choice.basis) == (0, "manual")
    assert ordering.place_of(choice, 1, {}) == ("manual", "")


# --- real files -----------------------------------------------------------------------------

def test_saved_time_reads_from_core_xml(template, tmp_path):
    path = version(template, tmp_path / "v.xlsx", 100, "2016-12-25T02:00:00Z")
    book, problems = read_book(str(path))
    assert problems == [] and book.saved_at == "2016-12-25T02:00:00Z"


@needs_soffice
def test_libreoffice_writes_the_save_time_and_a_conversion_keeps_it(template, tmp_path):
    """LibreOffice's own core.xml carries dcterms:modified, and the reader finds it there. A
    headless conversion keeps the source's time (it is an export, not an edit), so a return
    converted by LibreOffice keeps its place among the city's versions."""
    path = version(template, tmp_path / "in" / "v.xlsx", 100, "2016-12-25T02:00:00Z")
    resaved = resave_xlsx([path], tmp_path / "lo")[0]
    with zipfile.ZipFile(resaved) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "<dcterms:modified" in core and core != zipfile.ZipFile(path).read("docProps/core.xml").decode("utf-8")
    book, problems = read_book(str(resaved))
    assert problems == [] and ordering.parse_moment(book.saved_at, "saved") == datetime(2016, 12, 25, 2, tzinfo=timezone.utc)


def test_correction_saved_to_disk_first_still_counts(template, tmp_path):
    """Issue 12.3: the disk's order is the reverse of the workbooks' own save times."""
    inbox = tmp_path / "inbox"
    first = version(template, inbox / "杭州_第一版.xlsx", 10, "2016-12-10T02:00:00Z", mtime=1_482_700_000)
    fixed = version(template, inbox / "杭州_更正版.xlsx", 100, "2016-12-20T02:00:00Z", mtime=1_482_000_000)
    run = ingest([first, fixed], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    files = files_by_name(run.results)
    assert files["杭州_更正版.xlsx"]["status"] == "counted" and files["杭州_第一版.xlsx"]["status"] == "superseded"
    assert files["杭州_更正版.xlsx"]["order_basis"] == "saved"
    assert files["杭州_更正版.xlsx"]["order_time"] == "2016-12-20T02:00:00+00:00"
    note = next(i for i in files["杭州_第一版.xlsx"]["issues"] if i["code"] == "SUBMISSION_SUPERSEDED")
    assert "按工作簿保存时间 2016-12-20 10:00 判定为更新的报送" in note["message"]
    city = next(c for c in run.results["cities"] if c["code"] == HANGZHOU.code)
    assert city["status"] == "corrected" and city["scores"][A1.code] == 15.0  # 30 × 100/200
    sheet = openpyxl.load_workbook(run.summary_path, read_only=True)["提交情况"]
    rows = [row for row in sheet.iter_rows(values_only=True) if any("杭州_" in str(v) for v in row)]
    assert sorted(next(v for v in row if str(v).startswith("工作簿保存时间")) for row in rows) == [
        "工作簿保存时间 2016-12-10 10:00", "工作簿保存时间 2016-12-20 10:00"]


def test_the_superseded_note_shows_every_time_in_beijing_time(template, tmp_path, monkeypatch):
    """QA round (江苏): “收到于 2026-12-01 11:10”（UTC, the machine's zone) beside “按工作簿保存时间
    2026-12-01 19:10”（Beijing）in one sentence: one zone, Beijing, whatever the machine's is."""
    monkeypatch.setenv("TZ", "UTC")
    inbox = tmp_path / "inbox"
    first = version(template, inbox / "杭州_第一版.xlsx", 10, "2016-12-10T02:00:00Z", mtime=1_482_700_000)
    fixed = version(template, inbox / "杭州_更正版.xlsx", 100, "2016-12-20T02:00:00Z", mtime=1_482_000_000)
    run = ingest([first, fixed], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1,
                                                                 ledger_path=tmp_path / "out" / "ledger.sqlite"))
    note = next(i for i in files_by_name(run.results)["杭州_第一版.xlsx"]["issues"] if i["code"] == "SUBMISSION_SUPERSEDED")
    assert "“杭州_第一版.xlsx”（收到于 2016-12-26 05:06）" in note["message"]
    assert "“杭州_更正版.xlsx”（收到于 2016-12-18 02:40）" in note["message"]


def zip_of(path: Path, members: list[tuple[Path, tuple]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for source, stamp in members:
            info = zipfile.ZipInfo(source.name, date_time=stamp)
            archive.writestr(info, source.read_bytes(), zipfile.ZIP_DEFLATED)
    return path


def test_zip_draft_and_revision_are_ordered_by_member_dates_and_save_times(template, tmp_path):
    """Issue 13.4: the 修改稿 counts, and the message says why."""
    draft = version(template, tmp_path / "杭州_草稿.xlsx", 10, "2016-11-01T02:00:00Z")
    final = version(template, tmp_path / "杭州_修改稿.xlsx", 100, "2016-12-25T02:00:00Z")
    archive = zip_of(tmp_path / "附件.zip", [(final, (2016, 12, 25, 10, 0, 0)), (draft, (2016, 11, 1, 10, 0, 0))])
    run = ingest([archive], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    files = files_by_name(run.results)
    assert files["杭州_修改稿.xlsx"]["status"] == "counted" and files["杭州_草稿.xlsx"]["status"] == "superseded"
    note = next(i for i in files["杭州_草稿.xlsx"]["issues"] if i["code"] == "SUBMISSION_SUPERSEDED")
    assert "修改稿" in note["message"] and "按工作簿保存时间 2016-12-25" in note["message"]


def test_zip_members_with_equal_save_times_are_ordered_by_member_date(template, tmp_path):
    saved = "2016-12-01T02:00:00Z"  # e.g. both copied from one file, never re-saved
    draft = version(template, tmp_path / "杭州_草稿.xlsx", 10, saved)
    final = version(template, tmp_path / "杭州_修改稿.xlsx", 100, saved)
    archive = zip_of(tmp_path / "附件.zip", [(final, (2016, 12, 25, 10, 0, 0)), (draft, (2016, 11, 1, 10, 0, 0))])
    run = ingest([archive], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    files = files_by_name(run.results)
    assert files["杭州_修改稿.xlsx"]["status"] == "counted"
    assert (files["杭州_修改稿.xlsx"]["order_basis"], files["杭州_草稿.xlsx"]["order_basis"]) == ("member", "member")
    note = next(i for i in files["杭州_草稿.xlsx"]["issues"] if i["code"] == "SUBMISSION_SUPERSEDED")
    assert "按压缩包内的文件时间 2016-12-25 10:00" in note["message"]


def test_a_first_return_dated_2100_never_blocks_the_correction(template, tmp_path):
    """Issue 13.5, across two runs on one ledger; the save times tie, so only the mtimes differ."""
    ledger = tmp_path / "ledger.sqlite"
    saved = "2016-12-01T02:00:00Z"
    first = version(template, tmp_path / "a" / "杭州.xlsx", 10, saved, mtime=MTIME_2100)
    run1 = ingest([first], tmp_path / "out1", IngestOptions(CATALOG, roster=ROSTER, jobs=1, ledger_path=ledger))
    row = files_by_name(run1.results)["杭州.xlsx"]
    assert row["status"] == "counted" and "ORDER_TIME_FUTURE" in codes(row)
    fixed = version(template, tmp_path / "b" / "杭州_更正.xlsx", 100, saved, mtime=1_482_000_000)
    run2 = ingest([fixed], tmp_path / "out2", IngestOptions(CATALOG, roster=ROSTER, jobs=1, ledger_path=ledger))
    assert files_by_name(run2.results)["杭州_更正.xlsx"]["status"] == "counted"
    city = next(c for c in run2.results["cities"] if c["code"] == HANGZHOU.code)
    assert city["file"].endswith("杭州_更正.xlsx") and city["scores"][A1.code] == 15.0


def test_an_mtime_past_year_9999_is_ignored_not_a_crash(template, tmp_path):
    """Issue 13.14 (tmpfs keeps such times; ext4 cannot store them)."""
    folder = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else tmp_path
    path = fill(template, folder / f"sceval-y10k-{os.getpid()}.xlsx", valid_values(CATALOG))
    try:
        os.utime(path, (253_402_300_800 + 86_400 * 400,) * 2)
        if os.stat(path).st_mtime < 253_402_300_800:
            pytest.skip("this file system cannot store a time past year 9999")
        run = ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    finally:
        path.unlink()
    row = run.results["files"][0]
    assert row["status"] == "counted" and "ORDER_TIME_IGNORED" in codes(row)
    assert row["order_basis"] == "saved"


def test_ledger_use_forces_the_counted_submission(template, tmp_path):
    out = tmp_path / "out"
    older = version(template, tmp_path / "in" / "杭州_v1.xlsx", 10, "2016-12-01T02:00:00Z")
    newer = version(template, tmp_path / "in" / "杭州_v2.xlsx", 100, "2016-12-09T02:00:00Z")
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(older), str(newer), "--roster", str(ROSTER_CSV), "--out", str(out), "-j", "1"])
    assert first.exit_code == 0, first.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    old_sha = files_by_name(results)["杭州_v1.xlsx"]["sha256"]
    used = runner.invoke(app, ["ledger", "use", old_sha[:10], "--why", "第二版数据口径有误，经核实以第一版为准", "--out", str(out)])
    assert used.exit_code == 0, used.output
    assert "已指定" in used.output and "重新生成 results.json" in used.output
    now = json.loads((out / "results.json").read_text(encoding="utf-8"))  # rebuilt at once (issue 19)
    assert files_by_name(now)["杭州_v1.xlsx"]["status"] == "counted"
    assert files_by_name(now)["杭州_v1.xlsx"]["order_basis"] == "manual"
    assert files_by_name(now)["杭州_v2.xlsx"]["status"] == "superseded"
    assert next(c for c in now["cities"] if c["code"] == HANGZHOU.code)["scores"][A1.code] == 1.5
    again = runner.invoke(app, ["ingest", str(older), str(newer), "--roster", str(ROSTER_CSV), "--out", str(out), "-j", "1"])
    assert again.exit_code == 0, again.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    files = files_by_name(results)
    assert files["杭州_v1.xlsx"]["status"] == "counted" and files["杭州_v1.xlsx"]["order_basis"] == "manual"
    assert files["杭州_v2.xlsx"]["status"] == "superseded"
    forced = next(i for i in files["杭州_v1.xlsx"]["issues"] if i["code"] == "SUBMISSION_USED")
    assert "第二版数据口径有误" in forced["message"]
    city = next(c for c in results["cities"] if c["code"] == HANGZHOU.code)
    assert city["scores"][A1.code] == 1.5  # 30 × 10/200: the version the official chose
    assert "SUBMISSION_USED" in codes(city)  # the city's row says why it counts
    listing = runner.invoke(app, ["ledger", "--out", str(out)], env={"COLUMNS": "250"})
    assert "人工指定" in listing.output


def test_ledger_use_refuses_a_rejected_submission(tmp_path):
    from sceval.ledger.ledger import Ledger

    with Ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.record({"sha256": "c" * 64, "size": 1, "path": "坏.xlsx", "received_at": "2016-12-01T00:00:00Z",
                       "city": None, "status": "rejected", "issues": []})
    result = CliRunner().invoke(app, ["ledger", "use", "ccc", "--why", "试试", "--ledger", str(tmp_path / "ledger.sqlite")])
    assert result.exit_code == 1 and "不能指定为计入的报送" in result.output



def test_the_filer_date_decides_when_the_save_times_tie(template, tmp_path):
    saved = "2016-12-01T02:00:00Z"
    values = valid_values(CATALOG)
    late = fill(template, tmp_path / "杭州_乙.xlsx", values | {NUMERATOR: 100, "SC_FILER_DATE": "2016-12-22"})
    early = fill(template, tmp_path / "杭州_甲.xlsx", values | {NUMERATOR: 10, "SC_FILER_DATE": "2016年12月2日"})
    for path, mtime in ((late, 1_481_000_000), (early, 1_482_000_000)):  # the disk says the reverse
        with_saved_time(path, saved)
        os.utime(path, (mtime, mtime))
    run = ingest([late, early], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    files = files_by_name(run.results)
    assert files["杭州_乙.xlsx"]["status"] == "counted"
    assert (files["杭州_乙.xlsx"]["order_basis"], files["杭州_乙.xlsx"]["order_time"]) == ("filed", "2016-12-22")
    note = next(i for i in files["杭州_甲.xlsx"]["issues"] if i["code"] == "SUBMISSION_SUPERSEDED")
    assert "按填报日期 2016-12-22 判定为更新的报送" in note["message"]


def test_the_e_mail_date_decides_between_attachments_of_two_letters(template, tmp_path):
    from tests.sceval.mail.messages import as_bytes, message, named_part, when

    saved = "2016-12-01T02:00:00Z"
    first = version(template, tmp_path / "v1.xlsx", 10, saved)
    second = version(template, tmp_path / "v2.xlsx", 100, saved)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sender = "杭州市发改委 <hz@example.invalid>"
    for name, path, day, mtime in (("第一封.eml", first, 10, 1_482_500_000), ("第二封.eml", second, 20, 1_481_000_000)):
        letter = message(sender, "杭州市填报表", when(day), [named_part(path.read_bytes(), f"杭州市填报表_{day}.xlsx")])
        (inbox / name).write_bytes(as_bytes(letter))
        os.utime(inbox / name, (mtime, mtime))  # saved to disk in the reverse order
    run = ingest([inbox], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    counted = [f for f in run.results["files"] if f["status"] == "counted"]
    assert len(counted) == 1 and counted[0]["path"].endswith("杭州市填报表_20.xlsx")
    assert counted[0]["order_basis"] == "message"
    city = next(c for c in run.results["cities"] if c["code"] == HANGZHOU.code)
    assert city["scores"][A1.code] == 15.0


def test_submissions_sheet_shows_the_received_time_in_beijing_time_like_its_basis(template, tmp_path):
    """QA round (江苏): 提交情况 showed 收到时间 “2026-11-30T11:10:30+00:00” (UTC ISO) beside
    新旧判定依据 “工作簿保存时间 2026-12-01 19:10” (Beijing): one zone, written for people."""
    inbox = tmp_path / "inbox"
    version(template, inbox / "杭州.xlsx", 100, "2016-12-20T02:00:00Z", mtime=1_482_000_000)
    run = ingest([inbox], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    sheet = openpyxl.load_workbook(run.summary_path, read_only=True)["提交情况"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if "城市代码" in r)
    row = next(r for r in rows if any("杭州.xlsx" in str(v) for v in r))
    assert row[header.index("收到时间（北京时间）")] == "2016-12-18 02:40"
    assert row[header.index("新旧判定依据")] == "工作簿保存时间 2016-12-20 10:00"
