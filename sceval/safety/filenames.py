"""Files as people and the ledger see them: a printable name whatever its bytes, the kind its
extension claims, and the sha256 that identifies its content."""
from __future__ import annotations

import hashlib
import os


def safe_filename_display(path) -> str:
    """A printable form of any path: UTF-8, else GB18030 (Chinese mail clients), else replaced;
    bidi controls shown as "<U+202E>" (sctemplates.display: a name must read as its bytes say)."""
    from sctemplates.display import neutral

    raw = path if isinstance(path, bytes) else os.fsencode(os.fspath(path))
    decoded = decode_name_bytes(raw)
    return neutral(decoded if decoded is not None else raw.decode("utf-8", errors="replace"))


def decode_name_bytes(raw: bytes) -> str | None:
    """The one decoder of names in unknown bytes: UTF-8, else GB18030 (a superset of GBK, which
    Chinese mail clients and zip tools write); None when neither fits."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def zip_member_name(info) -> str:
    """A zip member's name as the sender's tool wrote it. With the UTF-8 flag (bit 11) the name
    is UTF-8; without it, zipfile decodes the bytes as CP437, but Linux/macOS tools write UTF-8
    anyway and Chinese Windows tools write GBK: the raw bytes are decoded as any file name is
    (UTF-8 first: GBK text is almost never valid UTF-8), CP437 kept only when both fail."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    decoded = decode_name_bytes(raw)
    return decoded if decoded is not None else info.filename


def sha256_file(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def classify_extension(path) -> str:
    """xlsx | xlsm | xls | et | zip | csv | html | other — from the name only."""
    suffix = os.path.splitext(safe_filename_display(path))[1].lower()
    known = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xls": "xls", ".et": "et", ".ett": "et",
             ".zip": "zip", ".csv": "csv", ".txt": "csv", ".htm": "html", ".html": "html"}
    return known.get(suffix, "other")
