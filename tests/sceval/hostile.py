"""The hostile corpus, generated on demand (no binary blobs in git).

Each ``write_*`` function writes one case into a folder and returns its path (``bytes`` for the
GBK-named file, whose name is not UTF-8). ``CASES`` maps a case name to (writer, expected preflight
code or None for harmless files). Bad zips are built by rewriting a real xlsxwriter workbook, and
compound files (legacy .xls, .et, encrypted .xlsx, vbaProject.bin) by a minimal MS-CFB writer that
lays out the header, FAT and directory the way real files do.
"""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
END_OF_CHAIN, FAT_SECTOR, FREE_SECTOR, NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF
SECTOR = 512


# --- a real workbook to start from ------------------------------------------------------------

def write_good(folder: Path, name: str = "正常填报.xlsx", image: bool = False) -> Path:
    import xlsxwriter

    path = Path(folder) / name
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("基础指标")
        sheet.write_row(0, 0, ["编码", "数值"])
        sheet.write_row(1, 0, ["L1P1-A1", 823])
        book.add_worksheet("填报信息").write(0, 0, "填报人")
        if image:
            sheet.insert_image("D2", "logo.png", {"image_data": io.BytesIO(tiny_png())})
    return path


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes] | None = None,
                add: dict[str, bytes] | None = None) -> Path:
    """A copy of the zip ``src`` with some members replaced or added (``src`` is not touched)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info)))
        for name, data in add.items():
            new.writestr(name, data)
    return dst


def _variant(folder: Path, name: str, **changes) -> Path:
    base = write_good(folder, name=".base-" + name)
    try:
        return rewrite_zip(base, Path(folder) / name, **changes)
    finally:
        base.unlink()


# --- compound files (MS-CFB) -------------------------------------------------------------------

def cfb_bytes(streams: dict[str, bytes], storages: tuple[str, ...] = ()) -> bytes:
    """A version-3 compound file whose root holds ``streams`` (>= 4096 bytes each) and storages."""
    padded = {name: data.ljust(4096, b"\x00") for name, data in streams.items()}
    names = list(storages) + list(padded)
    directory_sectors = (len(names) + 1 + 3) // 4
    fat, starts, next_free = [FAT_SECTOR], {}, 1
    fat += _chain(next_free, directory_sectors)
    next_free += directory_sectors
    for name, data in padded.items():
        count = -(-len(data) // SECTOR)
        starts[name], next_free = next_free, next_free + count
        fat += _chain(starts[name], count)
    entries = [_entry("Root Entry", 5, child=1 if names else NO_STREAM)]
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else NO_STREAM
        kind, start = (1, 0) if name in storages else (2, starts[name])
        entries.append(_entry(name, kind, right=right, start=start, size=len(padded.get(name, b""))))
    directory = b"".join(entries).ljust(directory_sectors * SECTOR, b"\x00")
    body = b"".join(data.ljust(-(-len(data) // SECTOR) * SECTOR, b"\x00") for data in padded.values())
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *(fat + [FREE_SECTOR] * (SECTOR // 4 - len(fat))))
    return _cfb_header() + fat_sector + directory + body


def _chain(first: int, count: int) -> list[int]:
    return [first + offset + 1 for offset in range(count - 1)] + [END_OF_CHAIN]


def _entry(name: str, kind: int, right: int = NO_STREAM, child: int = NO_STREAM,
           start: int = END_OF_CHAIN, size: int = 0) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, NO_STREAM, right, child,
                       b"\x00" * 16, 0, 0, 0, start, size)


def _cfb_header() -> bytes:
    fixed = struct.pack("<HHHHH6x", 0x3E, 3, 0xFFFE, 9, 6)
    counts = struct.pack("<9I", 0, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
    difat = struct.pack("<109I", 0, *[FREE_SECTOR] * 108)
    return OLE_MAGIC + b"\x00" * 16 + fixed + counts + difat


def _biff_stub() -> bytes:
    return struct.pack("<HHHH", 0x0809, 16, 0x0600, 0x0005) + b"\x00" * 12  # a BIFF8 BOF record


# --- the cases ---------------------------------------------------------------------------------

def write_empty(folder: Path) -> Path:
    path = Path(folder) / "空文件.xlsx"
    path.write_bytes(b"")
    return path


def write_renamed_csv(folder: Path) -> Path:
    path = Path(folder) / "导出数据.xlsx"
    path.write_bytes("编码,数值\r\nL1P1-A1,823\r\n".encode("gbk"))
    return path


def write_renamed_html(folder: Path) -> Path:
    path = Path(folder) / "网页另存.xlsx"
    html = '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table><tr><td>823</td></tr>'
    path.write_text(html + "</table></body></html>", encoding="utf-8")
    return path


def write_truncated(folder: Path) -> Path:
    good = write_good(folder, name=".whole.xlsx")
    path = Path(folder) / "截断.xlsx"
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    good.unlink()
    return path


def write_legacy_xls(folder: Path) -> Path:
    path = Path(folder) / "旧版.xls"
    path.write_bytes(cfb_bytes({"Workbook": _biff_stub(), "\x05SummaryInformation": b""}))
    return path


def write_wps_et(folder: Path) -> Path:
    path = Path(folder) / "WPS表格.et"
    path.write_bytes(cfb_bytes({"Workbook": _biff_stub()}))
    return path


def write_encrypted(folder: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE2 container, not a zip."""
    path = Path(folder) / "加密.xlsx"
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    streams = {"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 9000) + os.urandom(9000)}
    path.write_bytes(cfb_bytes(streams, storages=("\x06DataSpaces",)))
    return path


def write_macros(folder: Path) -> Path:
    import xlsxwriter

    path = Path(folder) / "含宏.xlsm"
    with xlsxwriter.Workbook(str(path)) as book:
        book.add_worksheet("基础指标").write(0, 0, 823)
        book.add_vba_project(io.BytesIO(cfb_bytes({"dir": b"Attribute VB_Name"})), is_stream=True)
    return path


def write_ratio_bomb(folder: Path, megabytes: int = 50) -> Path:
    """A sheet part padded with a run of zeros: ~50 kB on disk, 50 MB inflated."""
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    return _streamed_sheet(folder, "压缩比炸弹.xlsx", head, (b"0" * (1 << 20) for _ in range(megabytes)))


def write_cell_bomb(folder: Path, rows: int = 1_000_000, columns: int = 10) -> Path:
    """10 M real cells in a few hundred kB — the file that drove openpyxl past 3 GB."""
    head = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<dimension ref="A1:J1000000"/><sheetData>')
    block = (b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>") * 10_000
    return _streamed_sheet(folder, "千万单元格.xlsx", head, (block for _ in range(rows // 10_000)))


def _streamed_sheet(folder: Path, name: str, head: bytes, body, level: int = 9) -> Path:
    base = write_good(folder, name=".base-" + name)
    path = Path(folder) / name
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED,
                                                        compresslevel=level) as new:
        for info in old.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                new.writestr(info.filename, old.read(info))
                continue
            with new.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(head)
                for block in body:
                    sheet.write(block)
                sheet.write(b"</sheetData></worksheet>")
    base.unlink()
    return path


def write_member_bomb(folder: Path, members: int = 2_500) -> Path:
    extra = {f"xl/media/pad{number}.txt": b"" for number in range(members)}
    return _variant(folder, "成员过多.xlsx", add=extra)


def write_entity_bomb(folder: Path) -> Path:
    lol = "".join(f'<!ENTITY lol{n} "{("&lol%d;" % (n - 1)) * 10}">' for n in range(1, 10))
    dtd = f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{lol}]>'
    root = '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol9;</workbook>'
    workbook = dtd + root
    return _variant(folder, "实体炸弹.xlsx", replace={"xl/workbook.xml": workbook.encode()})


def write_million_rows(folder: Path, rows: int = 1_000_000, dimension: bool = True,
                       name: str = "百万行.xlsx") -> Path:
    ref = f'<dimension ref="A1:C{rows}"/>'.encode() if dimension else b""
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + ref
    blocks = (b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n)
                       for n in range(start, min(start + 10_000, rows + 1)))
              for start in range(1, rows + 1, 10_000))
    return _streamed_sheet(folder, name, head + b"<sheetData>", blocks, level=1)


def write_external_links(folder: Path) -> Path:
    link = (b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<externalBook><sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>')
    return _variant(folder, "外部链接.xlsx", add={"xl/externalLinks/externalLink1.xml": link})


def write_image(folder: Path) -> Path:
    return write_good(folder, name="含图片.xlsx", image=True)


def write_sheets_shuffled(folder: Path) -> Path:
    import openpyxl

    base = write_good(folder, name=".base-shuffled.xlsx")
    book = openpyxl.load_workbook(base)
    book["基础指标"].title = "改名的基础指标"
    book.create_sheet("多余的表", 0)
    del book["填报信息"]
    path = Path(folder) / "表被改动.xlsx"
    book.save(path)
    base.unlink()
    return path


def write_gbk_name(folder: Path) -> bytes:
    """成都市_填报.xlsx with its name in GBK bytes, as an old mail client saves it."""
    path = os.fsencode(Path(folder)) + b"/" + "成都市_填报.xlsx".encode("gbk")
    with open(path, "wb") as stream:
        stream.write(write_good(folder, name=".gbk-src.xlsx").read_bytes())
    os.unlink(Path(folder) / ".gbk-src.xlsx")
    return path


def write_odd_unicode_name(folder: Path) -> Path:
    return write_good(folder, name="杭州市\u202e xslx.\u00e9\u0301 📊 填报.xlsx")


def write_docx(folder: Path) -> Path:
    path = Path(folder) / "其实是Word.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        docx.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        docx.writestr("word/document.xml", '<?xml version="1.0"?><document><body>智慧城市</body></document>')
    return path


# Through ingest (not preflight) a .xls/.et is converted where LibreOffice is installed
# (sceval.intake.convert_return): these stubs then read as an unidentified workbook, said so.
CONVERTED_BY_INGEST = ("legacy_xls", "wps_et")


def ingest_code(writer, code: str | None) -> str | None:
    """The code a CASES file gets through ingest on this machine."""
    from sceval.office import soffice

    converted = any(CASES[name][0] is writer for name in CONVERTED_BY_INGEST)
    return "RETURN_CONVERTED" if converted and soffice() else code


CASES = {
    "empty": (write_empty, "FILE_EMPTY"),
    "renamed_csv": (write_renamed_csv, "FILE_NOT_XLSX"),
    "renamed_html": (write_renamed_html, "FILE_NOT_XLSX"),
    "truncated": (write_truncated, "FILE_TRUNCATED"),
    "legacy_xls": (write_legacy_xls, "FILE_LEGACY_XLS"),
    "wps_et": (write_wps_et, "FILE_WPS_ET"),
    "encrypted": (write_encrypted, "FILE_ENCRYPTED"),
    "macros": (write_macros, "FILE_MACROS"),
    "ratio_bomb": (write_ratio_bomb, "FILE_ZIP_BOMB"),
    "member_bomb": (write_member_bomb, "FILE_ZIP_BOMB"),
    "entity_bomb": (write_entity_bomb, "FILE_XML_UNSAFE"),
    "million_rows": (write_million_rows, "FILE_TOO_MANY_ROWS"),
    "external_links": (write_external_links, "FILE_EXTERNAL_LINKS"),
    "docx": (write_docx, "FILE_NOT_WORKBOOK"),
    "image": (write_image, None),
    "sheets_shuffled": (write_sheets_shuffled, None),
    "gbk_name": (write_gbk_name, None),
    "odd_unicode_name": (write_odd_unicode_name, None),
    "good": (write_good, None),
}
