"""Hostile-input preflight: cheap checks on the raw bytes and the zip directory, before parsing.

A returned workbook is an e-mail attachment from a stranger. Before calamine or openpyxl touch it
we look only at what costs (almost) nothing: the size, the first bytes (zip, OLE2 or text?), the
zip directory (declared sizes, member count, compression ratios — a 634 kB file that expands to
10 M cells drove openpyxl past 3 GB; the directory rejects it in milliseconds), the head of each
sheet (its <dimension ref>), and a streaming scan of the XML parts for DTDs (defusedxml
semantics: no DOCTYPE, no ENTITY). Nothing is parsed, executed or written; the input file is only
opened for reading. Problems come back as Issues, never as exceptions.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sctemplates.issues import Issue, issue

from sceval.safety.filenames import classify_extension, safe_filename_display

from sceval.safety.parts import PartOversize, duplicate_part, inflate_checked
from sceval.safety.sheet_counts import count_rows
from sceval.safety.ole import OLE_MAGIC, ole_stream_names  # noqa: F401  (ole_stream_names: public here too)
from sceval.safety.xml_prolog import PROLOG_CHUNK, prolog_verdict

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ENCRYPTION_STREAMS = ("EncryptionInfo", "EncryptedPackage")  # ECMA-376 agile/standard encryption
WPS_EXTENSIONS = (".et", ".ett")
XML_SUFFIXES = (".xml", ".rels", ".vml")
HEAD_BYTES = 16 * 1024  # <dimension> sits right after the root element and <sheetPr>
DIMENSION = re.compile(
    rb'<(?:\w{1,16}:)?dimension\s+ref="\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?"'
)
NOT_WORKBOOK_MAGICS = {b"%PDF": "PDF 文档", b"\x89PNG": "PNG 图片", b"\xff\xd8\xff": "JPEG 图片",
                       b"GIF8": "GIF 图片", b"Rar!": "RAR 压缩包", b"7z\xbc\xaf": "7z 压缩包",
                       b"\x1f\x8b": "gzip 压缩文件"}


@dataclass(frozen=True)
class Limits:
    """Bounds for one file; generous for a real return, fatal for a bomb."""

    max_bytes: int = 20 * 1024 * 1024
    max_uncompressed: int = 200 * 1024 * 1024
    max_ratio: int = 100
    ratio_floor: int = 1024 * 1024  # small XML parts legitimately compress > 100:1
    max_members: int = 2_000
    max_rows: int = 100_000
    max_cells: int = 2_000_000
    seconds: float = 60.0
    # Bytes inflated out of .zip inputs into the run's work folder: per archive, and for the whole
    # run (a 5 MB zip of 250 × 20 MB members would otherwise write 5 GB; sceval.intake.archives).
    max_archive_inflated: int = 200 * 1024 * 1024
    max_run_inflated: int = 1024 * 1024 * 1024


@dataclass
class Inspection:
    """What preflight saw; ``bytes_decompressed`` shows how much of the archive it inflated."""

    path: str
    name: str
    issues: list[Issue] = field(default_factory=list)
    bytes_decompressed: int = 0
    kind: str = ""  # xlsx | ole2 | text | other | zip | missing
    # Parts read whole on the way, for the reader (one inflate per part): see preflight(parts=…).
    parts: dict[str, bytes] | None = field(default=None, repr=False)
    wanted: Callable[[str], bool] | None = field(default=None, repr=False)
    members: list[str] | None = field(default=None, repr=False)  # the zip's member names, in order
    sha256: str = ""  # of the whole file, when it was read (not for an empty, missing or too large file)
    raw: bytes | None = field(default=None, repr=False)  # the zip's bytes while inspecting (never kept after)

    def add(self, code: str, message: str) -> None:
        self.issues.append(issue(code, f"文件“{self.name}”{message}", file=self.path))

    @property
    def failed(self) -> bool:
        return any(item.is_error for item in self.issues)


# --- entry point -----------------------------------------------------------------------------

def preflight(path, limits: Limits = Limits(), parts: dict[str, bytes] | None = None,
              wanted: Callable[[str], bool] | None = None) -> list[Issue]:
    """Error/warning Issues for a file that must not (or must carefully) be parsed; [] if fine.

    With ``parts`` and ``wanted``: each XML part for which wanted(name) holds and that is at most
    KEEP_BYTES is inflated whole (not just its head) and left in ``parts``, so that the reader
    need not open and inflate it a second time. The verdict is the same either way.
    """
    return inspect(path, limits, parts, wanted).issues


def inspect(path, limits: Limits = Limits(), parts: dict[str, bytes] | None = None,
            wanted: Callable[[str], bool] | None = None) -> Inspection:
    display = safe_filename_display(path)
    found = Inspection(path=display, name=os.path.basename(display) or display, parts=parts, wanted=wanted)
    try:
        _inspect_file(path, found, limits)
    except PartOversize as exc:  # inflating more than the directory says: the declared sizes lied
        found.add("FILE_ZIP_BOMB", f"的部件“{exc.name}”声明解压后为 {exc.declared:,} 字节，实际解压超过此大小"
                                   "（已停止解压，可能是压缩炸弹），已拒绝读取。")
    except Exception as exc:  # noqa: BLE001 — hostile input must never stop the batch
        found.add("FILE_UNREADABLE", f"无法读取（{type(exc).__name__}），请检查文件后重新报送。")
    finally:
        found.raw = None
    return found


def _inspect_file(path, found: Inspection, limits: Limits) -> None:
    size = _size_or_report(path, found)
    if size is None:
        return
    if size == 0:
        found.add("FILE_EMPTY", "为空（0 字节），请重新发送附件。")
        return
    if size > limits.max_bytes:
        found.add("FILE_TOO_LARGE", f"大小为 {size:,} 字节，超过上限 {limits.max_bytes:,} 字节。")
        return
    with open(path, "rb") as stream:  # whole, once ("rb" can never alter the input): within the limit
        data = stream.read()
    found.sha256 = hashlib.sha256(data).hexdigest()
    head = data[:4096]
    if classify_extension(path) == "et":
        found.add("FILE_WPS_ET", "是 WPS 表格 (.et) 文件，请在 WPS 中另存为 .xlsx 后重新报送。")
    elif head.startswith(ZIP_MAGICS):
        found.kind = "zip"
        _inspect_zip(data, found, limits)
    elif head.startswith(OLE_MAGIC):
        found.kind = "ole2"
        _inspect_ole(data, found)
    else:
        _inspect_other(head, found)


def _size_or_report(path, found: Inspection) -> int | None:
    try:
        if not os.path.isfile(path):
            found.kind = "missing"
            found.add("FILE_NOT_FOUND", "不存在或不是普通文件。")
            return None
        return os.path.getsize(path)
    except OSError as exc:
        found.add("FILE_UNREADABLE", f"无法访问（{exc.strerror or exc}）。")
        return None


# --- not a zip, not OLE2: text or some other format ---------------------------------------

def _inspect_other(head: bytes, found: Inspection) -> None:
    for magic, what in NOT_WORKBOOK_MAGICS.items():
        if head.startswith(magic):
            found.kind = "other"
            found.add("FILE_NOT_WORKBOOK", f"是{what}，不是工作簿，请报送 .xlsx 填报表。")
            return
    found.kind = "text"
    found.add("FILE_NOT_XLSX", f"不是 .xlsx 工作簿，看起来是{_guess_text_kind(head)}"
                               "（可能改过扩展名），请用 Excel 或 WPS 打开模板填写后另存为 .xlsx。")


def _guess_text_kind(head: bytes) -> str:
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))  # Excel's "Unicode 文本"
    if b"\x00" in head and not utf16:
        return "无法识别的二进制文件"
    text = head.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in text:
        return " HTML 网页"
    if text.startswith(b"<?xml"):
        return " XML 文件（如 Excel 2003 XML 表格）"
    return "文本或 CSV 文件"


# --- OLE2 compound files: legacy .xls, or an encrypted .xlsx -------------------------------

def _inspect_ole(data: bytes, found: Inspection) -> None:
    names = ole_stream_names(data)
    if names is None:  # a damaged directory: fall back to the names' UTF-16 bytes
        names = [name for name in ENCRYPTION_STREAMS if name.encode("utf-16-le") in data]
    if any(name in names for name in ENCRYPTION_STREAMS):
        found.add("FILE_ENCRYPTED", "设置了打开密码（已加密），无法读取。请在 Excel/WPS 中"
                                    "取消打开密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空）后重新报送。")
    elif "WordDocument" in names or "PowerPoint Document" in names:
        found.add("FILE_NOT_WORKBOOK", "是旧版 Word/PowerPoint 文档，不是工作簿，请报送 .xlsx 填报表。")
    else:
        found.add("FILE_LEGACY_XLS", "是旧版 Excel 97-2003 (.xls) 文件，请另存为 .xlsx 后重新报送。")


# --- zip containers: the workbook proper -----------------------------------------------------

def _inspect_zip(data: bytes, found: Inspection, limits: Limits) -> None:
    deadline = time.monotonic() + limits.seconds
    try:  # in memory: zipfile's many small seeks and reads cost more on a file
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members, found.raw = archive.infolist(), data
            found.members = [info.filename for info in members]
            if _duplicate_bad(found) or _zip_directory_bad(members, found, limits) or _package_bad(archive, members, found):
                return
            _note_warnings(members, found)
            if _dimensions_too_big(archive, members, found, limits):
                return
            _scan_parts(archive, members, found, limits, deadline)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, OSError) as exc:
        found.add("FILE_TRUNCATED", f"已损坏或不完整，无法解压（{_short(exc)}）。请重新保存并发送完整的文件。")
    except RuntimeError as exc:  # zipfile's "password required"
        found.add("FILE_ENCRYPTED", f"的压缩内容设置了密码（{_short(exc)}），请取消密码后重新报送。")


def _short(exc: Exception) -> str:
    return str(exc)[:80] or type(exc).__name__


def _duplicate_bad(found: Inspection) -> bool:
    twice = duplicate_part(found.members)
    if twice:
        found.add("FILE_DUPLICATE_PART", f"的压缩包中部件“{twice[0]}”出现 {twice[1]} 次（不同软件会读取不同的副本），"
                                         "已拒绝读取。请用 Excel 或 WPS 打开后另存为新文件再报送。")
    return twice is not None


def _zip_directory_bad(members, found: Inspection, limits: Limits) -> bool:
    """Reject bombs from the declared sizes alone: nothing is inflated."""
    total = sum(info.file_size for info in members)
    if len(members) > limits.max_members:
        found.add("FILE_ZIP_BOMB", f"含 {len(members):,} 个压缩成员，超过上限 {limits.max_members:,}。")
    elif total > limits.max_uncompressed:
        found.add("FILE_ZIP_BOMB", f"解压后共 {total:,} 字节，超过上限 {limits.max_uncompressed:,} 字节。")
    elif worst := _worst_ratio(members, limits):
        found.add("FILE_ZIP_BOMB", f"的成员“{worst.filename}”压缩比为 "
                                   f"{worst.file_size // max(worst.compress_size, 1):,}:1，"
                                   f"超过上限 {limits.max_ratio}:1。")
    return found.failed


def _worst_ratio(members, limits: Limits):
    suspects = [info for info in members if info.file_size > limits.ratio_floor
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)]
    return max(suspects, key=lambda info: info.file_size / max(info.compress_size, 1), default=None)


def _package_bad(archive: zipfile.ZipFile, members, found: Inspection) -> bool:
    names = {info.filename for info in members}
    if any(info.flag_bits & 0x1 for info in members):
        found.add("FILE_ENCRYPTED", "的压缩内容设置了密码，请取消密码后重新报送。")
    elif "xl/workbook.xml" in names:
        found.kind = "xlsx"
    elif "xl/workbook.bin" in names:
        found.add("FILE_NOT_XLSX", "是二进制工作簿 (.xlsb)，请另存为 .xlsx 后重新报送。")
    elif _is_ods(archive, names):
        found.add("FILE_NOT_XLSX", "是 OpenDocument 表格 (.ods)，请另存为 .xlsx 后重新报送。")
    else:
        found.add("FILE_NOT_WORKBOOK", f"是{_zip_kind(names)}，不是工作簿，请报送 .xlsx 填报表。")
    return found.failed


def _is_ods(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if "mimetype" not in names or archive.getinfo("mimetype").file_size > 200:
        return False
    return b"opendocument.spreadsheet" in archive.read("mimetype")


def _zip_kind(names: set[str]) -> str:
    if "word/document.xml" in names:
        return " Word 文档 (.docx)"
    if "ppt/presentation.xml" in names:
        return " PowerPoint 演示文稿 (.pptx)"
    if any(name.lower().endswith((".xlsx", ".xlsm", ".xls")) for name in names):
        return "普通压缩包（内含工作簿，请解压后分别报送）"
    return "普通压缩包"


def _note_warnings(members, found: Inspection) -> None:
    names = [info.filename for info in members]
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        found.add("FILE_MACROS", "含宏（VBA 工程）。宏不会被执行，只读取单元格中的数值。")
    if any(name.startswith("xl/externalLinks/") for name in names):
        found.add("FILE_EXTERNAL_LINKS", "含外部链接。外部链接不会被打开或更新，只读取单元格保存的值。")


def _worksheets(members) -> list[zipfile.ZipInfo]:
    return [info for info in members
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")]


def _dimensions_too_big(archive, members, found: Inspection, limits: Limits) -> bool:
    """Decide from each sheet's <dimension ref>, read from its first few kilobytes only."""
    for info in _worksheets(members):
        head = _kept(archive, info, found)
        if head is None:
            with archive.open(info) as stream:
                head = stream.read(HEAD_BYTES)
            found.bytes_decompressed += len(head)
        match = DIMENSION.search(head[:HEAD_BYTES])
        rows, columns = _dimension_size(match) if match else (0, 0)
        if rows > limits.max_rows or rows * columns > limits.max_cells:
            ref = match.group(0).decode("ascii", "replace").split("=")[-1]
            found.add("FILE_TOO_MANY_ROWS", f"的工作表部件“{info.filename}”声明范围为 {ref}（{rows:,} 行 × "
                                            f"{columns:,} 列），超过上限 {limits.max_rows:,} 行或 "
                                            f"{limits.max_cells:,} 个单元格。")
            return True
    return False


