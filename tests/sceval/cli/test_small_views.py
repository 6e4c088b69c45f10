"""Issue 20, item 12: small things a user saw — quote what was typed, Beijing time on the
summary's header, a terminal row that names a mail once."""
from __future__ import annotations

import email.message
import io

import openpyxl
from rich.console import Console

from sctemplates.roster import check_roster
from sceval.cli.commands.ingest import print_run_table
from sceval.ingest.batch import IngestOptions, ingest
from sceval.reports.summary.workbook import write_summary
from tests.sceval.ingest_helpers import base_catalog, zhejiang
from tests.sceval.results_factory import make_results


def test_roster_check_quotes_the_address_as_typed(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("代码,名称,类型,联系人,邮箱,电话\n330100,杭州市,副省级市,王明,zjdrc@qq,com,0571-88888888\n"
                    .replace("zjdrc@qq,com", '"zjdrc@qq,com"'), encoding="utf-8")
    _roster, issues = check_roster(path)
    bad = [i for i in issues if i.code == "ROSTER_BAD_EMAIL"]
    assert len(bad) == 1 and "“zjdrc@qq,com”" in bad[0].message and "、" not in bad[0].message.split("邮箱")[1][:15]


def test_the_summary_header_shows_the_scoring_time_in_beijing_time(tmp_path):
    results = make_results() | {"generated_at": "2026-12-07T04:47:57+00:00"}
    out = write_summary(results, tmp_path / "汇总.xlsx")
    book = openpyxl.load_workbook(out)
    header = [str(c.value) for ws in book.worksheets[:1] for row in ws.iter_rows(max_row=3) for c in row if c.value]
    assert header and any("计分时间：2026-12-07 12:47（北京时间）" in text for text in header)
    assert not any("+00:00" in text for text in header)


def test_a_mail_without_attachment_is_described_once_on_the_terminal(tmp_path):
    letter = email.message.EmailMessage()
    letter["From"], letter["To"] = "hz@example.cn", "sheng@example.cn"
    letter["Subject"], letter["Date"] = "杭州市报送智慧城市评价表", "Tue, 20 Dec 2016 10:00:00 +0800"
    letter.set_content("请查收。")
    path = tmp_path / "in" / "a.eml"
    path.parent.mkdir()
    path.write_bytes(letter.as_bytes())
    run = ingest([path], tmp_path / "out", IngestOptions(base_catalog(), roster=zhejiang(), jobs=1, workbooks=False))
    buffer = io.StringIO()
    print_run_table(run, Console(file=buffer, width=400))
    lines = [line for line in buffer.getvalue().splitlines() if line.startswith("未计入")]
    assert len(lines) == 1
    assert lines[0].count("杭州市报送智慧城市评价表") == 1 and lines[0].count("hz@example.cn") == 1
    assert "没有附件" in lines[0]
