"""Issue 21, the mail of the third hostile round: an mbox split at a body line, links in a Maildir,
control characters and huge headers, raw CR/LF and NUL in attachment names, and letters with
identical headers told apart by their file. Every mailbox here is generated and read back."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.intake.mailbox.read import letter_from_bytes, letters_in
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang
from tests.sceval.mail import messages as m

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU, WENZHOU = ROSTER.cities[0], next(c for c in ROSTER.cities if c.name == "温州市")


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("returns")
    values = valid_values(CATALOG)
    return {city.code: fill(render(CATALOG, city, ROSTER, folder), folder / f"{city.code}.xlsx", values).read_bytes()
            for city in (HANGZHOU, WENZHOU)}


def _letter(city, data: bytes, preamble: str = ""):
    name = f"{city.code}_{city.name}_填报表.xlsx"
    letter = m.message(f"联系人 <{city.email}>", f"{city.name}填报表", m.when(20), [m.named_part(data, name)])
    if preamble:
        letter.preamble = preamble  # plain text before the first part: raw lines of the mbox
    return letter


def _ingest(inputs, out: Path) -> dict:
    ingest(inputs, out, IngestOptions(CATALOG, roster=ROSTER, jobs=1, ledger_path=out / "ledger.sqlite"))
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _status(results: dict, city) -> str:
    return next(c["status"] for c in results["cities"] if c["code"] == city.code)


def test_a_body_line_starting_with_from_does_not_split_the_message(returns, tmp_path):
    """Item 9: "From the city…" after a blank line, unquoted (mboxo writers), is body text."""
    wenzhou = m.as_bytes(_letter(WENZHOU, returns[WENZHOU.code], preamble="Dear all,\n\nFrom the city of Wenzhou, 12:30 2016\n"))
    assert b"\n\nFrom the city" in wenzhou.replace(b"\r\n", b"\n")
    box = tmp_path / "收件箱.mbox"
    box.write_bytes(b"From sender@example.invalid Tue Dec 20 09:00:00 2016\n" + wenzhou.replace(b"\r\n", b"\n") + b"\n")
    letters = list(letters_in(box))
    assert len(letters) == 1 and [a.suffix for a in letters[0].attachments] == [".xlsx"]
    results = _ingest([box], tmp_path / "out")
    assert _status(results, WENZHOU) == "submitted"
    assert all("收件箱.mbox 第 1 封 › 邮件“" in row["path"] for row in results["files"])


def test_mbox_separators_in_the_shapes_clients_write_them(returns, tmp_path):
    one, two = (m.as_bytes(_letter(c, returns[c.code])).replace(b"\r\n", b"\n") for c in (HANGZHOU, WENZHOU))
    box = tmp_path / "Inbox"  # Thunderbird: no extension, "From - <date>"
    box.write_bytes(b"From - Tue Dec 20 09:00:00 2016\n" + one + b"\nFrom MAILER-DAEMON Tue Dec 20 10:00:00 2016\n" + two)
    assert [len(letter.attachments) for letter in letters_in(box)] == [1, 1]


def test_a_maildir_link_to_a_file_outside_is_a_row_and_not_read(returns, tmp_path):
    """Item 7: a return stored outside the Maildir, linked from cur/, never counts."""
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    outside = tmp_path / "elsewhere.eml"
    outside.write_bytes(m.as_bytes(_letter(HANGZHOU, returns[HANGZHOU.code])))
    (maildir / "cur" / "1.host:2,S").symlink_to(outside)
    inside = maildir / "new" / "2.host"
    inside.write_bytes(m.as_bytes(_letter(WENZHOU, returns[WENZHOU.code])))
    (maildir / "cur" / "3.host:2,S").symlink_to(inside)
    results = _ingest([maildir], tmp_path / "out")
    assert _status(results, HANGZHOU) == "missing"
    [row] = [r for r in results["files"] if any(i["code"] == "FILE_LINK_OUTSIDE" for i in r["issues"])]
    assert "cur/1.host:2,S" in row["path"] and "elsewhere.eml" in row["issues"][0]["message"]
    followed = [r for r in results["files"] if any(i["code"] == "FILE_LINK_FOLLOWED" for i in r["issues"])]
    assert followed and all("cur/3.host:2,S" in r["path"] for r in followed)
    assert _status(results, WENZHOU) == "submitted"


def test_headers_are_stored_clean_and_bounded(returns, tmp_path):
    """Items 10, 20: a Subject with \\x01 and one of 1 MB; the city still gets its feedback workbook."""
    msg = _letter(HANGZHOU, returns[HANGZHOU.code])
    del msg["Subject"], msg["From"]
    msg["Subject"] = "杭州\x01报送" + "长" * 100_000  # 300 kB: far past any bound, quick to encode
    msg["From"] = "同事 <colleague@example.invalid>"  # MAIL_SENDER_UNKNOWN: the city gets a feedback workbook
    letter = letter_from_bytes(m.as_bytes(msg))
    assert letter.subject.startswith("杭州<U+0001>报送") and len(letter.subject) < 400
    path = tmp_path / "in" / "hz.eml"
    path.parent.mkdir()
    path.write_bytes(m.as_bytes(msg))
    out = tmp_path / "out"
    results = _ingest([path], out)
    city = next(c for c in results["cities"] if c["code"] == HANGZHOU.code)
    assert "MAIL_SENDER_UNKNOWN" in {i["code"] for i in city["issues"]}
    [feedback] = (out / "反馈").glob(f"{HANGZHOU.code}_*.xlsx")
    import openpyxl

    texts = [str(v) for ws in openpyxl.load_workbook(feedback).worksheets for row in ws.iter_rows(values_only=True)
             for v in row if v]
    assert any("<U+0001>" in text for text in texts) and not any("\x01" in text for text in texts)
    assert (out / "results.json").stat().st_size < 200_000
    assert (out / "ledger.sqlite").stat().st_size < 1_000_000


def _part_named_raw(data: bytes, raw_name: bytes) -> bytes:
    import base64

    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (b'From: a@example.invalid\r\nSubject: s\r\nDate: Tue, 20 Dec 2016 09:00:00 +0800\r\nMIME-Version: 1.0\r\n'
            b'Content-Type: multipart/mixed; boundary="BB"\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\nhi\r\n--BB\r\n'
            b"Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n"
            b'Content-Disposition: attachment; filename="' + raw_name + b'"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            + encoded + b"--BB--\r\n")


def test_raw_line_break_and_nul_in_an_attachment_name(returns):
    """Item 21: the CR/LF no longer cuts the part's headers; the NUL is shown, never kept raw."""
    data = returns[HANGZHOU.code]
    [broken] = letter_from_bytes(_part_named_raw(data, "330100_\r\n杭州市.xlsx".encode())).attachments
    assert broken.name == "330100_ 杭州市.xlsx" and broken.suffix == ".xlsx" and broken.data == data
    [nul] = letter_from_bytes(_part_named_raw(data, "330100_\x00杭州市.xlsx".encode())).attachments
    assert nul.name == "330100_<U+0000>杭州市.xlsx" and "\x00" not in json.dumps(nul.name)


