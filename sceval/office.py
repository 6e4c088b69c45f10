"""LibreOffice headless, run safely: found on PATH, in its own process group with a timeout (so a
hung conversion ends soffice.bin too, not just its launcher script), no standard streams."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def run_headless(command: list[str], timeout: int) -> bool:
    """Run a soffice command; False when it ran past ``timeout`` seconds and was killed."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False
    return True
