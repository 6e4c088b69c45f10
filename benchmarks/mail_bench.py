"""Ingest from a mailbox against the same returns in a folder (the floor): what reading mail costs.

Every return becomes one message (its attachment named in RFC 2231 and RFC 2047, as
sceval.mail.compose writes it) in one mbox; gather and the core ingest (jobs=1, results.json
only) are timed on the mbox and on the folder of the same files.
  .venv/bin/python benchmarks/mail_bench.py RETURNS_DIR [--repeat 3]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # timing


def write_mbox(returns: list[Path], target: Path) -> Path:
    """One message per return, From_-separated, in the returns' order."""
    from sceval.mail.compose import POLICY, attach, new_message

    with open(target, "wb") as out:
        for number, path in enumerate(returns):
            message = new_message(f"city{number}@example.invalid", "pg@example.invalid", f"第{number}份填报表",
                                  "附件是我市的填报表。", draft=False)
            message["Date"] = "Tue, 20 Dec 2016 09:00:00 +0800"
            attach(message, path.name, path.read_bytes())
            raw = message.as_bytes(policy=POLICY).replace(b"\r\n", b"\n")
            out.write(b"From city@example.invalid Tue Dec 20 09:00:00 2016\n" + raw.rstrip(b"\n") + b"\n\n")
    return target


def measure(returns: list[Path], repeat: int = 3) -> dict:
    """Gather and core ingest from the mbox and from the folder, side by side (timing.interleaved)."""
    from timing import Step, interleaved, ratio

    from sctemplates.catalog import load_catalog
    from sceval.ingest.batch import IngestOptions, ingest
    from sceval.intake.gather import gather

    work = Path(tempfile.mkdtemp(prefix="sceval-mail-bench-"))
    try:
        box = write_mbox(returns, work / "inbox.mbox")
        folder, count = returns[0].parent, len(returns)
        options = IngestOptions(load_catalog(), jobs=1, workbooks=False)
        timings, _ = interleaved(repeat, [
            Step("gather_mbox", count, lambda: gather([box], work / "g1")),
            Step("gather_folder", count, lambda: gather([folder], work / "g2")),
            Step("ingest_mbox", count, lambda: ingest([box], work / "o1", options)),
            Step("ingest_folder", count, lambda: ingest([folder], work / "o2", options)),
        ])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures = {name: took.as_dict() for name, took in timings.items()}
    figures["files"] = count
    figures["ingest_mbox_vs_folder"] = ratio(timings["ingest_mbox"].seconds, timings["ingest_folder"].seconds)
    return figures


def print_figures(figures: dict) -> None:
    print(f"\n从邮箱回收（{figures['files']} 封邮件，每封一份填报表；底线为同样的文件放在文件夹中）")
    for key in ("gather_mbox", "gather_folder", "ingest_mbox", "ingest_folder"):
        print(f"  {key:<14} {figures[key]['ms_per_file']:>8.2f} 毫秒/份")
    print(f"  邮箱 / 文件夹（核心回收）：{figures['ingest_mbox_vs_folder']:.2f} 倍")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("returns", type=Path, help="a folder of returned workbooks (.xlsx)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print_figures(measure(sorted(args.returns.glob("*.xlsx")), args.repeat))
