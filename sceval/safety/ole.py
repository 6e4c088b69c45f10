"""Read the directory of an OLE2 compound file (MS-CFB) without any library.

Only the stream names matter to preflight: an encrypted .xlsx is an OLE2 file holding
"EncryptionInfo" and "EncryptedPackage"; a legacy .xls holds "Workbook". Every offset is bounded
and chains are loop-checked, because the file comes from a stranger.
"""
from __future__ import annotations

import struct

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def ole_stream_names(data: bytes) -> list[str] | None:
    """Names of every directory entry of a compound file (MS-CFB), or None if unreadable."""
    if len(data) < 512 or not data.startswith(OLE_MAGIC):
        return None
    shift = struct.unpack_from("<H", data, 30)[0]
    if shift not in (9, 12):
        return None
    sector = 1 << shift
    fat = _ole_fat(data, sector)
    first_directory = struct.unpack_from("<I", data, 48)[0]
    names: list[str] = []
    for number in _ole_chain(fat, first_directory, len(data) // sector + 1):
        start = (number + 1) * sector
        names.extend(_ole_entry_names(data[start:start + sector]))
    return names or None


def _ole_fat(data: bytes, sector: int) -> list[int]:
    """The allocation table from the header's 109 DIFAT slots (enough for files < ~7 MB)."""
    fat: list[int] = []
    for slot in struct.unpack_from("<109I", data, 76):
        start = (slot + 1) * sector
        if slot >= 0xFFFFFFFA or start + sector > len(data):
            continue
        fat.extend(struct.unpack_from(f"<{sector // 4}I", data, start))
    return fat


def _ole_chain(fat: list[int], first: int, bound: int) -> list[int]:
    chain, seen, current = [], set(), first
    while current < len(fat) and len(chain) < bound and current not in seen:  # loops are hostile
        chain.append(current)
        seen.add(current)
        current = fat[current]
    return chain


def _ole_entry_names(block: bytes) -> list[str]:
    names = []
    for offset in range(0, len(block) - 127, 128):
        length, kind = struct.unpack_from("<HB", block, offset + 64)
        if kind in (1, 2, 5) and 2 <= length <= 64:
            names.append(block[offset:offset + length - 2].decode("utf-16-le", errors="replace"))
    return names
