"""LibreOffice headless, run safely, on Linux, macOS and Windows.

Found through ``SCEVAL_SOFFICE`` (the program itself), then PATH, then where the installers put it
(the Windows installer does not change PATH: the registry's install path and the Program Files
folders; the macOS application bundle). Run with no standard streams, a time limit and, on POSIX,
a bound on the address space of soffice and everything it starts (RLIMIT_AS, inherited: a hostile
document cannot take the machine's memory; Windows has no such per-process limit here, so there
the time limit is the only bound). A conversion past its time is ended with its whole process
tree — soffice's launcher starts soffice.bin, which outlives the launcher if only that is killed:
its own process group on POSIX, ``taskkill /T`` on Windows.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SOFFICE_VARIABLE = "SCEVAL_SOFFICE"
MEMORY_LIMIT_MB = 1024  # address space per soffice process: the 340-city report peaks at ~520 MB (VmPeak)
WINDOWS_PROGRAM = Path("LibreOffice") / "program" / "soffice.exe"
MACOS_PROGRAM = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")


def soffice() -> str | None:
    """The soffice program to run, or None when LibreOffice is not found anywhere."""
    chosen = os.environ.get(SOFFICE_VARIABLE)
    if chosen:
        return chosen if Path(chosen).is_file() else None  # set on purpose: never guess past it
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    places = windows_places(os.environ) if sys.platform == "win32" else [MACOS_PROGRAM]
    return next((str(place) for place in places if place.is_file()), None)


def windows_places(environ) -> list[Path]:
    """Where the Windows installer puts soffice.exe: the registry's install path first (it names
    the version the user installed last), then each Program Files folder of this machine."""
    folders = [environ.get(name) for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
    return _registry_places() + [Path(folder) / WINDOWS_PROGRAM for folder in folders if folder]


def _registry_places() -> list[Path]:
    try:
        import winreg
    except ImportError:  # not Windows
        return []
    places = []
    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(hive, r"SOFTWARE\LibreOffice\UNO\InstallPath") as key:
                places.append(Path(winreg.QueryValueEx(key, "")[0]) / "soffice.exe")
        except OSError:
            continue
    return places


def run_headless(command: list[str], timeout: int, *, memory_mb: int | None = MEMORY_LIMIT_MB) -> bool:
    """Run a soffice command; False when it ran past ``timeout`` seconds and was ended, with every
    process it started. ``memory_mb``: the address-space bound of each of its processes (POSIX;
    None for none)."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, **_isolated(memory_mb))
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        end_tree(process)
        return False
    return True


def _isolated(memory_mb: int | None) -> dict:
    """Popen arguments: a process group of its own (so the whole tree can be ended) and the bound."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    if memory_mb is None:
        return {"start_new_session": True}
    return {"start_new_session": True, "preexec_fn": _address_space_bound(memory_mb)}


def _address_space_bound(memory_mb: int):
    def bound() -> None:  # runs in the child between fork and exec: nothing but the limit
        import resource

        limit = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return bound


def end_tree(process: subprocess.Popen) -> None:
    """End ``process`` and everything it started, and reap it."""
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/T", "/F", "/PID", str(process.pid)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    else:
        import signal

        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # the group ended on its own meanwhile
    if process.poll() is None:
        process.kill()
    process.wait()
