"""Issue 21, item 1: a case document far past any case's size is read streaming and stopped at a
cap (CASE_BODY_TOO_LARGE), one row, never the whole XML in memory. The generated documents are
small on disk (they compress well) and reach the caps of sceval.cases.stream, not a time."""
from __future__ import annotations

import random
import zipfile

from sceval.cases import check_case_file
from sceval.cases.stream import MAX_PENDING, MAX_TEXT
from tests.sceval.cases.factory import NS, good_case

HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>'
TAIL = "</w:body></w:document>"


def with_body(tmp_path, name: str, blocks) -> str:
    """A copy of a good case whose document.xml is HEAD + the ``blocks`` (written as they come)."""
    good = good_case().save(tmp_path / "good.docx")
    target = tmp_path / name
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != "word/document.xml":
                new.writestr(info.filename, old.read(info))
        with new.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(HEAD.encode())
            for block in blocks:
                part.write(block.encode())
            part.write(TAIL.encode())
    return str(target)


def varied_text(count: int, seed: int) -> str:
    """Characters that do not compress past the zip-bomb ratio (the caps, not the ratio, must stop it)."""
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(count))


def test_text_past_the_cap_is_one_row(tmp_path):
    lines = (f"<w:p><w:r><w:t>{varied_text(1000, n)}</w:t></w:r></w:p>" for n in range(MAX_TEXT // 1000 + 10))
    path = with_body(tmp_path, "330100_杭州市_长.docx", lines)
    record = check_case_file(path)
    assert [i.code for i in record.issues] == ["CASE_BODY_TOO_LARGE"]
    assert "330100_杭州市_长.docx" in record.issues[0].message and f"{MAX_TEXT:,}" in record.issues[0].message
    assert record.status == "rejected"


def test_one_huge_table_is_stopped_inside_the_block(tmp_path):
    rows = (f"<w:tr><w:tc><w:p><w:r><w:t>{varied_text(2, n)}</w:t></w:r></w:p></w:tc></w:tr>"
            for n in range(MAX_PENDING // 5 + 10))  # five elements a row
    path = with_body(tmp_path, "表格.docx", ["<w:tbl>", *rows, "</w:tbl>"])
    record = check_case_file(path)
    assert [i.code for i in record.issues] == ["CASE_BODY_TOO_LARGE"]
    assert "单个段落或表格" in record.issues[0].message


def test_a_long_but_readable_case_is_still_counted(tmp_path):
    """Under the caps the streaming reader sees every paragraph: 9,000 characters are CASE_TOO_LONG."""
    line = "<w:p><w:r><w:t>" + "智" * 1000 + "</w:t></w:r></w:p>"
    record = check_case_file(with_body(tmp_path, "330100_杭州市.docx", [line] * 9))
    assert "CASE_TOO_LONG" in {i.code for i in record.issues} and record.characters == 9000
