"""cases.json, the public interface: its shape, from a folder of returns, and the CLI."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from sceval.cases import check_cases
from sceval.cli.app import app
from tests.sceval.cases.factory import good_case
from tests.sceval.ingest_helpers import ROSTER_CSV, zhejiang

KEYS = ["file", "sha256", "city", "city_basis", "city_sources", "title", "characters", "footnote_characters",
        "textbox_characters", "figures", "tables", "sections", "opening", "status", "issues"]


def test_cases_json_shape(tmp_path):
    good_case().save(tmp_path / "in" / "330100_杭州市.docx")
    good_case(title="宁波“城市大脑”").save(tmp_path / "in" / "子目录" / "宁波.docx")
    (tmp_path / "in" / "填报表.xlsx").write_bytes(b"not a case")  # workbooks are not cases
    report = check_cases([tmp_path / "in"], roster=zhejiang(), out_dir=tmp_path / "out",
                         generated_at="2017-01-10T00:00:00+00:00")
    data = json.loads((tmp_path / "out" / "cases.json").read_text(encoding="utf-8"))
    assert data == report.as_dict() and data["generated_at"] == "2017-01-10T00:00:00+00:00"
    assert [list(entry) for entry in data["files"]] == [KEYS, KEYS]
    first = data["files"][0]
    assert first["file"].endswith("330100_杭州市.docx") and len(first["sha256"]) == 64
    assert first["sections"][0] == {"name": "背景与需求", "found": True, "heading": "背景与需求", "paragraph": 2}
    assert data["files"][1]["city"] == {"code": "330200", "name": "宁波市"}


def test_cli_check_prints_a_chinese_table_and_writes_cases_json(tmp_path):
    path = good_case().save(tmp_path / "330100_杭州市.docx")
    result = CliRunner().invoke(app, ["cases", "check", str(path), "--roster", str(ROSTER_CSV),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "优秀实践案例检查结果" in result.output and "合格" in result.output
    assert json.loads((tmp_path / "out" / "cases.json").read_text(encoding="utf-8"))["files"][0]["status"] == "ok"


def test_cli_template(tmp_path):
    result = CliRunner().invoke(app, ["cases", "template", "--roster", str(ROSTER_CSV), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*_新型智慧城市优秀实践案例.docx"))) == len(zhejiang().cities)


def test_messages_name_the_file_as_the_sender_named_it(tmp_path):
    from sceval.cases.inputs import short

    assert short("/收件/优秀案例/330100_杭州.docx") == "330100_杭州.docx"
    assert short("/收件/附件.zip › 案例/杭州.docx") == "附件.zip › 案例/杭州.docx"
    assert short("邮件“案例”（张三） › 杭州.docx") == "邮件“案例”（张三） › 杭州.docx"
    path = tmp_path / "深" / "层" / "无标题.docx"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    record = check_cases([tmp_path]).files[0]
    assert record.file == str(path) and record.issues[0].message.startswith("文件“无标题.docx”")


def test_the_same_case_in_a_folder_and_in_the_mailbox_is_one_record(tmp_path):
    """QA round (江苏): `sceval cases check 案例/ 收件箱.mbox` listed 宿迁's one document twice
    (the copy saved to disk and the attachment still in the mailbox): two cases for one city."""
    from email.message import EmailMessage

    from sceval.cases.check import check_cases

    folder = tmp_path / "案例"
    case = good_case().save(folder / "330100_杭州市_优秀案例.docx")
    letter = EmailMessage()
    letter["From"], letter["To"], letter["Subject"] = "hz@example.invalid", "pg@example.invalid", "杭州市优秀案例"
    letter["Date"] = "Thu, 05 Jan 2017 10:00:00 +0800"
    letter.set_content("附件为我市优秀案例。")
    letter.add_attachment(case.read_bytes(), maintype="application", subtype="octet-stream", filename=case.name)
    (tmp_path / "来信.eml").write_bytes(bytes(letter))
    report = check_cases([folder, tmp_path / "来信.eml"], roster=zhejiang(), jobs=1)
    assert len(report.files) == 1 and report.files[0].status == "ok"
    [note] = [i for i in report.files[0].issues if i.code == "FILE_DUPLICATE"]
    assert "邮件“杭州市优秀案例”" in note.message and case.name in note.message and note.severity == "info"
