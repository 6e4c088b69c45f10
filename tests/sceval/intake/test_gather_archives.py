"""Zip members are read independently and named as the sender named them; encrypted members say
so; the inflated size of an archive and of a run is bounded before anything is written."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.intake.gather import gather
from sceval.safety.preflight import Limits
from tests.sceval.ingest import zip_builders
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU, NINGBO = ROSTER.cities[0], ROSTER.cities[1]
RECEIVED = "2016-12-20T08:00:00+00:00"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("returns")
    return {city.code: fill(render(CATALOG, city, ROSTER, folder), folder / f"{city.code}.xlsx",
                            valid_values(CATALOG)).read_bytes() for city in (HANGZHOU, NINGBO)}


def _run(inputs, out: Path, limits: Limits | None = None):
    return ingest(inputs, out, IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at=RECEIVED, limits=limits))


def _by_name(run) -> dict[str, dict]:
    return {f["path"].rsplit("/", 1)[-1]: f for f in run.results["files"]}


def _messages(row: dict) -> str:
    return " ".join(i["message"] for i in row["issues"])


def test_a_bad_crc_member_is_its_own_row_and_the_returns_around_it_count(returns, tmp_path):
    names = [f"{HANGZHOU.code}_杭州市.xlsx", "损坏的表.xlsx", f"{NINGBO.code}_宁波市.xlsx"]
    archive = zip_builders.members_zip(tmp_path / "附件.zip", {names[0]: returns[HANGZHOU.code],
                                                               names[1]: returns[HANGZHOU.code][::-1],
                                                               names[2]: returns[NINGBO.code]})
    zip_builders.damage_member(archive, names[1])
    rows = _by_name(_run([archive], tmp_path / "out"))
    assert rows[names[0]]["status"] == "counted" and rows[names[2]]["status"] == "counted"
    bad = rows[names[1]]
    assert [i["code"] for i in bad["issues"]] == ["ARCHIVE_MEMBER_BAD"]
    assert "附件.zip" in _messages(bad) and names[1] in _messages(bad) and "CRC" in _messages(bad)


def test_an_encrypted_zip_says_so_with_the_member_name_decoded(returns, tmp_path):
    name = "杭州市填报表.xlsx"
    archive = zip_builders.gbk_names_zip(tmp_path / "加密附件.zip", {name: returns[HANGZHOU.code]})
    zip_builders.flag_encrypted(archive)
    rows = _by_name(_run([archive], tmp_path / "out"))
    assert list(rows) == [name]  # GBK bytes without the UTF-8 flag, decoded by the one decoder
    message = _messages(rows[name])
    assert rows[name]["issues"][0]["code"] == "ARCHIVE_ENCRYPTED"
    assert "已加密" in message and "不设密码" in message and name in message and "ZipInfo" not in message


def test_members_rejected_in_preflight_are_named_as_sent(tmp_path):
    name = "320100_南京市填报表.xlsx"
    archive = zip_builders.members_zip(tmp_path / "附件.zip", {name: b"", "空表2.xlsx": b"PK\x03\x04broken"})
    run = _run([archive], tmp_path / "out")
    for row in run.results["files"]:
        assert row["status"] == "rejected"
        assert "0000" not in _messages(row) and "0001" not in _messages(row)
    assert f"附件.zip › {name}" in _messages(_by_name(run)[name])
    assert "附件.zip › 空表2.xlsx" in _messages(_by_name(run)["空表2.xlsx"])


def test_an_archive_inflating_past_its_bound_is_refused_before_writing(tmp_path):
    bomb = zip_builders.copies_zip(tmp_path / "炸弹.zip", 250, 20 * MB)  # 5 GB of zeros in ~5 MB
    assert bomb.stat().st_size < 10 * MB
    work = tmp_path / "work"
    work.mkdir()
    found, rows = gather([bomb], work, RECEIVED)
    assert found == [] and [r.issues[0].code for r in rows] == ["ARCHIVE_TOO_LARGE"]
    assert "炸弹.zip" in rows[0].issues[0].message and "5,000 MB" in rows[0].issues[0].message
    assert list(work.rglob("*")) == []  # nothing was inflated


def test_the_run_bound_stops_inflating_across_archives(tmp_path):
    first = zip_builders.copies_zip(tmp_path / "一.zip", 3, 2 * MB)
    second = zip_builders.copies_zip(tmp_path / "二.zip", 3, 2 * MB)
    work = tmp_path / "work"
    work.mkdir()
    limits = Limits(max_archive_inflated=10 * MB, max_run_inflated=9 * MB)
    found, rows = gather([first, second], work, RECEIVED, limits=limits)
    assert len(found) == 4  # 8 MB inflated; the fifth member would pass 9 MB
    over = [r for r in rows if r.issues[0].code == "RUN_INFLATED_LIMIT"]
    assert len(over) == 1
    assert "二.zip" in over[0].path and "1 个文件未读取" in over[0].issues[0].message
    assert sum(os.path.getsize(p) for p in work.rglob("*") if p.is_file()) <= 9 * MB


def test_zip_member_names_without_the_utf8_flag_use_the_one_decoder():
    from sceval.safety.filenames import zip_member_name

    for raw in ("杭州市填报表.xlsx".encode("gbk"), "杭州市填报表.xlsx".encode("utf-8")):
        assert zip_member_name(zipfile.ZipInfo(raw.decode("cp437"))) == "杭州市填报表.xlsx"
    assert zip_member_name(zipfile.ZipInfo("\u00ff.xlsx")) == "\u00ff.xlsx"  # CP437 kept when nothing else fits


def test_members_sent_instead_of_a_workbook_say_what_to_send(returns, tmp_path):
    archive = zip_builders.members_zip(tmp_path / "附件.zip", {f"{NINGBO.code}_宁波市.rar": b"Rar!\x1a\x07\x00",
                                                               "说明.txt": "附件说明".encode("utf-8"),
                                                               "__MACOSX/._说明.txt": b"\x00\x05\x16\x07",
                                                               f"{HANGZHOU.code}_杭州市.xlsx": returns[HANGZHOU.code]})
    run = _run([archive], tmp_path / "out")
    rows = _by_name(run)
    assert [i["code"] for i in rows[f"{NINGBO.code}_宁波市.rar"]["issues"]] == ["FILE_UNSUPPORTED_KIND"]
    assert "RAR 压缩包" in _messages(rows[f"{NINGBO.code}_宁波市.rar"]) and "解压" in _messages(rows[f"{NINGBO.code}_宁波市.rar"])
    assert [i["code"] for i in rows["说明.txt"]["issues"]] == ["ARCHIVE_MEMBER_SKIPPED"]
    assert len(run.results["files"]) == 3  # macOS's resource fork gets no row
    statuses = {c["code"]: c["status"] for c in run.results["cities"]}
    assert statuses[HANGZHOU.code] == "submitted" and statuses[NINGBO.code] == "rejected"


def test_a_real_zipcrypto_archive_says_it_is_encrypted(returns, tmp_path):
    import shutil
    import subprocess

    if shutil.which("zip") is None:
        pytest.skip("Info-ZIP's zip is needed to write a password-protected archive")
    member = tmp_path / f"{HANGZHOU.code}_杭州市.xlsx"
    member.write_bytes(returns[HANGZHOU.code])
    subprocess.run(["zip", "-q", "-j", "-P", "mima123", str(tmp_path / "有密码.zip"), str(member)], check=True)
    rows = _by_name(_run([tmp_path / "有密码.zip"], tmp_path / "out"))
    assert [i["code"] for i in rows[member.name]["issues"]] == ["ARCHIVE_ENCRYPTED"]
    assert "有密码.zip" in _messages(rows[member.name]) and member.name in _messages(rows[member.name])
