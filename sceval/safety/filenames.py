"""Files as people and the ledger see them: a printable name whatever its bytes, the kind its
extension claims, and the sha256 that identifies its content."""
from __future__ import annotations

import hashlib
import os


def safe_filename_display(path) -> str:
    """A printable form of any path: UTF-8, else GB18030 (Chinese mail clients), else replaced."""
    raw = path if isinstance(path, bytes) else os.fsencode(os.fspath(path))
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


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
