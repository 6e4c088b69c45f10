"""Ingest straight from saved mail: real messages, the real ingest, results.json and the ledger."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.ledger.ledger import Ledger
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang
from tests.sceval.mail import messages as m

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU, NINGBO = ROSTER.cities[0], ROSTER.cities[1]
NAME = "330100_杭州市堃_填报表（更正）.xlsx"  # 堃 is in GBK but not in GB2312: "gb2312" names are GBK
CONTACT = f"示例联系人 <{HANGZHOU.email}>"


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> dict[str, bytes]:
    """Filled returns of two cities (bytes): Hangzhou twice (two versions), Ningbo once."""
    folder = tmp_path_factory.mktemp("returns")
    values = valid_values(CATALOG)
    numerator = next(i.name for _, s, i in CATALOG.inputs() if i.role == "numerator")
    made = {}
    for key, city, extra in (("hz_v1", HANGZHOU, {numerator: 10}), ("hz_v2", HANGZHOU, {}), ("nb", NINGBO, {})):
        template = render(CATALOG, city, ROSTER, folder)
        made[key] = _same_saved_time(fill(template, folder / f"{key}.xlsx", values | extra))
    return made


def _same_saved_time(path: Path) -> bytes:
    """The workbook with a fixed dcterms:modified, so only the e-mail Date orders two versions."""
    source = zipfile.ZipFile(path)
    out = path.with_suffix(".fixed.xlsx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2016-12-19T08:00:00Z", data)
            target.writestr(info, data)
    return out.read_bytes()


def _run(inputs, out: Path):
    run = ingest(inputs, out, IngestOptions(CATALOG, roster=ROSTER, jobs=1, ledger_path=out / "ledger.sqlite"))
    return run, json.loads((out / "results.json").read_text(encoding="utf-8"))


def _eml(folder: Path, name: str, msg) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(m.as_bytes(msg))
    return path


def _codes(row: dict) -> set[str]:
    return {i["code"] for i in row["issues"]}


# --- names in every encoding ----------------------------------------------------------------

@pytest.mark.parametrize("style", sorted(m.name_styles(NAME)))
def test_attachment_names_decode_as_chinese_clients_write_them(style, returns, tmp_path):
    disposition, type_params = m.name_styles(NAME)[style]
    part = m.workbook_part(returns["hz_v2"], disposition, type_params)
    path = _eml(tmp_path / "in", "a.eml", m.message(CONTACT, "杭州市报送", m.when(20), [part]))
    run, results = _run([path], tmp_path / "out")
    [row] = results["files"]
    assert row["path"].endswith(f" › {NAME}"), row["path"]
    assert row["message"]["attachment"] == NAME
    assert row["status"] == "counted" and row["city"] == HANGZHOU.code
    assert "\ufffd" not in json.dumps(results, ensure_ascii=False)


def test_an_undecodable_name_is_an_honest_placeholder_with_an_info(returns, tmp_path):
    garbage = b"\xff\xfe\x80\x81.xlsx"  # valid in no Chinese encoding
    part = m.workbook_part(returns["hz_v2"], f'attachment; filename="{m.raw_text(garbage)}"', None)
    path = _eml(tmp_path / "in", "a.eml", m.message(CONTACT, "杭州市报送", m.when(20), [part]))
    _run_, results = _run([path], tmp_path / "out")
    [row] = results["files"]
    assert row["path"].endswith(" › 附件1.xlsx") and row["status"] == "counted"
    assert "MAIL_NAME_UNDECODED" in _codes(row)
    assert "\ufffd" not in json.dumps(results, ensure_ascii=False)


# --- what is recorded -----------------------------------------------------------------------

def test_the_message_is_recorded_in_results_and_the_ledger(returns, tmp_path):
    part = m.named_part(returns["hz_v2"], NAME)
    msg = m.message(CONTACT, "杭州市新型智慧城市评价填报表", m.when(20, 15), [part], message_id="<hz-1@example.invalid>")
    out = tmp_path / "out"
    run, results = _run([_eml(tmp_path / "in", "hz.eml", msg)], out)
    [row] = results["files"]
    expected = {"from": CONTACT, "to": "评价办 <pg@example.invalid>", "date": m.iso_utc(20, 15),
                "subject": "杭州市新型智慧城市评价填报表", "message_id": "<hz-1@example.invalid>", "attachment": NAME}
    assert row["message"] == expected
    assert row["received_at"] == m.iso_utc(20, 15)  # the e-mail Date, not the file's mtime
    assert row["path"] == f"hz.eml › 邮件“杭州市新型智慧城市评价填报表”（{CONTACT}，2016-12-20 15:00） › {NAME}"  # the .eml named (issue 21)
    city = next(c for c in results["cities"] if c["code"] == HANGZHOU.code)
    assert city["message"]["from"] == CONTACT and "MAIL_SENDER_UNKNOWN" not in _codes(city)
    with Ledger(out / "ledger.sqlite") as ledger:
        [sub] = ledger.submissions()
    assert sub.message == expected and sub.path == row["path"]
    assert not (out / ".work").exists()  # the attachments' work copies are gone


def test_a_return_from_an_unknown_address_is_a_warning_not_a_rejection(returns, tmp_path):
    msg = m.message("同事 <colleague@other.example.invalid>", "转发杭州", m.when(20), [m.named_part(returns["hz_v2"], NAME)])
    _run_, results = _run([_eml(tmp_path / "in", "a.eml", msg)], tmp_path / "out")
    [row] = results["files"]
    assert row["status"] == "counted"
    warning = next(i for i in row["issues"] if i["code"] == "MAIL_SENDER_UNKNOWN")
    assert warning["severity"] == "warning" and HANGZHOU.email in warning["message"]


def test_forwarded_and_zipped_returns_are_found_with_the_outer_message(returns, tmp_path):
    inner = m.message(CONTACT, "杭州市报送", m.when(19), [m.named_part(returns["hz_v2"], NAME)])
    zipped = m.named_part(m.zip_of({"宁波市填报表.xlsx": returns["nb"], "说明.txt": b"readme"}), "宁波附件.zip", "zip")
    outer = m.forwarded("办公室 <office@example.invalid>", "转发：两市报送", m.when(21), inner)
    outer.attach(zipped)
    _run_, results = _run([_eml(tmp_path / "in", "fwd.eml", outer)], tmp_path / "out")
    by_city = {row["city"]: row for row in results["files"] if row["city"]}
    hz, nb = by_city[HANGZHOU.code], by_city[NINGBO.code]
    assert hz["path"].endswith(f" › {NAME}") and hz["message"]["forwarded_from"] == [HANGZHOU.email]
    assert "MAIL_SENDER_UNKNOWN" not in _codes(hz)  # forwarded, but the city's contact wrote it
    assert nb["path"].endswith(" › 宁波附件.zip/宁波市填报表.xlsx") and nb["status"] == "counted"
    assert nb["message"]["subject"] == "转发：两市报送" and nb["received_at"] == m.iso_utc(21)
    skipped = next(row for row in results["files"] if row["path"].endswith("说明.txt"))
    assert skipped["message"]["attachment"] == "宁波附件.zip"


def test_mbox_and_maildir_ordering_by_date_and_duplicates_across_messages(returns, tmp_path):
    # The correction (v2) is stored first but dated later: the Date decides, not the order.
    newer = m.message(CONTACT, "杭州更正", m.when(22), [m.named_part(returns["hz_v2"], "更正.xlsx")],
                      body="From now on this line starts with From\n更正版")
    older = m.message(CONTACT, "杭州初报", m.when(20), [m.named_part(returns["hz_v1"], "初报.xlsx")])
    again = m.message(CONTACT, "杭州更正（重发）", m.when(23), [m.named_part(returns["hz_v2"], "更正.xlsx")])
    box = tmp_path / "in" / "收件箱.mbox"
    box.parent.mkdir(parents=True)
    box.write_bytes(m.mbox([m.as_bytes(newer), m.as_bytes(older)]))
    maildir = tmp_path / "in" / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "cur" / "1482454800.M1P1.host:2,S").write_bytes(m.as_bytes(again))
    _run_, results = _run([box, maildir], tmp_path / "out")
    rows = {row["message"]["subject"]: row for row in results["files"]}
    assert rows["杭州更正"]["status"] == "counted" and rows["杭州初报"]["status"] == "superseded"
    assert rows["杭州更正（重发）"]["status"] == "duplicate"
    assert rows["杭州更正（重发）"]["message"]["date"] == m.iso_utc(23)
    city = next(c for c in results["cities"] if c["code"] == HANGZHOU.code)
    assert city["status"] == "corrected" and city["file"] == rows["杭州更正"]["path"]


def test_eml_files_inside_zips_and_folders(returns, tmp_path):
    saved = m.as_bytes(m.message(CONTACT, "杭州市报送", m.when(20), [m.named_part(returns["hz_v2"], NAME)]))
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "邮件.zip").write_bytes(m.zip_of({"杭州邮件.eml": saved}))
    (inbox / "sub").mkdir()
    (inbox / "sub" / "宁波.eml").write_bytes(m.as_bytes(m.message("nb@x.invalid", "宁波", m.when(20),
                                                                  [m.named_part(returns["nb"], "宁波.xlsx")])))
    _run_, results = _run([inbox], tmp_path / "out")
    paths = sorted(row["path"] for row in results["files"])
    assert any("/邮件.zip/杭州邮件.eml › 邮件“杭州市报送”" in p and p.endswith(f" › {NAME}") for p in paths), paths
    assert {row["city"] for row in results["files"]} == {HANGZHOU.code, NINGBO.code}


# --- messages without a return --------------------------------------------------------------

def test_messages_without_returns_are_rows_with_codes(returns, tmp_path):
    signature = m.named_part(b"\x89PNG\r\n\x1a\n", "签名.png", "png", maintype="image")
    tnef = m.named_part(b"\x78\x9f\x3e\x22" + b"\0" * 40, "winmail.dat", "ms-tnef")
    mails = {
        "none.eml": m.message(CONTACT, "我市无附件", m.when(20), [_inline_logo()]),
        "sig.eml": m.message(CONTACT, "只有签名图片", m.when(20), [signature]),
        "tnef.eml": m.message(CONTACT, "Outlook 发来的", m.when(20), [tnef]),
        "bounce.eml": m.bounce(m.message("pg@example.invalid", "填报通知", m.when(19),
                                         [m.named_part(returns["nb"], "宁波.xlsx")])),
    }
    inbox = tmp_path / "in"
    for name, msg in mails.items():
        _eml(inbox, name, msg)
    (inbox / "outlook.msg").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    _run_, results = _run([inbox], tmp_path / "out")
    codes = {row["message"]["subject"] if row.get("message") else Path(row["path"]).name: _codes(row)
             for row in results["files"]}
    assert codes["我市无附件"] == {"MAIL_NO_ATTACHMENT"}
    assert codes["只有签名图片"] == {"MAIL_NOT_A_RETURN"}
    assert codes["Outlook 发来的"] == {"MAIL_TNEF"}
    assert codes["Undelivered Mail Returned to Sender"] == {"MAIL_BOUNCE"}
    try:  # extract-msg is an optional extra (GPL-3); without it a .msg is a clear row
        import extract_msg  # noqa: F401
    except ImportError:
        assert codes["outlook.msg"] == {"MAIL_MSG_NEEDS_EXTRA"}
    assert all(row["status"] == "rejected" and row["city"] is None for row in results["files"])  # the bounce's template is not a return


def _inline_logo():
    """A signature picture shown inside the HTML body (cid:), which people do not see as attached."""
    from email.mime.image import MIMEImage

    logo = MIMEImage(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "gif", name="image001.gif")
    logo["Content-ID"] = "<image001@example.invalid>"
    logo["Content-Disposition"] = 'inline; filename="image001.gif"'
    return logo


def test_attachment_names_never_become_paths(returns, tmp_path):
    evil = m.named_part(returns["hz_v2"], "../../逃逸.xlsx")
    _run_, results = _run([_eml(tmp_path / "in", "a.eml", m.message(CONTACT, "路径", m.when(20), [evil]))],
                          tmp_path / "out")
    [row] = results["files"]
    assert row["status"] == "counted" and row["message"]["attachment"] == "../../逃逸.xlsx"
    assert not list(tmp_path.rglob("逃逸.xlsx"))


def test_hostile_mail_is_rows_and_the_batch_goes_on(returns, tmp_path):
    import random

    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "noise.eml").write_bytes(random.Random(15).randbytes(20_000))
    deep = m.message(CONTACT, "最内层", m.when(20), [m.named_part(returns["nb"], "宁波.xlsx")])
    for level in range(60):  # forwarded inside forwarded, far deeper than any real chain
        deep = m.forwarded(CONTACT, f"转发{level}", m.when(20), deep)
    _eml(inbox, "deep.eml", deep)
    _eml(inbox, "good.eml", m.message(CONTACT, "杭州市报送", m.when(20), [m.named_part(returns["hz_v2"], NAME)]))
    _run_, results = _run([inbox], tmp_path / "out")
    by_name = {row["message"]["subject"]: row for row in results["files"] if row.get("message")}
    assert by_name["杭州市报送"]["status"] == "counted"
    assert by_name["转发59"]["issues"][0]["code"] == "MAIL_BAD"  # too deep: said so, not opened
    assert len(results["files"]) == 3


def _case_docx(folder: Path, name: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("杭州市“城市大脑”建设", level=0)
    for section in ("1、背景与需求", "2、主要做法", "3、特色亮点", "4、应用成效"):
        document.add_heading(section, level=1)
        document.add_paragraph("杭州市依托城市大脑统筹交通、政务等数据，群众办事更加便利。")
    path = folder / name
    document.save(path)
    return path.read_bytes()


def test_a_case_document_beside_the_return_is_no_rejected_return(returns, tmp_path):
    """QA round (江苏): 宿迁 mailed its workbook and its 附件3 case (.docx); the case was checked,
    yet it also stood in 提交情况 as 宿迁's second file “不计入：文件无法使用” (MAIL_NOT_A_RETURN
    “不是工作簿或压缩包，已跳过”), and the report counted it among the unusable returns.
    The same for a case inside a zip. The case is sceval.cases's, never a row of files[]."""
    case = _case_docx(tmp_path, "case.docx")
    case_name = f"{HANGZHOU.code}_{HANGZHOU.name}_优秀实践案例.docx"
    inbox = tmp_path / "in"
    _eml(inbox, "hz.eml", m.message(CONTACT, "杭州市填报表及案例", m.when(20),
                                    [m.named_part(returns["hz_v2"], "杭州.xlsx"), m.named_part(case, case_name, "msword")]))
    zipped = m.zip_of({f"{NINGBO.code}_{NINGBO.name}.xlsx": returns["nb"], f"{NINGBO.code}_{NINGBO.name}_案例.docx": case})
    (inbox / "宁波.zip").write_bytes(zipped)
    _run_, results = _run([inbox], tmp_path / "out")
    assert sorted((row["city"], row["status"]) for row in results["files"]) == [
        (HANGZHOU.code, "counted"), (NINGBO.code, "counted")]
    assert not any(row["path"].endswith(".docx") for row in results["files"])
    cases = json.loads((tmp_path / "out" / "cases.json").read_text(encoding="utf-8"))["files"]
    assert any(record["file"].endswith(case_name) for record in cases)  # the case itself is checked
