"""The second hostile corpus, file level (issue 13 items 6, 7, 9, 17, 21–23): what a folder of
returns can hold besides returns. Everything is generated: no binary blobs.

``file_cases(good, folder)`` writes every case into ``folder`` and returns, for each row the batch
must show, its name (the last part of results.json's ``path``) -> the expected issue code. Cases
that must give *no* row (sceval's own outputs) are written too and listed in ``NO_ROW``.
"""
from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

from tests.sceval.ingest import zip_builders

NO_ROW = ("旧的输出目录", "results副本")  # recognised as sceval outputs by their marks


def file_cases(good: Path, folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    expected = _odd_names(good, folder)
    expected |= _links(good, folder)
    expected |= _archives(good, folder)
    _sceval_outputs(folder)
    return expected


def _odd_names(good: Path, folder: Path) -> dict[str, str]:
    (folder / "320100_南京市.rar").write_bytes(b"Rar!\x1a\x07\x01\x00" + bytes(32))
    (folder / "320200_无锡市.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(32))
    (folder / "扫描件").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    with zipfile.ZipFile(folder / "二进制.xlsb", "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    (folder / "表格.numbers").mkdir()
    (folder / "表格.numbers" / "Index.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    return {"320100_南京市.rar": "FILE_UNSUPPORTED_KIND", "320200_无锡市.7z": "FILE_UNSUPPORTED_KIND",
            "扫描件": "FILE_UNSUPPORTED_KIND", "二进制.xlsb": "FILE_UNSUPPORTED_KIND",
            "表格.numbers": "FILE_UNSUPPORTED_KIND"}


def _links(good: Path, folder: Path) -> dict[str, str]:
    (folder / "断开的链接.xlsx").symlink_to(folder / "从未存在.xlsx")
    (folder / "设备链接.xlsx").symlink_to("/dev/zero")
    (folder / "某文件夹").mkdir()
    (folder / "文件夹链接").symlink_to(folder / "某文件夹")
    os.mkfifo(folder / "管道.xlsx")
    return {"断开的链接.xlsx": "FILE_LINK_BROKEN", "设备链接.xlsx": "FILE_NOT_REGULAR",
            "文件夹链接": "FILE_LINK_FOLDER", "管道.xlsx": "FILE_NOT_REGULAR"}


def _archives(good: Path, folder: Path) -> dict[str, str]:
    data = good.read_bytes()
    crc = zip_builders.members_zip(folder / "坏校验.zip", {"前.xlsx": b"before", "坏成员.xlsx": data[::-1],
                                                           "后.xlsx": b"after"})
    zip_builders.damage_member(crc, "坏成员.xlsx")
    locked = zip_builders.gbk_names_zip(folder / "有密码.zip", {"加密的表.xlsx": data})
    zip_builders.flag_encrypted(locked)
    zip_builders.copies_zip(folder / "解压炸弹.zip", 250, 20 * 1024 * 1024)
    zip_builders.members_zip(folder / "空成员.zip", {"330300_温州市.xlsx": b""})
    return {"坏成员.xlsx": "ARCHIVE_MEMBER_BAD", "前.xlsx": "FILE_NOT_XLSX", "后.xlsx": "FILE_NOT_XLSX",
            "加密的表.xlsx": "ARCHIVE_ENCRYPTED", "解压炸弹.zip": "ARCHIVE_TOO_LARGE", "330300_温州市.xlsx": "FILE_EMPTY"}


def _sceval_outputs(folder: Path) -> None:
    """A copied output folder (its mark) and a lone results.json (its shape): never read."""
    old = folder / NO_ROW[0]
    (old / "反馈").mkdir(parents=True)
    (old / ".sceval-output").write_text('{"tool": "sceval"}\n', encoding="utf-8")
    (old / "反馈" / "330100_杭州市_问题反馈.xlsx").write_bytes(b"PK\x05\x06" + bytes(18))
    (folder / NO_ROW[1]).write_text('{\n  "catalog": {"edition": "2016", "title": "x", "fingerprint": "0"},\n'
                                    '  "files": [],\n  "cities": []\n}\n', encoding="utf-8")


def copy_good(good: dict[str, Path], folder: Path) -> None:
    for path in good.values():
        shutil.copy(path, folder / path.name)
