"""Issue 21, item 20: a zip member's name (up to 65,535 characters) is stored bounded, its end kept."""
from __future__ import annotations

import io
import zipfile

from sctemplates.display import NAME_LIMIT


def test_a_zip_member_named_with_60000_characters_is_stored_bounded():
    from sceval.intake.archives import members_of

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("330100_" + "长" * 20_000 + ".xlsx", b"x")
    with zipfile.ZipFile(buffer) as archive:
        [member] = members_of(archive, "附件.zip")
    assert member.display.startswith("附件.zip/330100_") and member.display.endswith(".xlsx")
    assert len(member.display) < NAME_LIMIT + 60
