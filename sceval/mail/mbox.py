"""An mbox read one message at a time, split only where a mail client would have split it.

mboxo and mboxrd start each message with a "From " line after a blank line; a body line that
merely begins with "From " ("From the city…") is quoted ">From " by careful writers but not by
all, and splitting there cut 温州's message in two and lost its workbook without a row (issue 21,
item 9). So a line starts a message only when it has the shape writers give the separator —
``From <sender> <asctime date>``, with a weekday and a clock time (Thunderbird: ``From - Mon Dec 07
09:15:00 2026``) — and ">From " lines are unescaped (mboxrd). Memory holds one message: a message
past MAX_MESSAGE_BYTES is yielded as None and its bytes are not kept.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MBOX_START = re.compile(rb"^From \S+")  # enough to recognise a file as an mbox
# "From <sender> <weekday> … <hh:mm>": the asctime (or RFC 2822) date every writer puts there.
SEPARATOR = re.compile(rb"^From \S*[ \t]+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b.*\b\d{1,2}:\d{2}")
ESCAPED_FROM = re.compile(rb"^>(>*From )")  # mboxrd: one ">" less on every ">…From " line
BLANK = (b"\n", b"\r\n")


def is_separator(line: bytes) -> bool:
    return bool(SEPARATOR.match(line))


def mbox_messages(path) -> Iterator[bytes | None]:
    """The raw messages of an mbox, in order, one at a time (None: one too large to keep)."""
    current: list[bytes] | None = []
    size, previous_blank, started = 0, True, False
    with open(path, "rb") as handle:
        for line in handle:
            if (previous_blank or not started) and is_separator(line):
                if started and (current is None or current):
                    yield None if current is None else _body(current)
                current, size, started = [], 0, True
            elif current is not None:
                size += len(line)
                if size > MAX_MESSAGE_BYTES:
                    current = None  # dropped: the rest of this message is skipped
                else:
                    current.append(ESCAPED_FROM.sub(rb"\1", line) if line[:1] == b">" else line)
            previous_blank = line in BLANK
    if current is None or current:
        yield None if current is None else _body(current)


def _body(lines: list[bytes]) -> bytes:
    if lines and lines[-1] in BLANK:
        lines = lines[:-1]  # the blank line that separates messages belongs to the mbox
    return b"".join(lines)
