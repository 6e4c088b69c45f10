"""Issue 21, items 8, 17, 19: the case walk never reads through a link out of its folder, a path the
system refuses is a row, and a title's bidi control is shown as <U+202E> in cases.json."""
from __future__ import annotations

import json

from sceval.cases import check_cases
from tests.sceval.cases.factory import good_case


def _codes(report) -> dict[str, set[str]]:
    return {record.file: {i.code for i in record.issues} for record in report.files}


def test_a_link_out_of_the_input_folder_is_a_row_and_not_read(tmp_path):
    folder = tmp_path / "案例"
    folder.mkdir()
    outside = good_case().save(tmp_path / "elsewhere" / "330100_杭州市.docx")
    (folder / "330100_杭州市.docx").symlink_to(outside)
    inside = good_case().save(folder / "sub" / "330200_宁波市.docx")
    (folder / "330200_宁波市_链接.docx").symlink_to(inside)
    report = check_cases([folder])
    codes = _codes(report)
    [link] = [name for name in codes if name.endswith("330100_杭州市.docx")]
    assert codes[link] == {"FILE_LINK_OUTSIDE"}
    assert not any(record.sha256 for record in report.files if record.file == link)
    [inner] = [name for name in codes if "330200_宁波市" in name]  # the same bytes twice: one record
    assert "FILE_LINK_OUTSIDE" not in codes[inner]
    assert inner.endswith("_链接.docx") and "FILE_LINK_FOLLOWED" in codes[inner]  # the link sorts first


def test_a_named_path_the_system_refuses_is_a_row(tmp_path):
    refused = tmp_path / ("长" * 200) / "330100_杭州市.docx"  # ENAMETOOLONG: stat raises, as EACCES does
    report = check_cases([refused])
    [record] = report.files
    assert {i.code for i in record.issues} == {"CASE_UNREADABLE"} and "无法访问" in record.issues[0].message


def test_a_bidi_control_in_the_title_is_shown_in_cases_json(tmp_path):
    path = good_case(title="杭州城市大脑\u202excod.exe").save(tmp_path / "in" / "330100_杭州市.docx")
    report = check_cases([path], out_dir=tmp_path)
    [record] = report.files
    assert record.title == "杭州城市大脑<U+202E>xcod.exe"
    assert "\u202e" not in (tmp_path / "cases.json").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "cases.json").read_text(encoding="utf-8"))["files"][0]["title"] == record.title


def test_a_dangling_case_link_is_a_row(tmp_path):
    folder = tmp_path / "案例"
    folder.mkdir()
    (folder / "330100_杭州市.docx").symlink_to(folder / "gone.docx")
    [record] = check_cases([folder]).files
    assert {i.code for i in record.issues} == {"CASE_UNREADABLE"} and "不存在" in record.issues[0].message
