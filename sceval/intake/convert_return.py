""".ods / .xls / .et returns read through LibreOffice, when it is installed.

Cities save the template with LibreOffice or WPS as .ods, Excel 97-2003 .xls or WPS .et. Instead of
refusing them, the worker converts a *copy* to .xlsx in a private temporary folder with a private
user profile that disables macros (highest security level, no macro execution) and never updates
links (so nothing is fetched from the network; where Linux allows it, soffice also runs in a
network namespace of its own), under a time limit; the converted file is then
read with every identity check, and deleted with its folder when the file is done. The input is
never written: soffice sees only the copy. Without LibreOffice the preflight message stays.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from sctemplates.issues import Issue, issue

from sceval.office import run_headless, soffice

DEFAULT_SECONDS = 90  # when the file itself has no time limit
# The refusal preflight gives -> what the file is, for people, and the suffix LibreOffice needs
CONVERTIBLE = {"FILE_LEGACY_XLS": ("Excel 97-2003 工作簿（.xls）", ".xls"),
               "FILE_WPS_ET": ("WPS 表格（.et）", ".et"),
               "FILE_NOT_XLSX": ("OpenDocument 电子表格（.ods）", ".ods")}
# Macros off and links never updated, whatever the document asks (LibreOffice's own settings)
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="TrustedAuthors" oor:op="fuse"><value/></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""


@dataclass(frozen=True)
class Converted:
    path: str  # the .xlsx to read ("" when the conversion failed)
    issues: tuple[Issue, ...]  # RETURN_CONVERTED (info) or RETURN_CONVERT_FAILED (error)


def convertible(found_issues: list[Issue], is_ods: bool) -> Issue | None:
    """The one refusal a conversion would lift, when it is the only error of the file."""
    errors = [i for i in found_issues if i.is_error]
    if len(errors) != 1 or errors[0].code not in CONVERTIBLE:
        return None
    if errors[0].code == "FILE_NOT_XLSX" and not is_ods:
        return None  # .xlsb, CSV, HTML: not ours to convert
    return errors[0] if soffice() is not None else None


@lru_cache(maxsize=1)
def no_network() -> tuple[str, ...]:
    """``unshare -rn``: soffice runs in a network namespace of its own (no route anywhere) where the
    kernel allows it (Linux with user namespaces); elsewhere () — the profile still never updates
    links. unshare execs soffice in place, so the time limit's process-group kill still ends it."""
    tool = shutil.which("unshare")
    if tool is None:
        return ()
    try:
        probe = subprocess.run([tool, "-rn", "true"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ()
    return (tool, "-rn") if probe.returncode == 0 else ()


def as_original(found_issues: list[Issue], display: str) -> list[Issue]:
    """Preflight's issues about the converted copy, naming the file the city sent."""
    copy_name, name = "文件“return.xlsx”", f"文件“{Path(display).name}”"
    return [replace(i, message=i.message.replace(copy_name, name), file=display) for i in found_issues]


def time_limit(file_seconds: int) -> int:
    """Well inside the file's own limit, so the converter is always ended by us, not interrupted."""
    return max(5, file_seconds * 3 // 4) if file_seconds else DEFAULT_SECONDS


@contextmanager
def converted_copy(source: str, refusal: Issue, display: str, seconds: int):
    """Yield a Converted for ``source``; its folder (copy, profile, .xlsx) is removed afterwards."""
    what, suffix = CONVERTIBLE[refusal.code]
    folder = Path(tempfile.mkdtemp(prefix="sceval-convert-"))
    try:
        yield _convert(Path(source), folder, suffix, what, display, seconds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _convert(source: Path, folder: Path, suffix: str, what: str, display: str, seconds: int) -> Converted:
    copy = folder / f"return{suffix}"
    shutil.copyfile(source, copy)
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    command = [*no_network(), soffice() or "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--nologo", "--nolockcheck", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
               "--outdir", str(folder / "out"), str(copy)]
    finished = run_headless(command, seconds)
    result = folder / "out" / "return.xlsx"
    if finished and result.is_file() and result.stat().st_size:
        return Converted(str(result), (issue("RETURN_CONVERTED", f"文件 {display} 是 {what}，已用 LibreOffice "
                                             "转换为 .xlsx 后读取（宏未运行）。今后请直接报送 .xlsx 工作簿", file=display),))
    why = f"超过 {seconds} 秒仍未完成，已停止" if not finished else "无法打开该文件（可能已损坏）"
    return Converted("", (issue("RETURN_CONVERT_FAILED", f"文件 {display} 是 {what}，用 LibreOffice 转换为 .xlsx 时"
                                f"{why}。请用 Excel 或 WPS 打开后另存为 .xlsx 再报送", file=display),))
