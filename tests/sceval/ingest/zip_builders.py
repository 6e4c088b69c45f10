"""Zips the standard library will not write: many copies of one deflated member (a 250 × 20 MB
bomb in a few MB, built in a blink), a corrupted member, an encrypted-flagged member, and member
names in raw GBK bytes without the UTF-8 flag (as Chinese Windows zip tools write them)."""
from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path


def copies_zip(path: Path, count: int, member_size: int, suffix: str = ".xlsx") -> Path:
    """``count`` members of ``member_size`` zero bytes each, deflated once and stored ``count`` times."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = packer.compress(bytes(member_size)) + packer.flush()
    crc = zlib.crc32(bytes(member_size))
    local, central = bytearray(), bytearray()
    for number in range(count):
        name = f"{number:03d}_城市{suffix}".encode("utf-8")
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, crc, len(data),
                             member_size, len(name), 0) + name + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0x21, crc, len(data),
                               member_size, len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))
    return path


def members_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A stored (uncompressed) zip, so tests can find and damage a member's bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def damage_member(path: Path, name: str) -> None:
    """Flip bytes in the middle of one stored member's data: its CRC no longer matches."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode("utf-8")) + len(info.extra)
    middle = start + info.compress_size // 2
    raw[middle:middle + 16] = bytes(b ^ 0xFF for b in raw[middle:middle + 16])
    path.write_bytes(bytes(raw))


def flag_encrypted(path: Path) -> None:
    """Set the 'encrypted' bit of every member, local and central headers alike (what a ZipCrypto
    zip says of itself; the data need not really be encrypted for the reader to refuse it)."""
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        central = archive.start_dir
    raw = bytearray(path.read_bytes())
    for info in infos:
        raw[info.header_offset + 6] |= 0x01  # local header: general purpose flags
    at = central
    for _info in infos:  # central directory entries, one after another
        assert raw[at:at + 4] == b"PK\x01\x02"
        raw[at + 8] |= 0x01
        name_len, extra_len, comment_len = struct.unpack("<HHH", raw[at + 28:at + 34])
        at += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(raw))


def gbk_names_zip(path: Path, members: dict[str, bytes]) -> Path:
    """Member names written as raw GBK bytes, without the UTF-8 flag."""
    placeholders = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for number, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk")
            stand_in = f"{number:0{len(raw)}d}"  # ASCII, as many bytes as the GBK name
            placeholders[stand_in.encode("ascii")] = raw
            archive.writestr(stand_in, data)
    content = path.read_bytes()
    for stand_in, raw in placeholders.items():
        content = content.replace(stand_in, raw)
    path.write_bytes(content)
    return path