def test_letters_with_identical_headers_are_told_apart_by_their_file(returns, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    raw = m.as_bytes(_letter(HANGZHOU, returns[HANGZHOU.code]))
    for name in ("a.eml", "b.eml"):
        (folder / name).write_bytes(raw.replace(b"\xe8\xaf\xb7\xe6\x9f\xa5\xe6\x94\xb6", name.encode()))
    paths = [row["path"] for row in _ingest([folder], tmp_path / "out")["files"]]
    assert any(p.startswith("a.eml › ") or "/a.eml › " in p for p in paths), paths
    assert any(p.startswith("b.eml › ") or "/b.eml › " in p for p in paths), paths


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symlinks")
def test_letters_in_reads_nothing_through_an_outside_link(tmp_path):
    maildir = tmp_path / "M"
    for sub in ("cur", "new"):
        (maildir / sub).mkdir(parents=True)
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (maildir / "new" / "x").symlink_to(tmp_path / "passwd")
    [letter] = list(letters_in(maildir))
    assert letter.problem_code == "FILE_LINK_OUTSIDE" and not letter.attachments and letter.sender == ""


def test_empty_letters_past_the_cap_are_counted_in_one_row_and_no_attachment_is_lost(returns, tmp_path):
    """Item 4: memory must not grow with the message count; every attachment keeps its own row."""
    from sceval.intake.mailbox.inbox import EMPTY_ROWS, gather_mail

    tiny = b"From a@example.invalid Tue Dec 20 09:00:00 2016\nFrom: a@example.invalid\nSubject: hi %d\n\nhi\n\n"
    last = m.as_bytes(_letter(HANGZHOU, returns[HANGZHOU.code])).replace(b"\r\n", b"\n")
    box = tmp_path / "box.mbox"
    box.write_bytes(b"".join(tiny % n for n in range(EMPTY_ROWS + 50))
                    + b"From b@example.invalid Tue Dec 20 10:00:00 2016\n" + last + b"\n")
    found, skipped = [], []
    gather_mail(box, tmp_path / "work", "2016-12-20T00:00:00+00:00", found, skipped)
    codes = [row.issues[0].code for row in skipped]
    assert codes.count("MAIL_NO_ATTACHMENT") == EMPTY_ROWS and codes[-1] == "MAIL_MANY_EMPTY"
    assert "50 封" in skipped[-1].issues[0].message
    assert [item.display.rsplit(" › ", 1)[-1] for item in found] == [f"{HANGZHOU.code}_{HANGZHOU.name}_填报表.xlsx"]
    assert f"第 {EMPTY_ROWS + 51} 封" in found[0].display


def _with_length(raw: bytes, length_delta: int = 0) -> bytes:
    head, body = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)
    return head + b"\nContent-Length: %d\n\n" % (len(body) + length_delta) + body


def test_content_length_keeps_a_separator_shaped_body_line_inside_its_message(returns, tmp_path):
    """Item 9: a body line shaped exactly like a separator is still body when Content-Length says so;
    a Content-Length that does not end where the next message starts is ignored."""
    from sceval.intake.mailbox.mbox import mbox_messages

    first = _letter(HANGZHOU, returns[HANGZHOU.code], preamble="\nFrom someone Tue Dec 20 08:00:00 2016\n")
    one = _with_length(m.as_bytes(first))
    two = m.as_bytes(_letter(WENZHOU, returns[WENZHOU.code])).replace(b"\r\n", b"\n")
    box = tmp_path / "cl.mbox"
    box.write_bytes(b"From a Tue Dec 20 09:00:00 2016\n" + one + b"\nFrom b Tue Dec 20 10:00:00 2016\n" + two)
    letters = [letter_from_bytes(raw) for raw in mbox_messages(box)]
    assert [len(letter.attachments) for letter in letters] == [1, 1]
    for wrong in (b"999999999", b"10"):
        box.write_bytes(box.read_bytes().replace(b"Content-Length: %d" % (len(one) - one.index(b"\n\n") - 2),
                                                 b"Content-Length: " + wrong))
        raws = list(mbox_messages(box))
        assert len(raws) >= 2 and letter_from_bytes(raws[-1]).address == WENZHOU.email  # not swallowed
