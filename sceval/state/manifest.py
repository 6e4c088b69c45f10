"""The manifest of a folder's views: which state they were built from, and each file's digest.

``<out>/.sceval-views.json``::

    {"state": sha256 of results.json, "ledger": {"submissions": …, "adjustments": …},
     "views": {relative path: sha256}}

Written last, after every view of a rebuild is in place. A view whose digest differs (edited by
hand, or left from an older state), a results.json that is not the one the views were built
from, or a ledger changed since (an adjustment recorded by a run killed before its views were
written, ``ledger invalidate``) makes the folder *stale*: ``mail feedback`` and ``report``
refuse or rebuild it, ``verify`` names it.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from sctemplates.atomic import write_text_atomic

MANIFEST = ".sceval-views.json"
RESULTS_FILE = "results.json"
CASES_FILE = "cases.json"  # the checked cases the summary's 优秀案例 sheet is made from


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ledger_token(ledger_path: Path | None) -> dict:
    """What of the ledger the views depend on, as two digests ({} without a ledger)."""
    if ledger_path is None or not Path(ledger_path).is_file():
        return {}
    # An ordinary connection, not mode=ro: a read-only one cannot remove the -wal and -shm files
    # of the WAL ledger when it closes, and they would be left beside it.
    db = sqlite3.connect(Path(ledger_path), timeout=10)
    try:
        return {"submissions": _digest(db, "SELECT sha256, invalidated, used FROM submissions ORDER BY seq"),
                "adjustments": _digest(db, "SELECT id, city_code, input, value, undoes FROM adjustments ORDER BY id")}
    finally:
        db.close()


def _digest(db, query: str) -> str:
    try:
        rows = db.execute(query).fetchall()
    except sqlite3.OperationalError:  # the table is not there yet (no adjustment ever made)
        rows = []
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:16]


def read_manifest(out_dir: Path) -> dict | None:
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("views"), dict) else None


def write_manifest(out_dir: Path, views: list[str], ledger_path: Path | None) -> None:
    out_dir = Path(out_dir)
    data = {"state": file_digest(out_dir / RESULTS_FILE), "ledger": ledger_token(ledger_path),
            "cases": _cases_digest(out_dir), "views": {rel: file_digest(out_dir / rel) for rel in sorted(views)}}
    write_text_atomic(out_dir / MANIFEST, json.dumps(data, ensure_ascii=False, indent=1))


def stale_reasons(out_dir: Path, ledger_path: Path | None) -> list[str]:
    """Why the folder's views may not be trusted, in Chinese ([] when they are current)."""
    out_dir = Path(out_dir)
    manifest = read_manifest(out_dir)
    if manifest is None:
        return [f"{out_dir} 中没有视图清单（{MANIFEST}），各输出文件是否来自同一状态无法确认"]
    reasons = []
    if not (out_dir / RESULTS_FILE).is_file() or file_digest(out_dir / RESULTS_FILE) != manifest.get("state"):
        reasons.append(f"{RESULTS_FILE} 与生成各输出文件时的不同")
    token, kept = ledger_token(ledger_path), manifest.get("ledger") or {}
    if token.get("adjustments") != kept.get("adjustments"):
        reasons.append("报送台账中的审核调整在各输出文件生成后有变化（如调整被中断）")
    if token.get("submissions") != kept.get("submissions"):
        reasons.append("报送台账中的报送记录在各输出文件生成后有变化（如 ledger invalidate/use），请重新回收（可用 sceval ledger … --rerun）")
    if "cases" in manifest and manifest["cases"] != _cases_digest(out_dir):  # `sceval cases check --out` since
        reasons.append(f"优秀案例检查结果（{CASES_FILE}）在各输出文件生成后有变化")
    for rel, digest in (manifest.get("views") or {}).items():
        path = out_dir / rel
        if not path.is_file():
            reasons.append(f"输出文件 {path} 不见了")
        elif file_digest(path) != digest:
            reasons.append(f"输出文件 {path} 在生成后被改动过")
    return reasons


def _cases_digest(out_dir: Path) -> str:
    path = out_dir / CASES_FILE
    return file_digest(path) if path.is_file() else ""


def views_listed(out_dir: Path) -> list[str]:
    return list(((read_manifest(out_dir) or {}).get("views") or {}))
