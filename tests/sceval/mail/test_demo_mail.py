"""The demo round over e-mail: drafts written, and every return read from one mbox."""
from __future__ import annotations

import email
import email.policy
import json

import pytest

from sceval.demo.mail import DRAFTS_DIR, MAILBOX, RAW_GBK_CITY, RFC2231_CITY
from sceval.demo.round import CORRECTED_CITY, SILENT_CITY


@pytest.fixture(scope="module")
def demo(demo_round):
    return demo_round, json.loads(demo_round.results.read_text(encoding="utf-8"))


def test_the_province_drafts_carry_each_template(demo):
    run, _ = demo
    assert len(run.drafts) == len(run.templates) == 11
    assert all(path.parent.name == DRAFTS_DIR for path in run.drafts)
    parsed = email.message_from_bytes(run.drafts[0].read_bytes(), policy=email.policy.default)
    [attachment] = parsed.iter_attachments()
    assert attachment.get_filename() == run.templates[0].name
    assert attachment.get_content() == run.templates[0].read_bytes()


def test_every_return_comes_from_the_one_mailbox_with_its_message(demo):
    run, results = demo
    assert [path.name for path in run.returns if "优秀案例" not in path.parts[-2]] == [MAILBOX]  # (+ 附件3 cases)
    import mailbox
    import shutil

    copy = run.out.parent / "copy.mbox"  # the standard library's reader agrees on the messages
    shutil.copy(run.returns[0], copy)
    assert len(mailbox.mbox(copy, create=False)) == len({f["message"]["message_id"] for f in results["files"] if f.get("message")})
    files = [row for row in results["files"] if "优秀案例" not in row["path"]]
    assert files and all(row.get("message") for row in files)
    assert "\ufffd" not in json.dumps(files, ensure_ascii=False)
    roster = results["roster"]
    for index in (RAW_GBK_CITY, RFC2231_CITY):  # raw 8-bit GBK and RFC 2231 split mid-character
        code = roster[index]["code"]
        [row] = [f for f in files if f["city"] == code]
        assert row["message"]["attachment"].startswith(f"{code}_{roster[index]['name']}_") and row["status"] == "counted"


def test_forwarded_zipped_and_empty_messages(demo):
    _, results = demo
    files, cities = results["files"], results["cities"]
    corrected = cities[CORRECTED_CITY]
    counted = next(f for f in files if f["city"] == corrected["code"] and f["status"] == "counted")
    assert counted["message"]["subject"].startswith("转发：") and counted["message"]["forwarded_from"]
    zipped = [f for f in files if ".zip/" in f["path"]]
    assert len(zipped) == 2 and len({f["message"]["message_id"] for f in zipped}) == 1
    assert sum("MAIL_SENDER_UNKNOWN" in {i["code"] for i in f["issues"]} for f in zipped) == 1
    silent = cities[SILENT_CITY]
    assert silent["status"] == "missing"
    [empty] = [f for f in files if "MAIL_NO_ATTACHMENT" in {i["code"] for i in f["issues"]}]
    assert empty["path"].endswith("（无附件）")