def _dimension_size(match: re.Match) -> tuple[int, int]:
    first_col, first_row, last_col, last_row = match.groups()
    last_col, last_row = last_col or first_col, last_row or first_row
    rows = abs(int(last_row) - int(first_row)) + 1
    columns = abs(_column_number(last_col) - _column_number(first_col)) + 1
    return rows, columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _scan_parts(archive, members, found: Inspection, limits: Limits, deadline: float) -> None:
    """Every XML part's prolog for DTDs; big sheets streamed once for their row/cell counts.

    A DOCTYPE (and so any ENTITY) can only stand in the prolog, before the root element, so
    reading up to the root element of each part is enough; a sheet whose declared size is too
    small to hold more rows than allowed (6 bytes is the shortest row, <row/>) is not counted.
    """
    sheets = {info.filename for info in _worksheets(members)}
    smallest_too_big = limits.max_rows * len(b"<row/>")
    for info in members:
        # Every part, whatever its name: relationships may point the reader or calamine at a
        # shared-strings or sheet part not named *.xml. Kept parts were checked when kept.
        if found.parts is None or info.filename not in found.parts:
            inflate_checked(found.raw, info, keep=False)
        if not info.filename.lower().endswith(XML_SUFFIXES):
            continue
        if _prolog_unsafe(archive, info, found):
            found.add("FILE_XML_UNSAFE", f"的部件“{info.filename}”含 DOCTYPE/ENTITY 声明"
                                         "（可能是实体扩展攻击），已拒绝读取。")
            return
        if info.filename in sheets and info.file_size >= smallest_too_big:
            if _sheet_too_big(archive, info, found, limits, deadline):
                return
        if time.monotonic() > deadline:
            found.add("FILE_TIMEOUT", f"检查超过时间上限 {limits.seconds:g} 秒，已停止读取。")
            return


