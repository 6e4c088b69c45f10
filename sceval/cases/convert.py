"""Legacy Word (.doc) and WPS 文字 (.wps) to .docx through LibreOffice headless, when installed.

The input is copied into a private temporary folder (so soffice can never write beside or over
the original), converted there with a private user profile (parallel runs never share
LibreOffice's lock) and a timeout; the .docx bytes come back, the folder goes. LibreOffice opens
documents with macros disabled unless they are signed by a trusted source, and headless
conversion runs no macro either way.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sceval.office import run_headless, soffice

TIMEOUT_SECONDS = 60  # one document (``--timeout`` when given)
RUN_SECONDS = 600  # every conversion of one run together: three stuck .doc no longer take 6 minutes


@dataclass
class Budget:
    """Time for conversions (issue 21, item 3): each document gets at most ``per_document``
    seconds and never more than what is left of the run's ``deadline`` (time.time(), so that it
    holds in the forked workers too); what exceeds it is a row and the batch goes on."""

    per_document: float = TIMEOUT_SECONDS
    deadline: float = field(default_factory=lambda: time.time() + RUN_SECONDS)

    @classmethod
    def for_run(cls, per_document: float | None = None, run_seconds: float = RUN_SECONDS) -> "Budget":
        return cls(per_document or TIMEOUT_SECONDS, time.time() + run_seconds)

    def seconds(self) -> float:
        """What the next conversion may take: 0 when the run's budget is spent."""
        return max(0.0, min(self.per_document, self.deadline - time.time()))


class ConversionUnavailable(RuntimeError):
    pass


class ConversionFailed(RuntimeError):
    pass


def to_docx(data: bytes, suffix: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The .docx LibreOffice makes of a .doc/.wps given as bytes."""
    program = soffice()
    if program is None:
        raise ConversionUnavailable("未找到 soffice（PATH、安装目录、SCEVAL_SOFFICE）")
    with tempfile.TemporaryDirectory(prefix="sceval-case-") as folder:
        work = Path(folder)
        source = work / f"case{suffix}"
        source.write_bytes(data)
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                   "--norestore", "--nologo", "--convert-to", "docx:MS Word 2007 XML",
                   "--outdir", str(work / "out"), str(source)]
        _run(command, timeout)
        result = work / "out" / "case.docx"
        if not result.is_file():
            raise ConversionFailed("LibreOffice 未能打开该文件")
        return result.read_bytes()


def _run(command: list[str], timeout: float) -> None:
    if not run_headless(command, timeout):
        raise ConversionFailed(f"转换超过 {timeout:.0f} 秒")
