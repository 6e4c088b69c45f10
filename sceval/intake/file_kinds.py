"""What a file found among the inputs is, by its first bytes (and a zip's member names), whatever
its name says: so a file with no extension, a trailing space or an unusual one gets a row saying
what it is and what to send instead, and a real workbook under an odd name is still read.

Only regular files are sniffed (a FIFO or a device would block or never end); at most HEAD bytes
are read, and for a zip only its central directory (plus the few bytes of an ODF ``mimetype``).
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

HEAD = 4096
# Word-type documents: intake leaves them to sceval.cases (附件3 case documents), never a rejected return.
WORD_SUFFIXES = {".docx", ".docm", ".doc", ".wps", ".rtf"}
SEND_XLSX = "请用 Excel 或 WPS 打开后另存为 .xlsx 工作簿再报送"
SEND_UNPACKED = "请解压后直接发送其中的 .xlsx 工作簿，或改用 .zip 格式压缩"


@dataclass(frozen=True)
class Kind:
    what: str  # for people, Chinese
    action: str  # workbook | archive | unsupported | sceval_output
    advice: str = ""


WORKBOOK = Kind("Excel 工作簿", "workbook")
ARCHIVE = Kind("ZIP 压缩包", "archive")
SCEVAL_RESULTS = Kind("sceval 生成的 results.json", "sceval_output")

RAR = Kind("RAR 压缩包", "unsupported", SEND_UNPACKED)
SEVEN_Z = Kind("7z 压缩包", "unsupported", SEND_UNPACKED)
PDF = Kind("PDF 文档", "unsupported", "填报表须以 .xlsx 工作簿报送（PDF 扫描件或打印件无法计分），请发送工作簿")
IMAGE = "图片无法计分，请发送填好的 .xlsx 工作簿"
PROGRAM = "不会运行任何程序，请发送填好的 .xlsx 工作簿"
XLSB = Kind("Excel 二进制工作簿（.xlsb）", "unsupported", SEND_XLSX)
WORD = Kind("Word 文档", "unsupported", "填报表须以 .xlsx 工作簿报送，请发送工作簿而不是 Word 文档")
NUMBERS = Kind("Apple Numbers 表格", "unsupported", "请在 Numbers 中导出为 Excel (.xlsx) 后再报送")
ODS = Kind("OpenDocument 电子表格（.ods）", "unsupported", SEND_XLSX)
TEMPLATE = Kind("Excel 模板文件（.xltx/.xltm）", "unsupported",
                "模板不能直接报送，请在 Excel 中打开、填写后另存为 .xlsx 工作簿再报送")

MAGICS = (  # first bytes -> what it is, and what to send instead
    (b"Rar!\x1a\x07", RAR),
    (b"7z\xbc\xaf\x27\x1c", SEVEN_Z),
    (b"\x1f\x8b", Kind("gzip 压缩文件", "unsupported", SEND_UNPACKED)),
    (b"BZh", Kind("bzip2 压缩文件", "unsupported", SEND_UNPACKED)),
    (b"\xfd7zXZ\x00", Kind("xz 压缩文件", "unsupported", SEND_UNPACKED)),
    (b"%PDF", PDF),
    (b"\x89PNG", Kind("PNG 图片", "unsupported", IMAGE)),
    (b"\xff\xd8\xff", Kind("JPEG 图片", "unsupported", IMAGE)),
    (b"GIF8", Kind("GIF 图片", "unsupported", IMAGE)),
    (b"MZ", Kind("Windows 可执行程序", "unsupported", PROGRAM)),
    (b"\x7fELF", Kind("可执行程序", "unsupported", PROGRAM)),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", WORKBOOK),  # OLE2: .xls/.et/encrypted; preflight says which
    (b"PK\x03\x04", None), (b"PK\x05\x06", None),  # a zip: its member names say what it is
)
# Packages that are zips: a part they always have -> what they are
ZIP_PACKAGES = (
    ("xl/workbook.bin", XLSB),
    ("word/document.xml", WORD),
    ("ppt/presentation.xml", Kind("PowerPoint 演示文稿", "unsupported", "填报表须以 .xlsx 工作簿报送，请发送工作簿")),
    ("Index/Document.iwa", NUMBERS),
    ("Index.zip", NUMBERS),
)
# What a name alone says (archive members are not sniffed): what people send instead of a workbook
BY_SUFFIX = {".rar": RAR, ".7z": SEVEN_Z, ".xlsb": XLSB, ".xltx": TEMPLATE, ".xltm": TEMPLATE,
             ".numbers": NUMBERS, ".pdf": PDF, ".doc": WORD, ".docx": WORD, ".wps": WORD}
# .xltx / .xltm content types: a template, not a filled-in workbook
TEMPLATE_TYPES = (b"spreadsheetml.template.main", b"ms-excel.template.macroEnabled")
ODF_SPREADSHEET = b"application/vnd.oasis.opendocument.spreadsheet"
RESULTS_HEAD = re.compile(r'^\s*\{\s*"catalog"\s*:\s*\{\s*"edition"')
# Folders that macOS shows as one file (a package): never searched as a folder of returns
BUNDLE_SUFFIXES = {".numbers": "Apple Numbers 表格", ".pages": "Apple Pages 文稿", ".key": "Apple Keynote 演示文稿"}


def sniff(path) -> Kind:
    """The kind of one regular file; OSError when it cannot be read."""
    with open(path, "rb") as stream:
        head = stream.read(HEAD)
    if not head:
        return Kind("空文件（0 字节）", "unsupported", "请重新发送填好的 .xlsx 工作簿")
    for magic, kind in MAGICS:
        if head.startswith(magic):
            return kind or _zip_kind(path)
    return _text_kind(head)


def _zip_kind(path) -> Kind:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return _ooxml_kind(archive)
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                if archive.read("mimetype").startswith(ODF_SPREADSHEET):
                    return ODS
            for part, kind in ZIP_PACKAGES:
                if part in names:
                    return kind
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, KeyError):
        return Kind("已损坏的 ZIP 文件", "unsupported", "请重新压缩或直接发送 .xlsx 工作簿")
    return ARCHIVE


def _ooxml_kind(archive: zipfile.ZipFile) -> Kind:
    info = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in archive.namelist() else None
    types = archive.read(info) if info is not None and info.file_size < 64 * 1024 else b""
    return TEMPLATE if any(kind in types for kind in TEMPLATE_TYPES) else WORKBOOK


def _text_kind(head: bytes) -> Kind:
    text = head.decode("utf-8", errors="ignore")
    if RESULTS_HEAD.match(text) and _looks_like_results(text):
        return SCEVAL_RESULTS
    lowered = text.lstrip("\ufeff \r\n\t").lower()
    if lowered.startswith(("<html", "<!doctype html", "<?xml")):
        return Kind("网页或 XML 文件", "unsupported", SEND_XLSX)
    if b"\x00" in head:
        return Kind("无法识别的二进制文件", "unsupported", "请发送填好的 .xlsx 工作簿")
    return Kind("文本文件", "unsupported", "请发送填好的 .xlsx 工作簿（文本或 CSV 文件无法识别城市和模板）")


def _looks_like_results(text: str) -> bool:
    """results.json begins {"catalog": {"edition": …, "fingerprint": …: sceval's own output."""
    return '"fingerprint"' in text[:600]


def is_results_json(path) -> bool:
    """A sceval results.json (its shape, not its name)."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(HEAD).decode("utf-8", errors="ignore")
    except OSError:
        return False
    return bool(RESULTS_HEAD.match(head)) and _looks_like_results(head)

