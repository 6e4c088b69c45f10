"""One rule for the name of every file sceval writes: a name Windows (NTFS, Explorer, Excel) can
hold as it is, the same on every system, so a folder made on Linux copies to a Windows PC intact.

City names become file names (``320100_南京市_…xlsx``), and a roster may hold 兵团 names such as
``第八师:石河子市`` or ``第一师/阿拉尔市``: ``:`` would open an NTFS alternate stream and ``/``
a subfolder. Characters NTFS refuses become their full-width forms (readable, and still Chinese
text to whoever reads the name), control characters go, trailing dots and spaces (which Windows
drops) go, a reserved device name (CON, NUL, COM1…, which no folder can hold) gets a leading
"_", and a name is cut to MAX_CHARACTERS characters keeping its suffix (paths past 260
characters fail in older Windows programs; 150 leaves room for the folders above).
"""
from __future__ import annotations

import re

MAX_CHARACTERS = 150
FORBIDDEN = '<>:"/\\|?*'
FULL_WIDTH = str.maketrans({char: chr(ord(char) + 0xFEE0) for char in FORBIDDEN})
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?", re.IGNORECASE)
MAX_SUFFIX = 16


def safe_file_name(name: str) -> str:
    """``name`` as a file name every system sceval runs on can hold, unchanged when it already can."""
    cleaned = CONTROL.sub("", str(name).translate(FULL_WIDTH)).rstrip(" .")
    if RESERVED.fullmatch(cleaned.split(" ")[0] if cleaned else ""):
        cleaned = "_" + cleaned
    return _shortened(cleaned) or "_"


def file_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a file name as it is (in Chinese), or None when it can."""
    if safe_file_name(name) == name:
        return None
    if not name.strip(" ."):
        return "为空"
    if set(name) & set(FORBIDDEN):
        return f"含有文件名不能使用的字符“{' '.join(sorted(set(name) & set(FORBIDDEN)))}”"
    if CONTROL.search(name):
        return "含有控制字符"
    if name != name.rstrip(" ."):
        return "以句点或空格结尾"
    if len(name) > MAX_CHARACTERS:
        return f"超过 {MAX_CHARACTERS} 个字符"
    return "是 Windows 保留的设备名（如 CON、NUL、COM1）"


def _shortened(name: str) -> str:
    if len(name) <= MAX_CHARACTERS:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > MAX_SUFFIX:
        return name[:MAX_CHARACTERS].rstrip(" .")
    return stem[:MAX_CHARACTERS - len(suffix) - 1].rstrip(" .") + "." + suffix
