"""The second hostile corpus (issue 13): forged and hostile content inside real returns.

Each ``write_*`` function takes a real filled return (``good``, never modified) and a folder, and
writes one hostile copy of it, built by editing the package's XML (zipfile) the way a hand or a
tool would; the 1 GiB bomb is laid out by hand, as its stream must disagree with its directory.
``CASES`` maps a case name to (writer, expected code, where the message must point).
"""
from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from sctemplates.layout import SHEET_BASE, SHEET_PASSPORT, remark_name

NUMERATOR, DENOMINATOR = "SC_L1P1_A1_NUM", "SC_L1P1_A1_DEN"


def _parts(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _write(dst: Path, parts: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts:
            new.writestr(name, data)
    return dst


def _edited(good: Path, dst: Path, edit) -> Path:
    """A copy of ``good`` with ``edit(name, data) -> data`` applied to every part."""
    return _write(dst, [(name, edit(name, data)) for name, data in _parts(good)])


def sheet_part(good: Path, sheet: str) -> str:
    """The zip member of a sheet, from workbook.xml and its relationships."""
    parts = dict(_parts(good))
    rel_id = re.search(rb'<sheet [^>]*name="' + re.escape(sheet.encode()) + rb'"[^>]*r:id="(rId\d+)"',
                       parts["xl/workbook.xml"]).group(1)
    target = re.search(rb'Id="' + rel_id + rb'"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="' + rel_id + rb'"',
                       parts["xl/_rels/workbook.xml.rels"])
    return "xl/" + (target.group(1) or target.group(2)).decode().lstrip("/").removeprefix("xl/")


def name_target(good: Path, name: str) -> str:
    text = dict(_parts(good))["xl/workbook.xml"].decode()
    return re.search(f'<definedName name="{name}"[^>]*>([^<]*)</definedName>', text).group(1)


# --- item 2: a defined name re-pointed -----------------------------------------------------------

def write_name_moved(good: Path, folder: Path, moved: str = NUMERATOR, to: str = DENOMINATOR) -> Path:
    """The name ``moved`` aimed at the cell of the name ``to``; by default SC_L1P1_A1_NUM at the
    denominator's cell, so the ratio becomes 1."""
    wrong = name_target(good, to)

    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return data
        pattern = f'(<definedName name="{moved}"[^>]*>)[^<]*(</definedName>)'.encode()
        return re.sub(pattern, lambda m: m.group(1) + wrong.encode() + m.group(2), data)
    suffix = "" if moved == NUMERATOR else f"_{moved}"
    return _edited(good, Path(folder) / f"名称被改动{suffix}.xlsx", edit)


# --- item 3: one part stored twice ----------------------------------------------------------------

def write_duplicate_part(good: Path, folder: Path) -> Path:
    """The indicator sheet stored again after the original, with its first number doubled."""
    member = sheet_part(good, SHEET_BASE)
    parts = _parts(good)
    original = dict(parts)[member]
    changed = re.sub(rb"<v>(\d+)</v>", lambda m: b"<v>%d</v>" % (2 * int(m.group(1))), original, count=1)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns "Duplicate name": that is the point
        return _write(Path(folder) / "部件重复.xlsx", parts + [(member, changed)])


# --- item 10: passport and cover rewritten to another city ---------------------------------------

def write_other_city(good: Path, folder: Path, real: tuple[str, str], forged: tuple[str, str]) -> Path:
    """Every carrier of the city (passport sheet, names, properties, cover) rewritten from ``real``
    (code, name) to ``forged``; the template id, which the forger did not know to recompute, stays."""
    pairs = [(real[0].encode(), forged[0].encode()), (real[1].encode(), forged[1].encode()),
             (_references(real[1]), _references(forged[1]))]  # openpyxl writes "&#26477;&#24030;…"

    def edit(name: str, data: bytes) -> bytes:
        if not name.endswith((".xml", ".rels")):
            return data
        for old, new in pairs:
            data = data.replace(old, new)
        return data
    return _edited(good, Path(folder) / f"{forged[0]}_{forged[1]}_填报.xlsx", edit)


def _references(text: str) -> bytes:
    return "".join(f"&#{ord(char)};" for char in text).encode()


# --- item 18: a part that inflates far past its declared size ------------------------------------

def write_lying_bomb(good: Path, folder: Path, inflated: int = 1 << 30, declared: int = 100 * 1024,
                     member: str = "") -> Path:
    """The indicator sheet part (or ``member``, added) declared as 100 kB that inflates to 1 GiB of
    blanks (valid XML whitespace after the real sheet's start). The deflate stream is made of
    identical blocks (each full flush resets the window): 1 GiB costs one 1 MiB compression and
    ~1 MB on disk."""
    name = "声明大小不实.xlsx" if not member else f"声明大小不实_{Path(member).name}.xlsx"
    member = member or sheet_part(good, SHEET_BASE)
    block = 1 << 20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = dict(_parts(good)).get(member, b"<x/>")[:declared // 2]
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    blank = b" " * block
    repeated = compressor.compress(blank) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = first + repeated * (inflated // block) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(inflated // block):
        crc = zlib.crc32(blank, crc)
    others = [(name, data) for name, data in _parts(good) if name != member]
    return _raw_zip(Path(folder) / name, others, (member, stream, crc, declared))


def _raw_zip(dst: Path, parts: list[tuple[str, bytes]], liar: tuple[str, bytes, int, int]) -> Path:
    """A zip of ``parts`` (deflated honestly) plus one member whose directory states ``liar``'s size."""
    entries = [(name, zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS), data) for name, data in parts]
    members = [(name, c.compress(data) + c.flush(), zlib.crc32(data), len(data)) for name, c, data in entries]
    members.append(liar)
    body, directory = bytearray(), bytearray()
    for name, stream, crc, size in members:
        encoded = name.encode()
        fields = struct.pack("<HHHHHIII", 20, 0x800, 8, 0, 0x21, crc, len(stream), size)
        directory += (b"PK\x01\x02" + struct.pack("<H", 20) + fields + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0,
                                                                                   0, len(body)) + encoded)
        body += b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + stream
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0)
    dst.write_bytes(bytes(body + directory + end))
    return dst


# --- item 19: one stray cell far away in the hidden passport sheet --------------------------------

def write_far_cell(good: Path, folder: Path, ref: str = "XFD1048576", sheet: str = SHEET_PASSPORT) -> Path:
    """One cell at ``ref`` added to the sheet's XML (_passport by default), its <dimension> left as
    it was (as a hand or a careless tool leaves it, so preflight's dimension check cannot see it)."""
    member = sheet_part(good, sheet)
    row = re.search(r"\d+$", ref).group(0)
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()

    def edit(name: str, data: bytes) -> bytes:
        return data.replace(b"</sheetData>", cell + b"</sheetData>") if name == member else data
    return _edited(good, Path(folder) / f"远处单元格_{sheet}_{ref}.xlsx", edit)


# --- item 25: a 10 MB remark --------------------------------------------------------------------

def write_huge_remark(good: Path, folder: Path, characters: int = 3_500_000) -> Path:
    """The first sub-item's remark (说明) replaced by 3.5 M characters (10 MB of UTF-8), inline."""
    return write_remark(good, Path(folder) / "超长说明.xlsx", _prose(characters))


def write_remark(good: Path, dst: Path, remark: str) -> Path:
    """A copy of ``good`` whose first sub-item's remark (说明) is ``remark``, as an inline string."""
    from xml.sax.saxutils import escape

    ref = remark_cell(good)
    member = sheet_part(good, SHEET_BASE)
    text = escape(remark).encode()

    def edit(name: str, data: bytes) -> bytes:
        if name != member:
            return data
        cell = re.search(rb'<c r="' + ref.encode() + rb'"[^>]*?(/>|>.*?</c>)', data, re.S)
        new = b'<c r="' + ref.encode() + b'" t="inlineStr"><is><t>' + text + b"</t></is></c>"
        return data[:cell.start()] + new + data[cell.end():]
    return _edited(good, dst, edit)


def _prose(characters: int) -> str:
    """Text that compresses like real prose (~3:1), not like a run of one word: drawn from the
    common characters U+4E00… with a fixed seed, so the corpus is the same every time."""
    import random

    draw = random.Random(13).choices
    return "".join(draw([chr(0x4E00 + offset) for offset in range(800)], k=characters))


def remark_cell(good: Path) -> str:
    return name_target(good, remark_name("L1P1-A1")).split("!")[-1].replace("$", "")


# --- item 11 and 25: names that attack the terminal --------------------------------------------

MARKUP_NAME = "回复[/red].xlsx"
BIDI_NAME = "湖州市\u202exslx.填报.xlsx"  # shows as "湖州市xlsx.填报.xls…" reversed in a terminal


def write_markup_zip(good: Path, folder: Path) -> Path:
    """A zip whose one member is named like a rich closing tag."""
    path = Path(folder) / "回复邮件附件.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MARKUP_NAME, good.read_bytes())
    return path


def write_bidi_name(good: Path, folder: Path) -> Path:
    path = Path(folder) / BIDI_NAME
    path.write_bytes(good.read_bytes())
    return path


# --- the whole kind list, for the mixed batch ----------------------------------------------------

# item 2, 3, 10, 18, 19 (twice), 25 (remark): one copy each of the victim city's return.
def content_cases(good: Path, folder: Path, victim: tuple[str, str], forged: tuple[str, str]) -> dict[str, str]:
    """Write every content case into ``folder``; file name -> the code its row must carry."""
    written = {
        write_name_moved(good, folder): "ID_NAME_MOVED",
        write_duplicate_part(good, folder): "FILE_DUPLICATE_PART",
        write_other_city(good, folder, victim, forged): "ID_OTHER_CITY_TEMPLATE",
        write_lying_bomb(good, folder): "FILE_ZIP_BOMB",
        write_far_cell(good, folder, "XFD1048576"): "WB_CELL_OUTSIDE",
        write_far_cell(good, folder, "AMJ60000"): "WB_CELL_OUTSIDE",
        write_huge_remark(good, folder): "TEXT_TOO_LONG",
    }
    return {path.name: code for path, code in written.items()}


def write_far_dimension(good: Path, folder: Path, corner: str = "AMJ1500") -> Path:
    """_passport's <dimension> claiming a far corner (1.5 M cells: within preflight's limits) with
    no cell there: what calamine would size its dense grid by."""
    member = sheet_part(good, SHEET_PASSPORT)

    def edit(name: str, data: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:{corner}"'.encode(), data) if name == member else data
    return _edited(good, Path(folder) / f"声明范围过大_{corner}.xlsx", edit)
