"""Issue 13 "Done when": one generated corpus of every kind of bad input of the second hostile round
(and the first's), mixed with good returns in one `sceval ingest` run: exit code 0, peak memory
under 1 GB (RUSAGE_CHILDREN of the process that ran it), every kind its row with its stable code and
a Chinese message naming the file (member), the good returns scored exactly as when ingested
alone, and no input file changed.

Kinds that are about the run rather than a file are tested where they belong, as processes:
two runs on one --out, a kill while writing, a damaged/locked/read-only ledger, a full disk, an
input deleted mid-run (items 1, 13, 15, 16, 24: tests/sceval/ingest/test_run_processes.py,
test_gather_files.py); --out inside the input (item 9) is part of the batch below; a hostile
central feed (items 8, 12, 20) is test_a_hostile_central_feed_stops_the_run below.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.safety.filenames import safe_filename_display, sha256_file
from tests.sceval import hostile, hostile2
from tests.sceval.ingest import zip_builders
from tests.sceval.ingest_helpers import ROSTER_CSV, base_catalog, fill, render, valid_values, zhejiang
from tests.sceval.safety.test_hostile_round2 import FORGED, VICTIM, peak_run
from tests.platform_marks import posix_only

CATALOG, ROSTER = base_catalog(), zhejiang()
GOOD = [city for city in ROSTER.cities if city.code in ("330100", "330200", "330300", "330400")]
MTIME_2100 = 4_102_444_800
COMPARED = ("status", "total", "scores", "points_at_stake", "completeness", "inputs")
GB = 1 << 30


def _filled(city, folder: Path, name: str, numerator: int) -> Path:
    values = valid_values(CATALOG) | {hostile2.NUMERATOR: numerator}
    return fill(render(CATALOG, city, ROSTER, folder), folder / name, values)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    """The good returns (each city's numerator differs) and the victim's, outside any inbox."""
    folder = tmp_path_factory.mktemp("sources")
    found = {city.code: _filled(city, folder, f"{city.code}_{city.name}_填报.xlsx", 60 + 7 * n)
             for n, city in enumerate(GOOD + [VICTIM])}
    found["draft"] = _filled(GOOD[3], folder, f"{GOOD[3].name}_草稿.xlsx", 10)
    return found


def _good_inputs(sources: dict[str, Path], folder: Path) -> dict[str, Path]:
    """city code -> the input that carries its good return (a file, or the draft-and-revision zip)."""
    folder.mkdir(parents=True, exist_ok=True)
    hangzhou, ningbo, wenzhou, jiaxing = GOOD
    inputs = {city.code: Path(shutil.copy(sources[city.code], folder)) for city in (hangzhou, ningbo, wenzhou)}
    os.utime(inputs[wenzhou.code], (MTIME_2100, MTIME_2100))  # item 5: a first return dated 2100
    archive = folder / f"{jiaxing.name}_附件.zip"  # item 4: the draft dated before the revision
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr(zipfile.ZipInfo(f"{jiaxing.name}_修改稿.xlsx", (2016, 12, 25, 10, 0, 0)),
                        sources[jiaxing.code].read_bytes())
        packed.writestr(zipfile.ZipInfo(f"{jiaxing.name}_草稿.xlsx", (2016, 11, 1, 10, 0, 0)),
                        sources["draft"].read_bytes())
    inputs[jiaxing.code] = archive
    return inputs


def _other_files(victim: Path, inbox: Path) -> dict[str, str]:
    """Items 6, 7, 17, 21, 22, 23: the files-and-archives kinds. Row name -> code."""
    (inbox / "宁波_填报表.rar").write_bytes(b"Rar!\x1a\x07\x01\x00" + bytes(64))
    (inbox / "温州.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(64))
    (inbox / "金华扫描件").write_bytes(b"%PDF-1.4\n" + bytes(64))
    with zipfile.ZipFile(shutil.copy(victim, inbox / "湖州.xlsx "), "a") as odd:
        odd.comment = "另一份".encode()  # other bytes than the victim's other copies: not a duplicate
    damaged = zip_builders.members_zip(inbox / "损坏附件.zip", {"湖州_正本.xlsx": victim.read_bytes(),
                                                               "损坏的表.xlsx": victim.read_bytes()[::-1]})
    zip_builders.damage_member(damaged, "损坏的表.xlsx")
    zip_builders.flag_encrypted(zip_builders.gbk_names_zip(inbox / "加密附件.zip", {"湖州_加密.xlsx": victim.read_bytes()}))
    zip_builders.members_zip(inbox / "半截附件.zip", {"半截.xlsx": b"PK\x03\x04" + bytes(40)})  # item 21
    zip_builders.copies_zip(inbox / "炸弹附件.zip", 250, 20 * 1024 * 1024)
    (inbox / "断开的链接.xlsx").symlink_to(inbox / "不存在.xlsx")
    (inbox / "零.xlsx").symlink_to("/dev/zero")
    return {"宁波_填报表.rar": "FILE_UNSUPPORTED_KIND", "温州.7z": "FILE_UNSUPPORTED_KIND",
            "金华扫描件": "FILE_UNSUPPORTED_KIND", "湖州.xlsx ": "FILE_NAME_ODD", "损坏的表.xlsx": "ARCHIVE_MEMBER_BAD",
            "湖州_加密.xlsx": "ARCHIVE_ENCRYPTED", "半截.xlsx": "FILE_TRUNCATED", "炸弹附件.zip": "ARCHIVE_TOO_LARGE",
            "断开的链接.xlsx": "FILE_LINK_BROKEN", "零.xlsx": "FILE_NOT_REGULAR"}


def _first_round(inbox: Path) -> dict[str, str]:
    expected = {}
    for writer, code in hostile.CASES.values():
        if writer is not hostile.write_good:
            expected[os.path.basename(safe_filename_display(writer(inbox)))] = hostile.ingest_code(writer, code)
    return expected


def _corpus(sources: dict[str, Path], inbox: Path) -> dict[str, str]:
    victim = sources[VICTIM.code]
    expected = hostile2.content_cases(victim, inbox, (VICTIM.code, VICTIM.name), (FORGED.code, FORGED.name))
    hostile2.write_markup_zip(victim, inbox)
    expected[hostile2.MARKUP_NAME] = None
    expected[hostile2.write_bidi_name(victim, inbox).name.replace("\u202e", "<U+202E>")] = None
    expected |= _other_files(victim, inbox)
    expected |= _first_round(inbox)
    return expected


Y10K = 253_402_300_800  # 10000-01-01


def _past_year_9999(victim: Path, tmp_path: Path) -> Path | None:
    """Item 14: a copy with an mtime after year 9999, where the file system can keep one (tmpfs can,
    ext4 cannot: tests/sceval/ledger/test_ordering.py says the same); None elsewhere."""
    folder = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else tmp_path
    path = folder / f"sceval-y10k-{os.getpid()}.xlsx"
    with zipfile.ZipFile(shutil.copy(victim, path), "a") as late:
        late.comment = "一万年".encode()
    os.utime(path, (Y10K + 86_400 * 400,) * 2)
    if os.stat(path).st_mtime < Y10K:
        path.unlink()
        return None
    return path


def _alone(inputs: dict[str, Path], folder: Path) -> dict[str, dict]:
    found = {}
    for code, path in inputs.items():
        run = ingest([path], folder / code, IngestOptions(CATALOG, roster=ROSTER, jobs=1))
        found[code] = _city(run.results, code)
    return found


def _city(results: dict, code: str) -> dict:
    entry = next(c for c in results["cities"] if c["code"] == code)
    return {key: entry.get(key) for key in COMPARED}


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p): sha256_file(p) for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}


def _rows(results: dict) -> dict[str, dict]:
    """Rows by the name as sent: a member's name after its archive's (it may hold "/" itself)."""
    return {(f["path"].split(".zip/", 1)[1] if ".zip/" in f["path"] else os.path.basename(f["path"])): f
            for f in results["files"]}


@posix_only  # symlinks, a named pipe, RUSAGE_CHILDREN
def test_the_whole_corpus_mixed_with_good_returns(sources, tmp_path):
    goods = _good_inputs(sources, tmp_path / "inbox")
    alone = _alone(goods, tmp_path / "alone")
    inbox = tmp_path / "inbox"
    expected = _corpus(sources, inbox)
    out = inbox / "结果"  # item 9: --out inside the input folder
    late = _past_year_9999(sources[VICTIM.code], tmp_path)
    if late is not None:
        expected[late.name] = "ORDER_TIME_IGNORED"
    before = _hashes(inbox)

    sceval = Path(sys.executable).with_name("sceval")
    try:
        done, peak = peak_run([str(sceval), "ingest", str(inbox), *([str(late)] if late else []),
                               "--roster", str(ROSTER_CSV), "--out", str(out), "--jobs", "2"])
    finally:
        if late is not None:
            late.unlink()

    assert done.returncode == 0, done.stderr[-3000:]
    assert peak < GB, f"peak RSS {peak / GB:.2f} GiB"
    print(f"mixed corpus: {len(expected)} hostile files + {len(goods)} good inputs, peak RSS {peak >> 20} MiB")
    assert {path: digest for path, digest in _hashes(inbox).items() if path in before} == before
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    for code, entry in alone.items():
        assert _city(results, code) == entry, code
    rows = _rows(results)
    for name, code in expected.items():
        assert name in rows, f"{name!r} has no row"
        if code is None:
            continue
        issue = next((i for i in rows[name]["issues"] if i["code"] == code), None)
        assert issue is not None, (name, [i["code"] for i in rows[name]["issues"]])
        assert name.strip() in issue["message"] or name.strip() in rows[name]["path"], (name, issue["message"])
    assert "RUN_OUT_INSIDE_INPUT" in [i["code"] for i in results["run_issues"]]
    forged = next(c for c in results["cities"] if c["code"] == FORGED.code)  # sent nothing of its own
    assert forged["status"] in ("missing", "rejected") and forged["total"] is None
    assert "MarkupError" not in done.stderr and "Traceback" not in done.stderr


HOSTILE_FEEDS = {
    "renamed_csv": lambda folder, city_return: hostile.write_renamed_csv(folder),
    "entity_bomb": lambda folder, city_return: hostile.write_entity_bomb(folder),
    "encrypted": lambda folder, city_return: hostile.write_encrypted(folder),
    "a_city_return": lambda folder, city_return: Path(shutil.copy(city_return, folder / "统一数据.xlsx")),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_FEEDS))
@posix_only  # RUSAGE_CHILDREN
def test_a_hostile_central_feed_stops_the_run_before_any_city_is_scored(sources, tmp_path, kind):
    """Items 8 and 20: an unusable --central stops the run (exit 2) naming the file and why."""
    feed = HOSTILE_FEEDS[kind](tmp_path, sources[GOOD[0].code])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(sources[GOOD[0].code], inbox)
    sceval = Path(sys.executable).with_name("sceval")
    done, peak = peak_run([str(sceval), "ingest", str(inbox), "--roster", str(ROSTER_CSV), "--central", str(feed),
                           "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert feed.name in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "results.json").exists() and peak < GB
