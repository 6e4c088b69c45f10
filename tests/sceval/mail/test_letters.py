"""Roster contacts, feedback letters from a real ingest, and saved-mail formats read exactly."""
from __future__ import annotations

import email
import email.policy
import json

import pytest

from sctemplates.province import default_province
from sctemplates.roster import check_roster
from sceval.ingest.batch import IngestOptions, ingest
from sceval.mail.letters import feedback_letters
from sceval.intake.mailbox.read import letter_from_bytes, mbox_messages
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()


def test_roster_contact_columns_are_read_and_checked(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("代码,名称,类型,联系人,邮箱,电话\n"
                    "330100,杭州市,副省级市,王明,wm@hz.example.cn；li@hz.example.cn,0571-8888 8888\n"
                    "330300,温州市,,李华,li#wz.example.cn,12345\n"
                    "330400,嘉兴市,,,,\n", encoding="utf-8")
    roster, issues = check_roster(path)
    hz, wz, jx = roster.cities
    assert hz.contact == "王明" and hz.emails == ("wm@hz.example.cn", "li@hz.example.cn") and hz.phone == "0571-8888 8888"
    assert wz.email == "" and wz.contact == "李华"  # a malformed address is never used
    assert jx.emails == () and jx.contact == ""
    assert {(i.code, i.cell, i.severity) for i in issues} == {("ROSTER_BAD_EMAIL", "E3", "warning"),
                                                              ("ROSTER_BAD_PHONE", "F3", "warning")}
    assert hz == type(hz)("330100", "杭州市", "副省级市")  # contacts are not part of a city's identity


@pytest.fixture(scope="module")
def one_city_ingested(tmp_path_factory):
    """A results folder where Hangzhou returned a workbook with one count left blank."""
    tmp_path = tmp_path_factory.mktemp("ingested")
    city = ROSTER.cities[0]
    numerator = next(i.name for _, _, i in CATALOG.inputs() if i.role == "numerator")
    template = render(CATALOG, city, ROSTER, tmp_path)
    path = fill(template, tmp_path / "in" / "杭州.xlsx", valid_values(CATALOG) | {numerator: None})
    out = tmp_path / "out"
    ingest([path], out, IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    return city, out


def test_remind_and_feedback_commands_write_one_letter_per_city(one_city_ingested):
    from typer.testing import CliRunner

    from sceval.cli.app import app
    from tests.sceval.ingest_helpers import ROSTER_CSV

    city, out = one_city_ingested
    for command, folder, count in (("remind", "催报", len(ROSTER.cities) - 1), ("feedback", "反馈", 1)):
        result = CliRunner().invoke(app, ["mail", command, "--out", str(out), "--roster", str(ROSTER_CSV)])
        assert result.exit_code == 0, result.output
        written = sorted((out / "邮件" / folder).glob("*.eml"))
        assert len(written) == count
        assert (city.code in written[0].name) == (command == "feedback")
        parsed = email.message_from_bytes(written[0].read_bytes(), policy=email.policy.default)
        assert parsed["X-Unsent"] == "1" and parsed["To"]


def test_feedback_letters_attach_the_feedback_workbook_with_points_at_stake(one_city_ingested):
    city, out = one_city_ingested
    entry = next(c for c in json.loads((out / "results.json").read_text(encoding="utf-8"))["cities"]
                 if c["code"] == city.code)
    assert entry["points_at_stake"] > 0
    [letter] = feedback_letters(out, default_province(ROSTER), ROSTER)
    workbook = out / "反馈" / f"{city.code}_{city.name}_问题反馈.xlsx"
    parsed = email.message_from_bytes(letter.message.as_bytes(), policy=email.policy.default)
    [attachment] = parsed.iter_attachments()
    assert attachment.get_filename() == workbook.name and attachment.get_content() == workbook.read_bytes()
    body = parsed.get_body(("plain",)).get_content()
    assert f"{entry['points_at_stake']:.2f} 分" in body and f"{entry['total']:.2f} 分" in body
    assert parsed["To"].addresses[0].addr_spec == city.email


def test_mbox_from_lines_are_unescaped_and_messages_split_exactly(tmp_path):
    first = b"From: a@x.invalid\nSubject: one\n\nline\n>From the start\nFrom here on\n"
    box = tmp_path / "box"
    box.write_bytes(b"From a@x.invalid Tue Dec 20 09:00:00 2016\n" + first.replace(b"\nFrom here", b"\n>From here")
                    .replace(b">From the", b">>From the") + b"\nFrom b@x.invalid Tue Dec 20 10:00:00 2016\n"
                    b"From: b@x.invalid\nSubject: two\n\nbody\n")
    messages = list(mbox_messages(box))
    assert messages == [first, b"From: b@x.invalid\nSubject: two\n\nbody\n"]


def test_an_oversized_message_in_an_mbox_is_skipped_not_kept(tmp_path, monkeypatch):
    import sceval.intake.mailbox.mbox as mbox
    import sceval.intake.mailbox.read as read

    monkeypatch.setattr(mbox, "MAX_MESSAGE_BYTES", 100)
    box = tmp_path / "box"
    box.write_bytes(b"From a Tue Dec 20 09:00:00 2016\nSubject: big\n\n" + b"x" * 300 + b"\n\n"
                    b"From b Tue Dec 20 10:00:00 2016\nSubject: small\n\nok\n")
    letters = list(read.letters_in(box))
    assert [bool(letter.problem) for letter in letters] == [True, False]
    assert letters[1].subject == "small"


@pytest.mark.parametrize("header, expected", [
    ("=?gb2312?B?" + __import__("base64").b64encode("堃".encode("gbk")).decode() + "?=", "堃"),
    ("=?GBK?Q?=D5=E3=BD=AD?= 省", "浙江 省"),
    ("=?utf-8?B?5rWZ?= =?utf-8?B?5rGf?=", "浙江"),
])
def test_subjects_decode_like_names(header, expected):
    letter = letter_from_bytes(f"From: a@x.invalid\nSubject: {header}\n\nbody\n".encode())
    assert letter.subject == expected


def test_raw_8bit_gbk_subject_and_sender_decode():
    raw = ("From: ".encode() + "王明".encode("gbk") + b" <wm@x.invalid>\nSubject: " + "杭州市报送".encode("gbk")
           + b"\n\nbody\n")
    letter = letter_from_bytes(raw)
    assert letter.subject == "杭州市报送" and letter.sender == "王明 <wm@x.invalid>" and letter.address == "wm@x.invalid"


def test_four_byte_gb18030_characters_in_a_name():
    from sceval.intake.mailbox.names import attachment_name

    name = "𠀀城市填报表.xlsx"  # U+20000 is four bytes in GB18030 and not in GBK at all
    word = "=?gb18030?B?" + __import__("base64").b64encode(name.encode("gb18030")).decode() + "?="
    assert attachment_name(f'attachment; filename="{word}"', None) == (name, True)


def test_a_message_without_date_keeps_the_files_own_time(tmp_path):
    from tests.sceval.mail import messages as m

    city = ROSTER.cities[0]
    template = render(CATALOG, city, ROSTER, tmp_path)
    data = fill(template, tmp_path / "hz.xlsx", valid_values(CATALOG)).read_bytes()
    msg = m.message(city.email, "无日期", m.when(20), [m.named_part(data, "杭州.xlsx")])
    del msg["Date"]
    path = tmp_path / "in" / "a.eml"
    path.parent.mkdir()
    path.write_bytes(m.as_bytes(msg))
    import os

    os.utime(path, (1_482_300_000, 1_482_300_000))
    run = ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    [row] = run.results["files"]
    assert row["message"]["date"] == "" and row["received_at"] == "2016-12-21T06:00:00+00:00"


def test_a_ledger_written_before_mail_ingest_gains_the_message_column(tmp_path):
    import sqlite3

    from sceval.ledger.ledger import Ledger

    path = tmp_path / "ledger.sqlite"
    old = sqlite3.connect(path)  # the first release's table, without "message"
    old.execute("CREATE TABLE submissions (seq INTEGER PRIMARY KEY AUTOINCREMENT, sha256 TEXT NOT NULL UNIQUE, "
                "size INTEGER NOT NULL, path BLOB NOT NULL, received_at TEXT NOT NULL, city_code TEXT, "
                "status TEXT NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL, infos INTEGER NOT NULL, "
                "results TEXT, issues TEXT NOT NULL, invalidated INTEGER NOT NULL DEFAULT 0, "
                "invalidated_why TEXT NOT NULL DEFAULT '', invalidated_at TEXT NOT NULL DEFAULT '', "
                "recorded_at TEXT NOT NULL)")
    old.execute("INSERT INTO submissions (sha256, size, path, received_at, city_code, status, errors, warnings, infos,"
                " issues, recorded_at) VALUES ('a' , 1, x'2f61', '2016-12-20T00:00:00+00:00', '330100', 'rejected',"
                " 0, 0, 0, '[]', '2016-12-20T00:00:00+00:00')")
    old.commit()
    old.close()
    message = {"from": "王明 <wm@x.invalid>", "to": "", "date": "2016-12-21T01:00:00+00:00", "subject": "杭州",
               "message_id": "<1@x>", "attachment": "杭州.xlsx"}
    with Ledger(path) as ledger:
        ledger.record({"sha256": "b", "size": 2, "path": "b.xlsx", "received_at": "2016-12-21T01:00:00+00:00",
                       "city": "330100", "status": "rejected", "issues": [], "message": message})
        kept = {sub.sha256: sub.message for sub in ledger.submissions()}
    assert kept == {"a": None, "b": message}


def test_the_province_mail_wording_fields(tmp_path):
    from sctemplates.province import check_province
    from sceval.mail.letters import draft_body

    path = tmp_path / "省配置.yaml"
    path.write_text('code: "330000"\nmail_from: "评价办 <pg@zj.example.invalid>"\nmail_signature: 浙江省评价办公室\n',
                    encoding="utf-8")
    config, issues = check_province(path)
    assert issues == [] and config.sender() == "评价办 <pg@zj.example.invalid>"
    assert draft_body(config, ROSTER.cities[0], "a.xlsx", "2016年10月底").rstrip().endswith("浙江省评价办公室")
    path.write_text('code: "330000"\nmail_from: 评价办\n', encoding="utf-8")
    assert [i.code for i in check_province(path)[1]] == ["PROVINCE_BAD_CONFIG"]


@pytest.mark.parametrize("date, expected", [("Tue, 20 Dec 2016 09:00:00 +0800", "2016-12-20T01:00:00+00:00"),
                                            ("Fri, 31 Dec 9999 23:59:59 -1400", ""),  # past year 9999 in UTC
                                            ("明天", ""), ("", "")])
def test_odd_dates_and_8bit_message_ids_never_break_a_letter(date, expected):
    raw = b"From: a@x.invalid\nDate: " + date.encode() + b"\nMessage-ID: <\xd5\xe3@x>\nSubject: s\n\nbody\n"
    letter = letter_from_bytes(raw)
    assert letter.date == expected and letter.message_id == "<浙@x>"  # GBK bytes decoded, never kept raw
    assert "\udcd5" not in letter.message_id and json.dumps(letter.meta(), ensure_ascii=False).encode("utf-8")


def test_a_forward_sent_base64_encoded_is_opened():
    import base64

    inner = (b"From: hz@x.invalid\nSubject: inner\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
             b"Content-Type: application/zip; name=a.zip\nContent-Transfer-Encoding: base64\n\n"
             + base64.b64encode(b"PK\x05\x06" + b"\0" * 18) + b"\n--b--\n")
    outer = (b"From: office@x.invalid\nSubject: fwd\nContent-Type: multipart/mixed; boundary=a\n\n--a\n"
             b"Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
             + base64.encodebytes(inner) + b"--a--\n")
    letter = letter_from_bytes(outer)
    assert [a.name for a in letter.attachments] == ["a.zip"] and letter.forwarded_from == ["hz@x.invalid"]


def test_a_mailbox_that_cannot_be_read_is_a_row(tmp_path):
    from sceval.intake.mailbox.inbox import gather_mail

    box = tmp_path / "inbox.mbox"
    box.mkdir()  # a folder where a file was expected: opening it fails
    found, skipped = [], []
    gather_mail(box, tmp_path / "work", "", found, skipped)
    assert found == [] and [i.code for row in skipped for i in row.issues] == ["MAIL_BAD"]


def test_a_reminder_names_the_file_as_sent_with_one_full_stop(tmp_path):
    """QA round (江苏): 常州's reminder read “收到的文件“returns/320400_….xls”未能采用：…重新报送。。”."""
    from sceval.mail.letters import reminders

    city = ROSTER.cities[0]
    folder = tmp_path / "收件"
    folder.mkdir()
    sent = folder / f"{city.code}_{city.name}_填报表.xlsx"
    sent.write_bytes("编码,数值\r\nL1P1-A1,823\r\n".encode("gbk"))  # a CSV export renamed .xlsx
    ingest([sent], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    [letter] = [o for o in reminders(results, default_province(ROSTER), ROSTER) if o.city_code == city.code]
    body = email.message_from_bytes(letter.message.as_bytes(), policy=email.policy.default).get_body(("plain",))
    text = body.get_content()
    assert f"收到的文件“{sent.name}”未能采用：" in text and "收件" not in text.replace("收件人", "")
    assert "。。" not in text


def test_feedback_for_a_feed_error_tells_the_city_it_need_not_resend(tmp_path):
    """QA round (江苏): 盐城's only error was 八十分 in the secretariat's feed, yet its letter said
    “因错误或漏填暂未得到的分值为 20.00 分 … 请在原填报表上更正后 … 重新报送”."""
    import openpyxl

    from sceval.intake.central import SHEET, load_central, write_central_template

    city = ROSTER.cities[0]
    survey = next(second for second in CATALOG.second_levels() if second.method == "survey")
    path = fill(render(CATALOG, city, ROSTER, tmp_path), tmp_path / "in" / "杭州.xlsx", valid_values(CATALOG))
    feed = write_central_template(ROSTER, tmp_path / "统一数据.xlsx", CATALOG)
    book = openpyxl.load_workbook(feed)
    ws = book[SHEET]
    column = next(c.column for c in ws[2] if c.value == survey.inputs[0].name)
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == city.code)
    ws.cell(row, column).value = "八十分"
    book.save(feed)
    out = tmp_path / "out"
    loaded = load_central(feed, CATALOG, ROSTER)
    ingest([path], out, IngestOptions(CATALOG, roster=ROSTER, jobs=1, central=loaded.values,
                                      central_issues=loaded.city_issues))
    [letter] = feedback_letters(out, default_province(ROSTER), ROSTER)
    text = email.message_from_bytes(letter.message.as_bytes(), policy=email.policy.default).get_body(("plain",)).get_content()
    assert "共有 0 处错误" in text and "另有 1 处问题在秘书处统一数据中，由秘书处更正，无需你市处理" in text
    assert "无需重新报送" in text and "请在原填报表上更正" not in text


def test_a_malformed_roster_address_is_not_called_missing(tmp_path):
    """QA round (江苏): 宿迁's roster e-mail “bad-email” was reported as “没有联系邮箱”; the
    official who typed one looks for a blank cell. Say it may be malformed too."""
    from sctemplates.roster import load_roster
    from sceval.mail.letters import template_drafts

    roster_path = tmp_path / "名单.csv"
    roster_path.write_text("代码,名称,类型,联系人,邮箱,电话\n330100,杭州市,副省级市,王明,bad-email,0571-88888888\n",
                           encoding="utf-8")
    roster = load_roster(roster_path)
    from sctemplates.layout import file_name

    city = roster.cities[0]
    templates = render(CATALOG, city, roster, tmp_path / "模板").parent
    (templates / f"template_{city.code}.xlsx").rename(templates / file_name(city.code, city.name))
    problems = []
    [draft] = template_drafts(roster, templates, default_province(roster), problems=problems)
    assert [p.code for p in problems] == ["MAIL_NO_CONTACT"] and "格式不正确" in problems[0].message
    assert draft.message["To"] in (None, "")
