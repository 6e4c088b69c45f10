"""An mbox read one message at a time, split only where a mail client would have split it.

mboxo and mboxrd start each message with a "From " line after a blank line; a body line that
merely begins with "From " ("From the city…") is quoted ">From " by careful writers but not by
all, and splitting there cut 温州's message in two and lost its workbook without a row (issue 21,
item 9). So a line starts a message only when it has the shape writers give the separator —
``From <sender> <asctime date>``, with a weekday and a clock time (Thunderbird: ``From - Mon Dec 07
09:15:00 2026``) — and ">From " lines are unescaped (mboxrd). A message whose headers give a Content-Length (mboxcl,
Solaris and some Unix mailers) is taken whole to that length, when the bytes there do begin the
next message. Memory holds one message: a message
past MAX_MESSAGE_BYTES is yielded as None and its bytes are not kept.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MBOX_START = re.compile(rb"^From \S+")  # enough to recognise a file as an mbox
# "From <sender> <weekday> … <hh:mm>": the asctime (or RFC 2822) date every writer puts there.
SEPARATOR = re.compile(rb"^From \S*[ \t]+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b.*\b\d{1,2}:\d{2}")
CONTENT_LENGTH = re.compile(rb"^Content-Length:[ \t]*(\d{1,12})[ \t]*\r?$", re.IGNORECASE)
ESCAPED_FROM = re.compile(rb"^>(>*From )")  # mboxrd: one ">" less on every ">…From " line
BLANK = (b"\n", b"\r\n")


def is_separator(line: bytes) -> bool:
    return bool(SEPARATOR.match(line))


def mbox_messages(path) -> Iterator[bytes | None]:
    """The raw messages of an mbox, in order, one at a time (None: one too large to keep)."""
    with open(path, "rb") as handle:
        yield from _Splitter(handle).messages()


class _Splitter:
    """One pass over the file with readline (so that a Content-Length can be checked ahead)."""

    def __init__(self, handle):
        self.handle = handle
        self.current: list[bytes] | None = []
        self.size, self.started, self.in_headers = 0, False, False
        self.length: int | None = None
        self.trusted_end: int | None = None  # file offset up to which the body is taken whole

    def messages(self) -> Iterator[bytes | None]:
        previous_blank = True
        while line := self.handle.readline():
            inside = self.trusted_end is not None and self.handle.tell() <= self.trusted_end
            if not inside and (previous_blank or not self.started) and is_separator(line):
                if self.started and (self.current is None or self.current):
                    yield None if self.current is None else _body(self.current)
                self._start()
            else:
                self._headers(line)
                self._add(line)
            previous_blank = line in BLANK
        if self.current is None or self.current:
            yield None if self.current is None else _body(self.current)

    def _start(self) -> None:
        self.current, self.size, self.started, self.in_headers = [], 0, True, True
        self.length = self.trusted_end = None

    def _headers(self, line: bytes) -> None:
        if not self.in_headers:
            return
        if line in BLANK:
            self.in_headers = False
            self.trusted_end = self._checked_end()
        elif match := CONTENT_LENGTH.match(line):
            self.length = int(match.group(1))

    def _checked_end(self) -> int | None:
        """Where the body ends by Content-Length, when the bytes there start the next message (or
        end the file); a wrong Content-Length is ignored rather than swallowing the next message."""
        if self.length is None:
            return None
        here = self.handle.tell()
        if here + self.length > os.fstat(self.handle.fileno()).st_size:
            return None
        self.handle.seek(here + self.length)
        ahead = self.handle.read(512).lstrip(b"\r\n")
        self.handle.seek(here)
        return here + self.length if not ahead or is_separator(ahead) else None

    def _add(self, line: bytes) -> None:
        if self.current is None:
            return
        self.size += len(line)
        if self.size > MAX_MESSAGE_BYTES:
            self.current = None  # dropped: the rest of this message is skipped
        else:
            self.current.append(ESCAPED_FROM.sub(rb"\1", line) if line[:1] == b">" else line)


def _body(lines: list[bytes]) -> bytes:
    if lines and lines[-1] in BLANK:
        lines = lines[:-1]  # the blank line that separates messages belongs to the mbox
    return b"".join(lines)
