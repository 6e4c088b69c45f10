"""Cases in a real ingest run: cases.json beside results.json, and the summary's 优秀案例 sheet."""
from __future__ import annotations

import json
from pathlib import Path
import zipfile

import openpyxl

from sceval.ingest.batch import IngestOptions, ingest
from sceval.reports.summary.cases_sheet import CASES_SHEET
from tests.sceval.cases.factory import good_case
from tests.sceval.conftest import template  # noqa: F401  (the rendered-template fixture)
from tests.sceval.ingest_helpers import base_catalog, fill, filer_values, valid_values, zhejiang


def _inbox(tmp_path, template):
    """A folder of returns holding Hangzhou's filled workbook."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fill(template, inbox / "330100_杭州市_填报表.xlsx", {**valid_values(base_catalog()), **filer_values()})
    return inbox


def test_ingest_checks_the_cases_among_the_returns(tmp_path, template):  # noqa: F811
    roster = zhejiang()
    inbox = _inbox(tmp_path, template)
    case = good_case().save(tmp_path / "src" / "杭州案例.docx")
    long_case = good_case(title="宁波智慧交通")
    for _ in range(300):
        long_case.para("城市大脑汇聚交通、城管、公安等部门数据，支撑城市精细化治理。")
    with zipfile.ZipFile(inbox / "附件.zip", "w") as archive:
        archive.write(case, "杭州案例.docx")
        archive.writestr("330200_宁波市_案例.docx", long_case.save(tmp_path / "src" / "nb.docx").read_bytes())
    out = tmp_path / "out"
    run = ingest([inbox], out, IngestOptions(base_catalog(), roster=roster, jobs=1))
    cases = json.loads((out / "cases.json").read_text(encoding="utf-8"))
    by_city = {entry["city"]["code"]: entry for entry in cases["files"]}
    assert set(by_city) == {"330100", "330200"}
    assert by_city["330100"]["status"] == "ok" and by_city["330100"]["file"].endswith("附件.zip › 杭州案例.docx")
    assert by_city["330200"]["status"] == "rejected" and by_city["330200"]["characters"] == 9158  # 168 - 16 + 6 (its title) + 9,000
    sheet = openpyxl.load_workbook(run.summary_path, read_only=True)[CASES_SHEET]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] in ("330100", "330200")]
    assert [(r[0], r[1], r[2], r[3], r[6], r[8]) for r in rows] == [
        ("330100", "杭州市", "杭州城市大脑：数据驱动的城市治理", 168, 2, "合格"),
        ("330200", "宁波市", "宁波智慧交通", 9158, 2, "需修改后重新报送")]
    assert rows[1][9].startswith("正文（含表格）共 9,158 字，超过 8,000 字的上限")


def test_a_run_without_cases_writes_no_cases_json_and_no_sheet(tmp_path, template):  # noqa: F811
    inbox = _inbox(tmp_path, template)
    run = ingest([inbox], tmp_path / "out", IngestOptions(base_catalog(), roster=zhejiang(), jobs=1))
    assert not (tmp_path / "out" / "cases.json").exists()
    assert CASES_SHEET not in openpyxl.load_workbook(run.summary_path, read_only=True).sheetnames


def test_a_loose_case_in_the_inbox_is_a_case_not_a_rejected_workbook(tmp_path, template):  # noqa: F811
    inbox = _inbox(tmp_path, template)
    good_case().save(inbox / "330300_温州市_优秀案例.docx")
    ingest([inbox], tmp_path / "out", IngestOptions(base_catalog(), roster=zhejiang(), jobs=1))
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert [Path(f["path"]).name for f in results["files"]] == ["330100_杭州市_填报表.xlsx"]
    cases = json.loads((tmp_path / "out" / "cases.json").read_text(encoding="utf-8"))
    assert [c["city"]["name"] for c in cases["files"]] == ["温州市"]


def test_sceval_summary_finds_the_cases_beside_results_json(tmp_path, template):  # noqa: F811
    from typer.testing import CliRunner

    from sceval.cli.app import app

    inbox = _inbox(tmp_path, template)
    good_case().save(inbox / "330100_杭州市_优秀案例.docx")
    ingest([inbox], tmp_path / "out", IngestOptions(base_catalog(), roster=zhejiang(), jobs=1))
    target = tmp_path / "elsewhere" / "汇总.xlsx"
    result = CliRunner().invoke(app, ["summary", str(tmp_path / "out" / "results.json"), "--out", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(target, read_only=True)[CASES_SHEET].iter_rows(values_only=True))
    assert ("330100", "杭州市", "杭州城市大脑：数据驱动的城市治理") in [r[:3] for r in rows]


def test_the_cases_sheet_quotes_a_mailed_cases_findings_without_a_torn_name(tmp_path, template):  # noqa: F811
    """QA round (江苏): a case mailed as an attachment is named 邮件“主题”（…） › 案例.docx; the
    优秀案例 sheet cut its findings at the first ” and showed “（city…，2016-12-23 15:30） › ….docx”缺少…”."""
    from email.message import EmailMessage

    inbox = _inbox(tmp_path, template)
    case = good_case()
    case.para("本平台由某某科技股份有限公司承建。")
    data = case.save(tmp_path / "src" / "案例.docx").read_bytes()
    letter = EmailMessage()
    letter["From"], letter["To"], letter["Subject"] = "hz@example.invalid", "pg@example.invalid", "杭州市优秀案例"
    letter["Date"] = "Thu, 05 Jan 2017 10:00:00 +0800"
    letter.set_content("附件为我市优秀案例。")
    letter.add_attachment(data, maintype="application", subtype="vnd.openxmlformats-officedocument.wordprocessingml"
                          ".document", filename="330100_杭州市_优秀案例.docx")
    (inbox / "来信.eml").write_bytes(bytes(letter))
    run = ingest([inbox], tmp_path / "out", IngestOptions(base_catalog(), roster=zhejiang(), jobs=1))
    sheet = openpyxl.load_workbook(run.summary_path, read_only=True)[CASES_SHEET]
    [row] = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "330100"]
    assert row[10].startswith("来信.eml › 邮件“杭州市优秀案例”") and row[10].endswith(" › 330100_杭州市_优秀案例.docx")
    findings = row[9].splitlines()
    assert findings and all(line.startswith("第 ") for line in findings) and "某某科技股份有限公司" in row[9]


def test_the_cases_sheet_row_is_tall_enough_for_its_findings(tmp_path, template):  # noqa: F811
    """QA round (江苏): 宿迁's nine findings sat in a 15 pt row; printed (LibreOffice PDF) they spilled
    over the header row, unreadable. The row must be as tall as its wrapped lines."""
    inbox = _inbox(tmp_path, template)
    case = good_case()
    for _ in range(2):
        case.para("本平台由某某科技股份有限公司承建，打造全国领先、国内第一的政务服务平台。")
    case.save(inbox / "330100_杭州市_优秀案例.docx")
    run = ingest([inbox], tmp_path / "out", IngestOptions(base_catalog(), roster=zhejiang(), jobs=1))
    sheet = openpyxl.load_workbook(run.summary_path)[CASES_SHEET]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "330100")
    lines = sum(max(1, -(-len(line) // 28)) for line in sheet.cell(row, 10).value.splitlines())
    assert 4 <= lines < 27 and sheet.row_dimensions[row].height >= 15 * lines  # under Excel's 409 pt cap
