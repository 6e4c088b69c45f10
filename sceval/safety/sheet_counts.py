"""Rows and cells of a sheet part, counted by streaming it: for parts too large to keep whole.

Tags are matched on lower-cased bytes, any namespace prefix accepted; a tag cut by a chunk
boundary is carried to the next chunk (see _safe_cut), so the count is the same for any CHUNK.
"""
from __future__ import annotations

import re
import time

CHUNK = 1 << 20
ROW_TAG = re.compile(rb"<(?:[a-z0-9_]{1,16}:)?row[\s/>]")
CELL_TAG = re.compile(rb"<(?:[a-z0-9_]{1,16}:)?c[\s/>]")


def count_rows(archive, info, deadline: float) -> tuple[int, int, int]:
    """(rows, cells, bytes inflated) of one sheet part, streamed in CHUNK steps until ``deadline``."""
    rows = cells = inflated = 0
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            inflated += len(chunk)
            buffer = tail + chunk.lower()
            cut = _safe_cut(buffer)
            done, tail = buffer[:cut], buffer[cut:]
            rows, cells = rows + len(ROW_TAG.findall(done)), cells + len(CELL_TAG.findall(done))
            if time.monotonic() > deadline:
                break
    rows, cells = rows + len(ROW_TAG.findall(tail)), cells + len(CELL_TAG.findall(tail))
    return rows, cells, inflated


def _safe_cut(buffer: bytes) -> int:
    """Where to split so that no tag straddles the cut: at the last '<' if it is near the end."""
    cut = buffer.rfind(b"<")
    return len(buffer) if cut < 0 or len(buffer) - cut > 64 else cut
