"""A real IMAP server on 127.0.0.1 for the tests and the benchmark: pymap (MIT) with its in-memory
backend, started as a subprocess on a free port with a user and password made up here.

Used through imapclient as any client would: messages are APPENDed, flags read back with EXAMINE.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

USER = "city-returns@example.invalid"
PASSWORD = "sq-7Kx-authcode"  # made up; the tests check it never shows in a message
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def imap_server(log: Path, extra: tuple[str, ...] = ("--no-tls",)):
    """Yield the port of a running pymap server; stopped (by its own pid) afterwards."""
    port = free_port()
    command = [sys.executable, "-c", "import sys; from pymap.main import main; sys.exit(main())",
               "--host", "127.0.0.1", "--port", str(port), *extra,
               "dict", "--demo-user", USER, "--demo-password", PASSWORD]
    with open(log, "wb") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, server, log)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"pymap exited: {log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("pymap did not start listening")


def client(port: int):
    """A logged-in imapclient connection, as a mail program would hold one."""
    from imapclient import IMAPClient

    connection = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=30)
    connection.login(USER, PASSWORD)
    return connection


def append_all(port: int, folder: str, messages, flags=()) -> None:
    """Put raw messages into ``folder`` (created when missing), in order."""
    connection = client(port)
    try:
        if not connection.folder_exists(folder):
            connection.create_folder(folder)
        for raw in messages:
            connection.append(folder, raw, flags=flags)
    finally:
        connection.logout()


def flags_of(port: int, folder: str) -> dict:
    """UID → flags of every message, read with EXAMINE (reading them changes nothing)."""
    connection = client(port)
    try:
        connection.select_folder(folder, readonly=True)
        return {uid: tuple(sorted(flags)) for uid, flags in connection.get_flags(connection.search(["ALL"])).items()}
    finally:
        connection.logout()