def _sheet_too_big(archive, info, found: Inspection, limits: Limits, deadline: float) -> bool:
    rows, cells, inflated = count_rows(archive, info, deadline)
    found.bytes_decompressed += inflated
    if rows > limits.max_rows or cells > limits.max_cells:
        found.add("FILE_TOO_MANY_ROWS", f"的工作表部件“{info.filename}”有 {rows:,} 行、"
                                        f"{cells:,} 个单元格，超过上限 {limits.max_rows:,} 行"
                                        f"或 {limits.max_cells:,} 个单元格。")
        return True
    return False


KEEP_BYTES = 4 << 20  # parts kept for the reader are this small at most (a real sheet: ~120 kB)


def _kept(archive, info, found: Inspection) -> bytes | None:
    """The whole part when the reader wants it (inflated once, then kept); else None."""
    if found.parts is None or found.wanted is None or not found.wanted(info.filename):
        return None
    if info.filename not in found.parts:
        if info.file_size > KEEP_BYTES:
            return None
        try:  # capped: never more than the directory declares (sceval.safety.parts)
            data = inflate_checked(found.raw, info, keep=True)
        except (zipfile.BadZipFile, zlib.error, EOFError):
            return None  # decided by the head reads, exactly as without keeping
        found.bytes_decompressed += len(data)
        found.parts[info.filename] = data
    return found.parts[info.filename]


def _prolog_unsafe(archive, info, found: Inspection) -> bool:
    """True when the part declares a DTD before its root element (or hides the root too deep)."""
    data = _kept(archive, info, found)
    if data is not None:  # the same 4 kB steps as from the stream below, so the same verdict
        return prolog_verdict(data[:end] for end in range(PROLOG_CHUNK, len(data) + PROLOG_CHUNK, PROLOG_CHUNK))
    with archive.open(info) as stream:
        return prolog_verdict(_growing(stream, found))


def _growing(stream, found: Inspection):
    buffer = b""
    while chunk := stream.read(PROLOG_CHUNK):
        found.bytes_decompressed += len(chunk)
        buffer += chunk
        yield buffer
