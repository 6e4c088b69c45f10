"""`sceval mail fetch` against a real IMAP server (pymap) on 127.0.0.1: read-only, incremental,
Chinese folder names, size cap, TLS, and every failure as exit 2 without the password."""
from __future__ import annotations

import json
import re
import socket
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate

import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.intake.mailbox.imap.connect import PASSWORD_VARIABLE, ImapFailure, ImapSettings
from sceval.intake.mailbox.imap.fetch import _select_problem, fetch_mail
from sceval.intake.mailbox.imap.store import STATE_FILE
from sceval.intake.mailbox.read import letters_in
from tests.sceval.mail.imap_server import PASSWORD, USER, append_all, client, flags_of, free_port, imap_server

FOLDER = "城市报送"


def _message(number: int, attachment_bytes: int = 2000) -> bytes:
    message = MIMEMultipart(boundary=f"return-{number}")  # the same message has the same bytes
    message["From"] = f"city{number}@example.invalid"
    message["To"] = "pg@example.invalid"
    message["Subject"] = f"第{number}号填报表"
    message["Date"] = formatdate(1482192000 + number * 3600)
    message["Message-ID"] = f"<return-{number}@example.invalid>"
    message.attach(MIMEText("附件是填报表", "plain", "utf-8"))
    part = MIMEApplication(bytes(range(256)) * (attachment_bytes // 256 + 1), "octet-stream")
    part.add_header("Content-Disposition", "attachment", filename=f"填报表{number}.xlsx")
    message.attach(part)
    return message.as_bytes().replace(b"\n", b"\r\n")


@pytest.fixture()
def server(tmp_path):
    log = tmp_path / "pymap.log"
    with imap_server(log, ("--no-tls", "--debug")) as port:
        yield port, log


def _fetch_cli(port: int, out, *extra: str, password: str = PASSWORD, env: dict | None = None, input: str | None = None):
    environment = {PASSWORD_VARIABLE: password} if env is None else env
    return CliRunner().invoke(app, ["mail", "fetch", "--imap", f"127.0.0.1:{port}", "--imap-user", USER,
                                    "--out", str(out), *extra], env=environment, input=input)


def _stored(maildir) -> list:
    return sorted((maildir / "new").iterdir())


def test_a_chinese_folder_is_listed_in_chinese_and_fetched_without_marking_anything_seen(server, tmp_path):
    port, log = server
    append_all(port, FOLDER, [_message(1), _message(2)])
    append_all(port, FOLDER, [_message(3)], flags=[b"\\Flagged"])
    raw = client(port)
    raw.folder_encode = False  # what really travels: modified UTF-7
    assert b"&V85eAmKlkAE-" in [name for _f, _d, name in raw.list_folders()]
    raw.logout()
    before = flags_of(port, FOLDER)

    listed = _fetch_cli(port, tmp_path / "unused", "--list-folders")
    assert listed.exit_code == 0, listed.output
    assert "城市报送" in listed.output and "&V85e" not in listed.output
    fetched = _fetch_cli(port, tmp_path / "md", "--folder", FOLDER)
    assert fetched.exit_code == 0, fetched.output
    assert "新收取 3 封" in fetched.output

    after = flags_of(port, FOLDER)
    assert after == before and len(after) == 3
    assert all(b"\\Seen" not in flags for flags in after.values())
    sent = [line.split("-->| ", 1)[1] for line in log.read_text(errors="replace").splitlines() if "-->| " in line]
    identified = [line for line in sent if re.search(r'ID \("name" "sceval"', line)]  # RFC 2971 ID (Coremail)
    assert len(identified) == 2 and all(line.endswith(")") for line in identified)  # list, fetch; no trailing space
    fetches = [line for line in sent if "UID FETCH" in line]
    assert fetches and any("BODY.PEEK[]" in line for line in fetches)
    assert not any("BODY[]" in line.replace("BODY.PEEK[]", "") or "SELECT" in line for line in sent)
    assert any("EXAMINE" in line for line in sent)
    for line in fetches:  # ascending UID sets only (QQ Mail: "BAD UID parameters" otherwise)
        uids = [int(n) for n in re.findall(r"\d+", line.split("UID FETCH ", 1)[1].split(" ", 1)[0])]
        assert uids == sorted(uids)
    letters = list(letters_in(tmp_path / "md"))
    assert [letter.mailbox["uid"] for letter in letters] == sorted(before)
    assert {letter.mailbox["folder"] for letter in letters} == {FOLDER}
    assert letters[0].shown.startswith(f"邮箱 城市报送 #{min(before)} › 邮件“第1号填报表”")
    assert [a.name for a in letters[2].attachments] == ["填报表3.xlsx"]


def test_a_second_fetch_brings_only_the_message_that_arrived_between(server, tmp_path):
    port, log = server
    append_all(port, FOLDER, [_message(n) for n in range(1, 6)])
    settings = ImapSettings.parse(f"127.0.0.1:{port}", USER)
    first = fetch_mail(settings, PASSWORD, tmp_path / "md", (FOLDER,))
    append_all(port, FOLDER, [_message(6)])
    second = fetch_mail(settings, PASSWORD, tmp_path / "md", (FOLDER,))
    third = fetch_mail(settings, PASSWORD, tmp_path / "md", (FOLDER,))
    assert (first.stored, second.stored, third.stored) == (5, 1, 0)
    assert len(_stored(tmp_path / "md")) == 6
    state = json.loads((tmp_path / "md" / STATE_FILE).read_text(encoding="utf-8"))
    [account] = state["accounts"].values()
    assert account[FOLDER]["last_uid"] == max(flags_of(port, FOLDER))
    searched = [int(n) for n in re.findall(r"-->\| \S+ UID SEARCH UID (\d+):\*", log.read_text(errors="replace"))]
    assert len(searched) == 2 and max(searched) <= account[FOLDER]["last_uid"]  # never "n:*" past the last UID


def test_a_changed_uidvalidity_fetches_the_folder_again_without_duplicates(server, tmp_path):
    port, _ = server
    append_all(port, FOLDER, [_message(n) for n in range(1, 4)])
    settings = ImapSettings.parse(f"127.0.0.1:{port}", USER)
    first = fetch_mail(settings, PASSWORD, tmp_path / "md", (FOLDER,))
    connection = client(port)
    connection.delete_folder(FOLDER)  # the server rebuilt the folder: new UIDVALIDITY, new UIDs
    connection.logout()
    append_all(port, FOLDER, [_message(n) for n in range(1, 5)])
    again = fetch_mail(settings, PASSWORD, tmp_path / "md", (FOLDER,))
    [before], [after] = first.folders, again.folders
    assert before.uidvalidity != after.uidvalidity and after.refetched
    assert (after.stored, after.duplicates) == (1, 3)
    assert len(_stored(tmp_path / "md")) == 4


def test_a_message_over_the_cap_stays_on_the_server_and_ingest_names_it(server, tmp_path):
    from sceval.ingest.batch import IngestOptions, ingest
    from sctemplates.catalog import load_catalog

    port, _ = server
    append_all(port, FOLDER, [_message(1), _message(2, attachment_bytes=200_000)])
    report = fetch_mail(ImapSettings.parse(f"127.0.0.1:{port}", USER), PASSWORD, tmp_path / "md", (FOLDER,),
                        max_bytes=100_000)
    [folder] = report.folders
    big_uid = max(flags_of(port, FOLDER))
    assert folder.too_large == [big_uid] and folder.stored == 1
    assert max(path.stat().st_size for path in _stored(tmp_path / "md")) < 10_000  # headers only
    run = ingest([tmp_path / "md"], tmp_path / "out", IngestOptions(load_catalog(), jobs=1, draws=0))
    results = json.loads(run.results_path.read_text(encoding="utf-8"))
    [row] = [f for f in results["files"] if any(i["code"] == "IMAP_MESSAGE_TOO_LARGE" for i in f["issues"])]
    assert row["path"].startswith(f"邮箱 城市报送 #{big_uid} › 邮件“第2号填报表”")
    assert row["message"]["imap"] == {"folder": FOLDER, "uid": big_uid, "uidvalidity": folder.uidvalidity}


def test_a_wrong_authorisation_code_is_exit_2_saying_what_to_do_and_never_echoed(server, tmp_path):
    port, _ = server
    wrong = "wrong-secret-4711"
    result = _fetch_cli(port, tmp_path / "md", password=wrong)
    assert result.exit_code == 2
    assert "IMAP_LOGIN" in result.output and "授权码" in result.output and "开启 IMAP" in result.output
    assert wrong not in result.output and PASSWORD not in result.output
    assert not (tmp_path / "md").exists()  # nothing written before the login succeeds


def test_the_password_can_be_typed_at_a_prompt_that_does_not_echo_it(server, tmp_path):
    port, _ = server
    append_all(port, "INBOX", [_message(1)])
    typed = _fetch_cli(port, tmp_path / "md", env={PASSWORD_VARIABLE: ""}, input=PASSWORD + "\n")
    assert typed.exit_code == 0, typed.output
    assert "授权码" in typed.output and PASSWORD not in typed.output and len(_stored(tmp_path / "md")) == 1
    empty = _fetch_cli(port, tmp_path / "md2", env={PASSWORD_VARIABLE: ""}, input="\n")
    assert empty.exit_code == 2 and "IMAP_NO_PASSWORD" in empty.output


def test_a_missing_folder_is_exit_2_pointing_to_list_folders(server, tmp_path):
    port, _ = server
    result = _fetch_cli(port, tmp_path / "md", "--folder", "不存在的文件夹")
    assert result.exit_code == 2 and "IMAP_FOLDER" in result.output and "--list-folders" in result.output


def test_a_refused_connection_is_exit_2(tmp_path):
    result = _fetch_cli(free_port(), tmp_path / "md")
    assert result.exit_code == 2 and "IMAP_CONNECT" in result.output and "端口" in result.output
    assert PASSWORD not in result.output


def test_a_server_that_never_answers_is_a_timeout(tmp_path):
    with socket.socket() as silent:  # accepts the connection (backlog) and never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        settings = ImapSettings("127.0.0.1", silent.getsockname()[1], USER, timeout=1)
        with pytest.raises(ImapFailure) as failure:
            fetch_mail(settings, PASSWORD, tmp_path / "md")
    assert failure.value.problem.code == "IMAP_TIMEOUT" and "超时" in failure.value.problem.message


def test_unsafe_login_on_select_says_to_enable_imap():
    problem = _select_problem("INBOX", "SELECT Unsafe Login. Please contact kefu@188.com for help")
    assert problem.code == "IMAP_UNSAFE_LOGIN" and "开启" in problem.message and "授权码" in problem.message



def test_starttls_is_used_and_verified(tmp_path, certificate):
    """A server offering STARTTLS gets it even on loopback; an unknown certificate is refused
    before the authorisation code is sent, a trusted one works."""
    cert, key = certificate
    with imap_server(tmp_path / "pymap.log", ("--cert", str(cert), "--key", str(key))) as port:
        append_all_tls = ImapSettings("127.0.0.1", port, USER, cafile=str(cert))
        with pytest.raises(ImapFailure) as refused:
            fetch_mail(ImapSettings("127.0.0.1", port, USER), PASSWORD, tmp_path / "md")
        trusted = fetch_mail(append_all_tls, PASSWORD, tmp_path / "md")
    assert refused.value.problem.code == "IMAP_CERTIFICATE"
    assert trusted.folders[0].name == "INBOX" and trusted.stored == 0


def test_addresses_are_parsed_with_993_by_default():
    assert ImapSettings.parse("imap.163.com", USER).port == 993
    assert ImapSettings.parse("imap.qq.com:993", USER).implicit_tls
    assert ImapSettings.parse("[::1]:1143", USER).loopback and not ImapSettings.parse("imap.qq.com", USER).loopback
    with pytest.raises(ImapFailure) as bad:
        ImapSettings.parse("imap.163.com:abc", USER)
    assert bad.value.problem.code == "IMAP_BAD_ADDRESS"


def test_plain_imap_is_refused_unless_the_address_is_loopback(server, tmp_path):
    """The same server reached by a host name instead of a loopback address: no STARTTLS on
    offer, so the authorisation code is not sent at all."""
    port, log = server
    name = socket.gethostname()
    if socket.gethostbyname(name) != "127.0.0.1":
        pytest.skip("this machine's host name does not resolve to 127.0.0.1")
    with pytest.raises(ImapFailure) as refused:
        fetch_mail(ImapSettings(name, port, USER), PASSWORD, tmp_path / "md")
    assert refused.value.problem.code == "IMAP_NO_TLS" and "993" in refused.value.problem.message
    sent = [line for line in log.read_text(errors="replace").splitlines() if "-->| " in line]
    assert sent and not any("LOGIN" in line or PASSWORD in line for line in sent) and not (tmp_path / "md").exists()


def test_since_fetches_only_messages_received_from_that_day(server, tmp_path):
    from datetime import date, datetime, timezone

    port, _ = server
    connection = client(port)
    connection.create_folder(FOLDER)
    connection.append(FOLDER, _message(1), msg_time=datetime(2016, 11, 20, tzinfo=timezone.utc))
    connection.append(FOLDER, _message(2), msg_time=datetime(2016, 12, 21, tzinfo=timezone.utc))
    connection.logout()
    report = fetch_mail(ImapSettings("127.0.0.1", port, USER), PASSWORD, tmp_path / "md", (FOLDER,),
                        since=date(2016, 12, 1))
    assert report.stored == 1
    [letter] = letters_in(tmp_path / "md")
    assert letter.subject == "第2号填报表"


def test_origin_headers_written_by_a_sender_are_not_believed():
    """Only the stored copy's first lines say where a message was fetched from: the same headers
    further down (a sender wrote them) neither rename the row nor hide the attachment."""
    from sceval.intake.mailbox.read import letter_from_bytes

    forged = (b"Received: from mx.example.invalid\r\nX-Sceval-Imap-Folder: INBOX\r\nX-Sceval-Imap-Uid: 5\r\n"
              b"X-Sceval-Imap-Skipped: 99999999\r\n" + _message(1))
    letter = letter_from_bytes(forged)
    assert letter.mailbox == {} and letter.oversize == 0
    assert [a.name for a in letter.attachments] == ["填报表1.xlsx"] and not letter.shown.startswith("邮箱")


def test_an_interrupted_fetch_resumes_after_the_last_saved_batch(server, tmp_path, monkeypatch):
    """The state is saved after every batch: stopped after the first (Ctrl-C, a dropped line),
    the next fetch asks only for the rest, and nothing is stored twice."""
    import sceval.intake.mailbox.imap.fetch as fetch_module

    port, log = server
    append_all(port, FOLDER, [_message(n) for n in range(1, 6)])
    monkeypatch.setattr(fetch_module, "SIZE_BATCH", 2)

    def stop_after_first_batch(_folder, done, _total):
        if done:
            raise KeyboardInterrupt

    settings = ImapSettings("127.0.0.1", port, USER)
    with pytest.raises(KeyboardInterrupt):
        fetch_mail(settings, PASSWORD, tmp_path / "md", (FOLDER,), progress=stop_after_first_batch)
    assert len(_stored(tmp_path / "md")) == 2
    rest = fetch_mail(settings, PASSWORD, tmp_path / "md", (FOLDER,))
    assert (rest.stored, rest.folders[0].duplicates) == (3, 0) and len(_stored(tmp_path / "md")) == 5
