"""`sceval mail fetch` from a local IMAP server (pymap on 127.0.0.1): time and peak memory.

Every return becomes one message with its workbook attached (mail_bench.write_mbox), APPENDed
to a real IMAP server (not timed); then a fresh child process fetches the folder into an empty
Maildir and reports its wall time and its RSS high-water mark. Target: 340 messages < 10 s,
< 300 MB. The server runs in its own process, so its memory is not counted.
  .venv/bin/python benchmarks/imap_bench.py RETURNS_DIR [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
FOLDER = "城市报送"


def measure(returns: list[Path], repeat: int = 3) -> dict:
    """Fastest of ``repeat`` fetches of len(returns) messages, and the largest peak among them."""
    from mail_bench import write_mbox

    from sceval.intake.mailbox.read import mbox_messages
    from tests.sceval.mail.imap_server import append_all, imap_server

    work = Path(tempfile.mkdtemp(prefix="sceval-imap-bench-"))
    try:
        box = write_mbox(returns, work / "inbox.mbox")
        with imap_server(work / "pymap.log") as port:
            append_all(port, FOLDER, mbox_messages(box))
            runs = [_child_fetch(port, work / f"maildir{number}") for number in range(max(repeat, 1))]
        size = box.stat().st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)
    fastest = min(runs, key=lambda run: run["seconds"])
    return {"messages": len(returns), "stored": fastest["stored"], "mailbox_mib": round(size / 1048576, 1),
            "seconds": fastest["seconds"], "ms_per_message": round(fastest["seconds"] * 1000 / max(len(returns), 1), 2),
            "peak_mib": max(run["peak_mib"] for run in runs)}


def _child_fetch(port: int, maildir: Path) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(port), str(maildir)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"imap bench child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child(port: str, maildir: str) -> None:
    from memory import _own_high_water_mib

    from sceval.intake.mailbox.imap.connect import ImapSettings
    from sceval.intake.mailbox.imap.fetch import fetch_mail
    from tests.sceval.mail.imap_server import PASSWORD, USER

    started = time.perf_counter()
    report = fetch_mail(ImapSettings("127.0.0.1", int(port), USER), PASSWORD, Path(maildir), (FOLDER,))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": round(seconds, 3), "stored": report.stored, "peak_mib": round(_own_high_water_mib(), 1)}))


def print_figures(figures: dict) -> None:
    print(f"\n从 IMAP 邮箱收取（本机 pymap，{figures['messages']} 封邮件，共 {figures['mailbox_mib']} MB；目标 < 10 秒、< 300 MB）")
    print(f"  {figures['seconds']:.2f} 秒（每封 {figures['ms_per_message']:.2f} 毫秒），峰值内存 {figures['peak_mib']:.1f} MB，"
          f"保存 {figures['stored']} 封")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(*sys.argv[2:4])
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("returns", type=Path, help="a folder of returned workbooks (.xlsx)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print_figures(measure(sorted(args.returns.glob("*.xlsx")), args.repeat))
