"""Issue 21, items 13 and 14: CR/LF and control characters in names and subjects never inject a
header or stop the drafts; one message that cannot be written costs only its own city."""
from __future__ import annotations

import email
import email.policy

from sctemplates.issues import issue_codes
from sceval.mail.compose import Outgoing, new_message, recipient, write_all


def _parse(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_control_characters_in_names_and_subjects_stay_in_their_header(tmp_path):
    message = new_message("评价办 <pg@example.invalid>", recipient("某\v人\r\nBcc: x@attacker.example", ("c@example.invalid",)),
                          "【评价\r\nBcc: y@attacker.example】填报表", "正文")
    [item] = write_all([Outgoing("330100", "杭州市", message)], tmp_path, "填报通知", problems := [])
    parsed = _parse(item.path)
    assert problems == [] and parsed["Bcc"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["c@example.invalid"]
    assert "<U+000B>" in parsed["To"].addresses[0].display_name
    assert parsed["Subject"] == "【评价 Bcc: y@attacker.example】填报表"


def test_a_hostile_contact_name_in_the_roster_costs_no_city_its_draft(tmp_path):
    """Item 13: a vertical tab and CR/LF in one city's 联系人: every city still gets its draft."""
    from dataclasses import replace

    from sctemplates.render import render_all
    from sceval.demo.round import load_demo_inputs
    from sceval.mail.letters import template_drafts

    catalog, roster, province, _ = load_demo_inputs()
    cities = (replace(roster.cities[0], contact="某\v人\r\nBcc: x@attacker.example"), *roster.cities[1:3])
    roster = replace(roster, cities=cities)
    render_all(catalog, roster, tmp_path / "模板", province=province)
    problems = []
    written = write_all(template_drafts(roster, tmp_path / "模板", province, catalog.data_cutoff, problems),
                        tmp_path / "草稿", "填报通知", problems)
    assert problems == [] and [item.city_code for item in written] == [c.code for c in cities]
    first = _parse(written[0].path)
    assert first["Bcc"] is None and [a.addr_spec for a in first["To"].addresses] == [cities[0].email]
    assert "MAIL_COMPOSE_FAILED" in issue_codes()
