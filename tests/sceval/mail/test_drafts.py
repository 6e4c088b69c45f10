"""Outgoing drafts, reminders and feedback: parsed back by Python's email package and by
independent MIME parsers (ripmime, munpack), and delivered to a local SMTP server."""
from __future__ import annotations

import email
import email.policy
import shutil
import subprocess
from pathlib import Path

import pytest

from sctemplates.province import load_province
from sctemplates.render import render_all
from sceval.demo.round import DEMO_INPUTS, INPUTS_DIR, load_demo_inputs
from sceval.mail.compose import attach, new_message, write_all, write_eml
from sceval.mail.letters import FILL_RULE, reminders, template_drafts

CATALOG, ROSTER, PROVINCE, OPTIONAL = load_demo_inputs()


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("drafts")
    templates = render_all(CATALOG, ROSTER, folder / "模板", province=PROVINCE)
    problems = []
    written = write_all(template_drafts(ROSTER, folder / "模板", PROVINCE, CATALOG.data_cutoff, problems),
                        folder / "草稿", "填报通知")
    return templates, written, problems


def _parse(path: Path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_one_draft_per_city_opens_as_unsent_with_the_template_attached(drafted):
    templates, written, problems = drafted
    assert problems == [] and len(written) == len(ROSTER.cities) == len(templates)
    for city, template, item in zip(ROSTER.cities, templates, written):
        parsed = _parse(item.path)
        assert parsed["X-Unsent"] == "1" and parsed["Date"] is None and parsed["Message-ID"] is None
        assert parsed["To"].addresses[0].addr_spec == city.email
        assert parsed["From"].addresses[0].addr_spec == "organiser@example.invalid"
        [attachment] = parsed.iter_attachments()
        assert attachment.get_filename() == template.name
        assert attachment.get_content() == template.read_bytes()
        body = parsed.get_body(("plain",)).get_content()
        assert FILL_RULE in body and PROVINCE.deadline in body and CATALOG.data_cutoff in body
        assert city.name in parsed["Subject"] and PROVINCE.round_name in parsed["Subject"]
        assert "示例联系人甲" in body  # the province's contacts


def test_the_name_is_written_both_as_rfc2231_and_as_an_encoded_word(drafted):
    _, written, _ = drafted
    raw = written[0].path.read_bytes().decode("ascii")
    assert "filename*0*=utf-8''" in raw and 'name="=?UTF-8?B?' in raw
    parsed = email.message_from_bytes(written[0].path.read_bytes(), policy=email.policy.compat32)
    attachment = [p for p in parsed.walk() if p.get_filename()][0]
    assert str(email.header.make_header(email.header.decode_header(attachment.get_param("name")))) == \
        written[0].path.name.replace("填报通知.eml", "新型智慧城市评价填报表.xlsx")


@pytest.mark.skipif(shutil.which("ripmime") is None, reason="ripmime (apt) not installed")
@pytest.mark.parametrize("strip_rfc2231", [False, True])
def test_ripmime_extracts_the_same_bytes_under_the_same_name(drafted, tmp_path, strip_rfc2231):
    """ripmime reads the name; with the RFC 2231 filename removed it still reads the encoded word,
    as clients that ignore RFC 2231 (Chinese clients, old Outlook) do."""
    templates, written, _ = drafted
    source = written[2].path
    data = source.read_bytes()
    if strip_rfc2231:
        data = _without_disposition_filename(data)
        assert b"filename" not in data
    (tmp_path / "in.eml").write_bytes(data)
    out = tmp_path / "ripped"
    out.mkdir()
    subprocess.run(["ripmime", "-i", str(tmp_path / "in.eml"), "-d", str(out)], check=True, timeout=60)
    extracted = out / templates[2].name
    assert extracted.is_file(), sorted(p.name for p in out.iterdir())
    assert extracted.read_bytes() == templates[2].read_bytes()


def _without_disposition_filename(data: bytes) -> bytes:
    lines, out, skipping = data.split(b"\r\n"), [], False
    for line in lines:
        if line.startswith(b"Content-Disposition:"):
            out.append(b"Content-Disposition: attachment")
            skipping = True
            continue
        if skipping and line.startswith((b" ", b"\t")):
            continue
        skipping = False
        out.append(line)
    return b"\r\n".join(out)


@pytest.mark.skipif(shutil.which("munpack") is None, reason="munpack (apt mpack) not installed")
def test_munpack_extracts_the_same_bytes(drafted, tmp_path):
    templates, written, _ = drafted
    subprocess.run(["munpack", "-q", "-f", "-C", str(tmp_path), str(written[1].path)], check=True, timeout=60,
                   capture_output=True)
    # munpack predates RFC 2047/2231 names: it uses the raw encoded word as a path (base64's "/"
    # makes folders), so only the bytes are compared here; ripmime checks the name.
    produced = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.endswith(".desc")]
    assert [p.read_bytes() for p in produced] == [templates[1].read_bytes()]


