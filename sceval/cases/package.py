"""Open a case document safely: the workbook preflight's checks, then the streaming reader.

What a stranger's file can do is the same whether it holds a workbook or a case, so the zip
directory (bombs by declared size, member count and ratio), the encryption flags and the XML
prologs (DTD/ENTITY) are checked by sceval.safety.preflight's own functions; only the package
kind differs (word/document.xml, not xl/workbook.xml) and the codes say 案例文档. Added here:
duplicate member names (two parts under one name: which one a reader takes is undefined, a
known trick to show a checker one text and Word another) and macro-enabled packages (.docm:
never run, read as .docx with a warning). .doc and .wps are converted by LibreOffice first
(sceval.cases.convert); .pdf is answered with a request for Word.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field

from sctemplates.issues import Issue, issue

from sceval.cases.inputs import short
from sceval.safety import preflight as safety
from sceval.safety.preflight import Inspection, Limits

DOCUMENT_PART = "word/document.xml"
MACRO_TYPE = b"macroEnabled"
# The workbook preflight's codes, as said of a case document.
CASE_CODES = {"FILE_ZIP_BOMB": "CASE_ZIP_BOMB", "FILE_ENCRYPTED": "CASE_ENCRYPTED",
              "FILE_XML_UNSAFE": "CASE_XML_UNSAFE", "FILE_TRUNCATED": "CASE_UNREADABLE",
              "FILE_UNREADABLE": "CASE_UNREADABLE", "FILE_TIMEOUT": "CASE_UNREADABLE"}


@dataclass
class Package:
    """A checked .docx package held in memory: its bytes and the parts the checker reads itself."""

    data: bytes
    members: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return not any(item.is_error for item in self.issues)

    def part(self, name: str) -> bytes | None:
        """The part's bytes, inflated under a cap (sceval.cases.stream.DocumentTooLarge past it)."""
        from sceval.cases.stream import read_part

        return read_part(self.data, name) if name in self.members else None


def open_package(data: bytes, display: str, limits: Limits = Limits()) -> Package:
    """The package with every problem as an Issue (never an exception)."""
    found = Inspection(path=display, name=short(display))
    package = Package(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            package.members = [info.filename for info in members]
            if not _directory_bad(archive, members, found, limits):
                _scan_prologs(archive, members, found, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, OSError) as exc:
        found.add("FILE_TRUNCATED", f"已损坏或不完整，无法解压（{str(exc)[:80]}），请重新保存后报送。")
    except RuntimeError:
        found.add("FILE_ENCRYPTED", "的压缩内容设置了密码，请取消密码后重新报送。")
    package.issues = [_as_case(item) for item in found.issues]
    return package


def _directory_bad(archive, members, found: Inspection, limits: Limits) -> bool:
    if safety._zip_directory_bad(members, found, limits):
        return True
    names = [info.filename for info in members]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        found.issues.append(issue("CASE_DUPLICATE_MEMBERS", f"文件“{found.name}”的压缩包内有重名部件"
                                  f"（{'、'.join(duplicates[:3])}），可能被篡改，已拒绝读取。", file=found.path))
    elif any(info.flag_bits & 0x1 for info in members):
        found.add("FILE_ENCRYPTED", "的压缩内容设置了密码，请取消密码后重新报送。")
    elif DOCUMENT_PART not in names:
        found.issues.append(issue("CASE_NOT_DOCUMENT", f"文件“{found.name}”不是 Word 文档（压缩包中没有"
                                  f" {DOCUMENT_PART}），请报送 .docx 格式的案例。", file=found.path))
    else:
        _note_macros(archive, names, found)
    return found.failed


def _note_macros(archive, names: list[str], found: Inspection) -> None:
    content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if MACRO_TYPE in content_types or any(name.lower().endswith("vbaproject.bin") for name in names):
        found.issues.append(issue("CASE_MACROS", f"文件“{found.name}”是启用宏的文档（.docm），宏不会被执行，"
                                  "只读取文字；请另存为 .docx 后报送。", file=found.path))


def _scan_prologs(archive, members, found: Inspection, limits: Limits) -> None:
    for info in members:
        if info.filename.lower().endswith(safety.XML_SUFFIXES) and safety._prolog_unsafe(archive, info, found):
            found.add("FILE_XML_UNSAFE", f"的部件“{info.filename}”含 DOCTYPE/ENTITY 声明"
                                         "（可能是实体扩展攻击），已拒绝读取。")
            return


def _as_case(item: Issue) -> Issue:
    code = CASE_CODES.get(item.code)
    return issue(code, item.message, file=item.file) if code else item


def ole_kind(data: bytes) -> str:
    """encrypted | word (a .doc or WPS .wps) | other — for an OLE2 compound file."""
    names = safety.ole_stream_names(data) or []
    if any(name in safety.ENCRYPTION_STREAMS for name in names):
        return "encrypted"
    return "word" if "WordDocument" in names or any("WPS" in name.upper() for name in names) else "other"
