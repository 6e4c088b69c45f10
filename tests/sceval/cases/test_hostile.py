"""Hostile and wrong inputs: each refused (or warned) by code, never an exception, never altered."""
from __future__ import annotations

import hashlib
import zipfile

import pytest

from sceval.cases import check_case_file, check_cases
from tests.sceval.cases.factory import good_case
from tests.sceval.hostile import cfb_bytes, rewrite_zip, write_encrypted
from tests.sceval.ingest_helpers import zhejiang


def codes(record) -> set[str]:
    return {item.code for item in record.issues}


@pytest.fixture
def good(tmp_path):
    return good_case().save(tmp_path / "src" / "330100_杭州市.docx")


def test_zip_bomb_docx(tmp_path, good):
    bomb = tmp_path / "炸弹.docx"
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info))
        with new.open("word/media/pad.bin", "w", force_zip64=True) as pad:
            for _ in range(50):
                pad.write(b"\0" * (1 << 20))
    record = check_case_file(bomb)
    assert codes(record) == {"CASE_ZIP_BOMB"} and record.status == "rejected"


def test_encrypted_document(tmp_path):
    path = write_encrypted(tmp_path).rename(tmp_path / "加密.docx")
    assert codes(check_case_file(path)) == {"CASE_ENCRYPTED"}


def test_duplicate_member_names(tmp_path, good):
    twice = tmp_path / "重名.docx"
    with pytest.warns(UserWarning):  # zipfile itself warns of the duplicate
        rewrite_zip(good, twice, add={"word/document.xml": b"<w:document/>"})
    record = check_case_file(twice)
    assert codes(record) == {"CASE_DUPLICATE_MEMBERS"}
    assert "word/document.xml" in record.issues[0].message


def test_dtd_in_a_part(tmp_path, good):
    with zipfile.ZipFile(good) as package:
        document = package.read("word/document.xml")
    evil = document.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)
    path = rewrite_zip(good, tmp_path / "实体.docx", replace={"word/document.xml": evil})
    assert codes(check_case_file(path)) == {"CASE_XML_UNSAFE"}


def test_docm_is_read_never_run(tmp_path, good):
    with zipfile.ZipFile(good) as package:
        types = package.read("[Content_Types].xml")
    macro = types.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                          b"application/vnd.ms-word.document.macroEnabled.main+xml")
    path = rewrite_zip(good, tmp_path / "330100_杭州市.docm", replace={"[Content_Types].xml": macro},
                       add={"word/vbaProject.bin": cfb_bytes({"dir": b"Attribute VB_Name"})})
    record = check_case_file(path, roster=zhejiang())
    assert codes(record) == {"CASE_MACROS"} and record.status == "warnings"
    assert record.characters == 168 and all(s["found"] for s in record.sections)


def test_pdf_asks_for_word(tmp_path):
    path = tmp_path / "案例.pdf"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n")
    record = check_case_file(path)
    assert codes(record) == {"CASE_PDF"} and "Word" in record.issues[0].message


def test_doc_without_libreoffice_asks_for_docx(tmp_path, monkeypatch):
    path = tmp_path / "案例.doc"
    path.write_bytes(cfb_bytes({"WordDocument": b"\xec\xa5" + b"\0" * 600}))
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice to be found
    record = check_case_file(path)
    assert codes(record) == {"CASE_CONVERT_UNAVAILABLE"} and "另存为 .docx" in record.issues[0].message


@pytest.mark.parametrize("content, code", [
    (b"", "CASE_UNREADABLE"),
    (b"PK\x03\x04 truncated", "CASE_UNREADABLE"),
    (b"just some text", "CASE_NOT_DOCUMENT"),
])
def test_broken_files(tmp_path, content, code):
    path = tmp_path / "坏文件.docx"
    path.write_bytes(content)
    assert codes(check_case_file(path)) == {code}


def test_a_zip_of_cases_each_member_on_its_own(tmp_path, good):
    bomb_free = tmp_path / "附件.zip"
    with zipfile.ZipFile(bomb_free, "w") as archive:
        archive.write(good, "杭州案例.docx")
        archive.writestr("说明.txt", "不是案例")
        archive.writestr("坏的.docx", b"not a zip")
    before = hashlib.sha256(bomb_free.read_bytes()).hexdigest()
    report = check_cases([bomb_free], roster=zhejiang(), out_dir=tmp_path / "out")
    assert [r.file for r in report.files] == [f"{bomb_free} › 杭州案例.docx", f"{bomb_free} › 坏的.docx"]
    assert [r.status for r in report.files] == ["ok", "rejected"]
    assert report.files[0].city == {"code": "330100", "name": "杭州市"}  # from the member's name
    assert hashlib.sha256(bomb_free.read_bytes()).hexdigest() == before
    assert (tmp_path / "out" / "cases.json").is_file()


def test_a_damaged_archive_is_a_record_not_a_crash(tmp_path):
    broken = tmp_path / "坏.zip"
    broken.write_bytes(b"PK\x05\x06" + b"\0" * 10)
    report = check_cases([broken])
    assert [codes(r) for r in report.files] == [{"ARCHIVE_BAD"}]


def _letter(attachment_name: str, data: bytes, mime: str) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "city@example.invalid", "pg@example.invalid", "案例"
    message["Date"] = "Thu, 05 Jan 2017 10:00:00 +0800"
    message.set_content("附件为我市优秀案例。")
    maintype, subtype = mime.split("/")
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=attachment_name)
    return bytes(message)


def test_a_case_mailed_as_an_attachment(tmp_path, good):
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    (tmp_path / "来信.eml").write_bytes(_letter("杭州市优秀案例.docx", good.read_bytes(), docx_type))
    (tmp_path / "填报表.eml").write_bytes(_letter("填报表.xlsx", b"PK\x03\x04", "application/octet-stream"))
    report = check_cases([tmp_path / "来信.eml", tmp_path / "填报表.eml"], roster=zhejiang())
    assert len(report.files) == 1 and report.files[0].file.endswith(" › 杭州市优秀案例.docx")
    assert report.files[0].status == "ok" and report.files[0].city["code"] == "330100"
