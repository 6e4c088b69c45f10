"""Package parts read under a hard cap on the bytes actually inflated, and duplicate part names.

A zip's directory states each member's size, and nothing forces the compressed stream to agree:
a sheet part declared as 100 kB can inflate to 1 GiB (issue 13, item 18). zipfile trusts the
directory only as far as cutting the output (its read() of a whole member inflates everything in
one call first), and calamine reads the file on its own. So preflight inflates every part anyone
will read from the raw compressed bytes itself, in bounded steps, and stops the moment more comes
out than the directory declared: the declared sizes, already bounded by Limits, then bound what
the reader and calamine can ever inflate.

The same part name stored twice (item 3) is refused before anything is read: sceval, LibreOffice,
openpyxl and calamine do not agree on which copy counts. OPC part names compare case-insensitively.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from collections import Counter

STEP = 1 << 20  # at most this many inflated bytes exist at once while checking a part
LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, ..., name length, extra length
LOCAL_MAGIC = b"PK\x03\x04"


class PartOversize(Exception):
    """A part that inflates past the size its zip directory declares."""

    def __init__(self, name: str, declared: int):
        super().__init__(name)
        self.name, self.declared = name, declared


def duplicate_part(names: list[str]) -> tuple[str, int] | None:
    """(the first part name stored more than once, how many times), or None."""
    counts = Counter(name.casefold() for name in names)
    for name in names:
        if counts[name.casefold()] > 1:
            return name, counts[name.casefold()]
    return None


def inflate_checked(data: bytes, info: zipfile.ZipInfo, keep: bool) -> bytes | None:
    """The member's bytes (``keep``) or None, inflated from ``data`` (the whole zip) never more
    than STEP bytes past its declared size; PartOversize when it would give more than declared,
    zipfile.BadZipFile when it gives less or its CRC differs."""
    raw = _compressed(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) > info.file_size:
            raise PartOversize(info.filename, info.file_size)
        return _verified(info, [bytes(raw)], keep)
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile(f"unsupported compression {info.compress_type}")
    return _verified(info, _inflated(raw, info), keep)


def _compressed(data: bytes, info: zipfile.ZipInfo) -> memoryview:
    start = info.header_offset
    try:
        magic, name_length, extra_length = LOCAL_HEADER.unpack_from(data, start)
    except struct.error:  # an offset past the end of the file
        raise zipfile.BadZipFile(f"bad local header offset for {info.filename}") from None
    if magic != LOCAL_MAGIC:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    begin = start + LOCAL_HEADER.size + name_length + extra_length
    return memoryview(data)[begin:begin + info.compress_size]


def _inflated(raw: memoryview, info: zipfile.ZipInfo):
    """The inflated pieces, one STEP at most each; stops as soon as the total passes the declared size."""
    inflater, pending, total = zlib.decompressobj(-zlib.MAX_WBITS), raw, 0
    while not inflater.eof:
        piece = inflater.decompress(pending, STEP)
        total += len(piece)
        if total > info.file_size:
            raise PartOversize(info.filename, info.file_size)
        pending = inflater.unconsumed_tail
        if not piece and not pending:
            break  # the compressed stream ended before its end marker: CRC or size check says so
        yield piece


def _verified(info: zipfile.ZipInfo, pieces, keep: bool) -> bytes | None:
    crc, size, kept = 0, 0, []
    for piece in pieces:
        crc, size = zlib.crc32(piece, crc), size + len(piece)
        if keep:
            kept.append(piece)
    if size != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 or size for file {info.filename!r}")
    return b"".join(kept) if keep else None
