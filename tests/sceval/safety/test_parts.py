"""sceval.safety.parts on real zips: the capped inflater agrees with zipfile on honest members and
stops at the declared size on lying ones; duplicate part names are found case-insensitively."""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest

from sceval.safety.parts import STEP, PartOversize, duplicate_part, inflate_checked
from tests.sceval import hostile2


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED], ids=["deflated", "stored"])
def test_honest_members_inflate_exactly_as_zipfile_reads_them(method):
    members = {"a.xml": b"<a/>" * 1000, "empty.xml": b"", "big.xml": bytes(range(256)) * (3 * STEP // 256)}
    data = _zip(members, method)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            assert inflate_checked(data, info, keep=True) == archive.read(info) == members[info.filename]
            assert inflate_checked(data, info, keep=False) is None


def test_a_member_inflating_past_its_declared_size_stops_there(tmp_path):
    good = hostile2._raw_zip(tmp_path / "base.xlsx", [("xl/workbook.xml", b"<workbook/>")],
                             ("x.xml", b"\x03\x00", 0, 0))  # an empty deflate stream, honestly declared
    path = hostile2.write_lying_bomb(good, tmp_path, inflated=64 * STEP, declared=4096, member="xl/lie.xml")
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/lie.xml")
        assert info.file_size == 4096 and info.compress_size < STEP
        with pytest.raises(PartOversize) as raised:
            inflate_checked(data, info, keep=True)
    assert (raised.value.name, raised.value.declared) == ("xl/lie.xml", 4096)


def test_a_member_shorter_than_declared_or_with_another_crc_is_damaged():
    data = bytearray(_zip({"a.xml": b"<a>" + b"x" * 5000 + b"</a>"}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("a.xml")
    info.file_size += 1  # the directory claims one byte more than the stream holds
    with pytest.raises(zipfile.BadZipFile):
        inflate_checked(bytes(data), info, keep=True)
    info.file_size -= 1
    info.CRC ^= 1
    with pytest.raises(zipfile.BadZipFile):
        inflate_checked(bytes(data), info, keep=False)
    info.header_offset = len(data) + 10
    with pytest.raises(zipfile.BadZipFile):
        inflate_checked(bytes(data), info, keep=False)


def test_duplicate_part_names_compare_case_insensitively():
    assert duplicate_part(["xl/workbook.xml", "xl/worksheets/sheet1.xml"]) is None
    assert duplicate_part(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "XL/Worksheets/Sheet1.xml"]) == (
        "xl/worksheets/sheet1.xml", 2)


def test_the_lying_generator_really_lies(tmp_path):
    """The corpus's bomb is what it claims: its stream inflates to the full size with the CRC it states."""
    base = hostile2._raw_zip(tmp_path / "base.xlsx", [("xl/workbook.xml", b"<workbook/>")], ("x.xml", b"\x03\x00", 0, 0))
    path = hostile2.write_lying_bomb(base, tmp_path, inflated=8 * STEP, declared=1000, member="xl/lie.xml")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/lie.xml")
    data = Path(path).read_bytes()
    start = info.header_offset + 30 + len(info.filename.encode())
    inflated = zlib.decompress(data[start:start + info.compress_size], -zlib.MAX_WBITS)
    assert len(inflated) == 8 * STEP + len(b"<x/>") and zlib.crc32(inflated) == info.CRC
