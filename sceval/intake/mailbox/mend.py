"""Header lines broken by a raw line break inside a value, joined again before parsing.

A client that puts a file name's raw CR/LF into ``filename="330100_\\r\\n杭州.xlsx"`` ends the
header there: the parser cuts the name to ``"330100_``, takes the rest of the part's headers for
its body and the valid workbook was rejected as MAIL_NOT_A_RETURN (issue 21, item 21). Inside a
header block (the message's, and each MIME part's: after a boundary line until the first blank
line) a line that is neither a header field nor a folded continuation can only be the tail of the
line before it, so it is joined to that line with one space — the same rule sctemplates.display
gives line breaks in a name. The file on disk is never changed; only the bytes parsed in memory.
"""
from __future__ import annotations

import re

FIELD = re.compile(rb"^[!-9;-~]+[ \t]*:")  # "Name:" (RFC 5322 field name: printable ASCII but ':')
BOUNDARY = re.compile(rb'boundary\s*=\s*"?([^";\r\n]+)"?', re.IGNORECASE)
BLANK = (b"\n", b"\r\n", b"\r")


def mend_headers(raw: bytes) -> bytes:
    """``raw`` with broken header lines joined; the same object when nothing needed joining."""
    lines = raw.splitlines(keepends=True)
    mended, changed, in_header, boundaries = [], False, True, set()
    for line in lines:
        if in_header and line in BLANK:
            in_header = False
        elif in_header and mended and not FIELD.match(line) and line[:1] not in (b" ", b"\t"):
            mended[-1] = mended[-1].rstrip(b"\r\n") + b" " + line
            changed = True
            continue
        elif not in_header and line.startswith(b"--"):
            in_header = _opens_part(line.rstrip(b"\r\n"), boundaries)
        if in_header:
            boundaries.update(match.group(1).strip() for match in BOUNDARY.finditer(line))
        mended.append(line)
    return b"".join(mended) if changed else raw


def _opens_part(line: bytes, boundaries: set) -> bool:
    """A boundary line that starts a part (its header block follows); the closing one does not."""
    return line[2:] in boundaries and not (line.endswith(b"--") and line[2:-2] in boundaries)