def test_a_city_without_an_address_gets_a_draft_without_recipient_and_a_warning(tmp_path):
    from sctemplates.roster import Roster

    bare = Roster(ROSTER.province_code, ROSTER.province_name, (ROSTER.cities[0].__class__("330100", "杭州市", "副省级市"),))
    render_all(CATALOG, bare, tmp_path / "模板", province=PROVINCE)
    problems = []
    [item] = template_drafts(bare, tmp_path / "模板", PROVINCE, "", problems)
    assert not item.has_recipient and [p.code for p in problems] == ["MAIL_NO_CONTACT"]


# --- reminders ------------------------------------------------------------------------------

def _results(statuses: dict[str, str], files: list[dict]) -> dict:
    return {"province": {"code": "330000", "name": "浙江省"},
            "roster": [{"code": c.code, "name": c.name, "kind": c.kind} for c in ROSTER.cities],
            "files": files,
            "cities": [{"code": c.code, "name": c.name, "status": statuses.get(c.code, "submitted"), "issues": []}
                       for c in ROSTER.cities]}


def test_reminders_go_to_missing_and_rejected_cities_saying_why():
    hz, nb, wz = ROSTER.cities[:3]
    bad = {"path": "邮件“宁波”（nb，2016-12-20 09:00） › 宁波.xls", "city": nb.code, "status": "rejected",
           "issues": [{"code": "FILE_LEGACY_XLS", "severity": "error", "message": "文件是旧版 .xls 格式，请另存为 .xlsx"}]}
    empty = {"path": "邮件“报送”（…） › （无附件）", "city": None, "status": "rejected",
             "message": {"from": f"联系人 <{hz.email}>", "subject": "报送"},
             "issues": [{"code": "MAIL_NO_ATTACHMENT", "severity": "warning", "message": "邮件“报送”没有附件，未收到填报表"}]}
    results = _results({hz.code: "missing", nb.code: "rejected"}, [bad, empty])
    found = {item.city_code: item for item in reminders(results, PROVINCE, ROSTER)}
    assert set(found) == {hz.code, nb.code} and wz.code not in found
    hz_body = found[hz.code].message.get_body(("plain",)).get_content()
    nb_body = found[nb.code].message.get_body(("plain",)).get_content()
    assert "没有附件，未收到填报表" in hz_body  # the letter from its contact that carried no return
    assert "另存为 .xlsx" in nb_body and "宁波.xls" in nb_body and "没有附件" not in nb_body
    assert found[nb.code].message["To"].addresses[0].addr_spec == nb.email
    assert found[hz.code].message["X-Unsent"] == "1"


