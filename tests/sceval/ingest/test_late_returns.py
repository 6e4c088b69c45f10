"""Issue 20, defect 5: a return sent after the deadline (梅州: 填报日期 and mail Date 2017-01-05
against 2016-12-30) is flagged with the days late — on the file and city rows, in 提交情况 of the
summary, in the feedback workbook and in the report's 评价过程. Real mail, real workbooks."""
from __future__ import annotations

import email.message
import json

import docx
import openpyxl
import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.reports.report.writer import write_report
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
LATE_CITY, ON_TIME_CITY = ROSTER.cities[2], ROSTER.cities[3]


def mailed(path, folder, date_header):
    letter = email.message.EmailMessage()
    letter["From"], letter["To"], letter["Subject"] = "city@example.cn", "sheng@example.cn", "报送评价表"
    letter["Date"] = date_header
    letter.set_content("请查收。")
    letter.add_attachment(path.read_bytes(), maintype="application",
                          subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=path.name)
    out = folder / f"{path.stem}.eml"
    out.write_bytes(letter.as_bytes())
    return out


@pytest.fixture(scope="module")
def late_round(tmp_path_factory):
    folder = tmp_path_factory.mktemp("late")
    (folder / "mail").mkdir()
    late = fill(render(CATALOG, LATE_CITY, ROSTER, folder), folder / "files" / f"{LATE_CITY.code}.xlsx",
                valid_values(CATALOG) | {"SC_FILER_DATE": "2017-01-05"})
    on_time = fill(render(CATALOG, ON_TIME_CITY, ROSTER, folder), folder / "files" / f"{ON_TIME_CITY.code}.xlsx",
                   valid_values(CATALOG))
    inputs = [mailed(late, folder / "mail", "Thu, 05 Jan 2017 09:30:00 +0800"),
              mailed(on_time, folder / "mail", "Tue, 20 Dec 2016 09:30:00 +0800")]
    run = ingest(inputs, folder / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, draws=0))
    return run, folder


def file_of(run, code):
    return next(f for f in run.results["files"] if f["city"] == code)


def test_the_late_file_and_city_say_how_many_days(late_round):
    run, _folder = late_round
    late = file_of(run, LATE_CITY.code)
    assert late["status"] == "counted"
    assert late["late"] == {"days": 6, "deadline": "2016-12-30", "basis": "message", "day": "2017-01-05"}
    city = next(c for c in run.results["cities"] if c["code"] == LATE_CITY.code)
    warned = [i for i in city["issues"] if i["code"] == "SUBMISSION_LATE"]
    assert len(warned) == 1 and "6 天" in warned[0]["message"] and warned[0]["severity"] == "warning"
    assert "late" not in file_of(run, ON_TIME_CITY.code)


def test_the_summary_and_feedback_show_the_lateness(late_round):
    run, _folder = late_round
    sheet = openpyxl.load_workbook(run.summary_path)["提交情况"]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert texts and any(t.startswith("逾期 6 天（邮件发送时间 2017-01-05）") for t in texts)
    assert any("截止日期后报送 1 份" in t for t in texts)
    feedback = next(p for p in run.feedback_paths if LATE_CITY.code in p.name or LATE_CITY.name in p.name)
    book = openpyxl.load_workbook(feedback)
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any("SUBMISSION_LATE" in t or "晚于报送截止日期 2016-12-30 共 6 天" in t for t in cells)


def test_the_report_process_chapter_names_the_late_city(late_round, tmp_path):
    run, folder = late_round
    results = json.loads(run.results_path.read_text(encoding="utf-8"))
    out = write_report([results], out=tmp_path / "报告.docx")
    text = "\n".join(p.text for p in docx.Document(out).paragraphs)
    assert f"晚于报送截止日期（2016-12-30）：{LATE_CITY.name}（逾期6天，邮件发送时间2017-01-05）" in text


def test_the_province_deadline_overrides_the_template(late_round, tmp_path):
    _run, folder = late_round
    inputs = sorted((folder / "mail").glob("*.eml"))
    run = ingest(inputs, tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, draws=0,
                                                         workbooks=False, deadline="2017-01-10"))
    assert inputs and all("late" not in f for f in run.results["files"])


def test_the_cli_takes_the_deadline_from_the_province_configuration(tmp_path):
    from typer.testing import CliRunner

    from sceval.cli.app import app
    from tests.sceval.ingest_helpers import ROSTER_CSV

    path = fill(render(CATALOG, ON_TIME_CITY, ROSTER, tmp_path), tmp_path / "in" / f"{ON_TIME_CITY.code}.xlsx",
                valid_values(CATALOG))  # 填报日期 2016-12-20
    province = tmp_path / "省配置.yaml"
    province.write_text('code: "330000"\nname: 浙江省\ndeadline: 2016-12-10\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "in"), "--roster", str(ROSTER_CSV), "--province",
                                      str(province), "--out", str(tmp_path / "out"), "--jobs", "1", "--draws", "0"])
    assert result.exit_code in (0, 1), result.output
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    late = next(f for f in results["files"] if f["city"] == ON_TIME_CITY.code)["late"]
    assert late == {"days": 10, "deadline": "2016-12-10", "basis": "filed", "day": "2016-12-20"}