# --- SMTP -----------------------------------------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Inbox:
    """An aiosmtpd handler that keeps what it is sent."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def test_drafts_are_delivered_to_a_local_smtp_server(drafted):
    controller_module = pytest.importorskip("aiosmtpd.controller")
    from sceval.mail.smtp import SmtpSettings, send_all

    templates, written, _ = drafted
    inbox = _Inbox()
    port = _free_port()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        report = send_all([item.message for item in written[:2]], SmtpSettings("127.0.0.1", port))
    finally:
        controller.stop()
    assert len(inbox.envelopes) == 2 and all(line.startswith("已发送") for line in report)
    delivered = email.message_from_bytes(inbox.envelopes[0].content, policy=email.policy.default)
    assert delivered["X-Unsent"] is None and delivered["Date"] and delivered["Message-ID"]
    [attachment] = delivered.iter_attachments()
    assert attachment.get_filename() == templates[0].name and attachment.get_content() == templates[0].read_bytes()
    assert inbox.envelopes[0].rcpt_tos == [ROSTER.cities[0].email]
    assert written[0].message["X-Unsent"] == "1"  # the draft itself is unchanged


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_authorisation_code_comes_from_the_environment(drafted, monkeypatch):
    """Login with the code from SCEVAL_SMTP_PASSWORD (never a command-line argument)."""
    controller_module = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.smtp import AuthResult, LoginPassword

    from sceval.mail.smtp import PASSWORD_VARIABLE, SmtpSettings, send_all

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=bool(logins) and logins[-1] == (b"pg", b"code-123"))

    inbox, port = _Inbox(), _free_port()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=10,
                                              authenticator=authenticator, auth_require_tls=False, auth_required=True)
    controller.start()
    try:
        monkeypatch.setenv(PASSWORD_VARIABLE, "code-123")
        report = send_all([drafted[1][0].message], SmtpSettings("127.0.0.1", port, user="pg"))
    finally:
        controller.stop()
    assert len(inbox.envelopes) == 1 and report[0].startswith("已发送")
    assert logins == [(b"pg", b"code-123")]  # the code from the environment reached the server



@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_tls_is_verified_and_delivers(drafted, certificate, mode):
    """STARTTLS and implicit TLS (port 465 style) against the certificate the test trusts; an
    unknown certificate is refused, so the authorisation code never reaches an impostor."""
    import ssl

    controller_module = pytest.importorskip("aiosmtpd.controller")
    from sceval.mail.smtp import SmtpSettings, send_all

    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    inbox, port = _Inbox(), _free_port()
    tls = {"tls_context": server_context} if mode == "starttls" else {"ssl_context": server_context}
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=10, **tls)
    controller.start()
    settings = SmtpSettings("127.0.0.1", port, starttls=mode == "starttls", implicit_tls=mode == "implicit")
    try:
        with pytest.raises(ssl.SSLError):
            send_all([drafted[1][0].message], settings)  # not trusted: refused before anything is sent
        send_all([drafted[1][0].message], SmtpSettings(**{**settings.__dict__, "cafile": str(cert)}))
    finally:
        controller.stop()
    assert len(inbox.envelopes) == 1


def test_a_user_without_the_password_variable_is_refused(monkeypatch, drafted):
    from sceval.mail.smtp import PASSWORD_VARIABLE, SmtpSettings, send_all

    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    with pytest.raises(ValueError, match=PASSWORD_VARIABLE):
        send_all([drafted[1][0].message], SmtpSettings("127.0.0.1", 9, user="someone"))


def test_drafts_in_an_inbox_are_not_read_as_returns(drafted, tmp_path):
    from sceval.ingest.batch import IngestOptions, ingest

    _, written, _ = drafted
    run = ingest([written[0].path.parent], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    rows = run.results["files"]
    assert len(rows) == len(written) and {i["code"] for row in rows for i in row["issues"]} == {"MAIL_DRAFT"}
    assert all(row["status"] == "rejected" and row["city"] is None for row in rows)


def test_cli_writes_drafts(drafted, tmp_path):
    from typer.testing import CliRunner

    from sceval.cli.app import app

    templates, _, _ = drafted
    result = CliRunner().invoke(app, ["mail", "drafts", "--roster", str(INPUTS_DIR / DEMO_INPUTS["roster"]),
                                      "--templates", str(templates[0].parent), "--province",
                                      str(INPUTS_DIR / DEMO_INPUTS["province"]), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("*.eml"))) == len(ROSTER.cities)
