"""The central feed through the real CLI: a typo is the city's error and exit 1 (results written);
an unusable feed file stops the run before any city is scored (exit 2, the file and why)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.intake.central import SHEET, write_central_template
from tests.sceval.hostile import write_encrypted, write_entity_bomb, write_renamed_csv
from tests.platform_marks import posix_only
from tests.sceval.ingest_helpers import ROSTER_CSV, base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU = ROSTER.cities[0]
SURVEY = next(second for second in CATALOG.second_levels() if second.method == "survey")


@pytest.fixture(scope="module")
def city_return(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("return")
    template = render(CATALOG, HANGZHOU, ROSTER, folder)
    return fill(template, folder / "in" / "杭州.xlsx", valid_values(CATALOG))


def feed_with(path: Path, survey_value) -> Path:
    write_central_template(ROSTER, path, CATALOG)
    workbook = openpyxl.load_workbook(path)
    ws = workbook[SHEET]
    column = next(c.column for c in ws[2] if c.value == SURVEY.inputs[0].name)
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == HANGZHOU.code)
    ws.cell(row, column).value = survey_value
    workbook.save(path)
    return path


def run_ingest(city_return: Path, feed: Path, out: Path):
    return CliRunner().invoke(app, ["ingest", str(city_return), "--roster", str(ROSTER_CSV), "--central", str(feed),
                                    "--out", str(out), "-j", "1"])


def hangzhou(out: Path) -> dict:
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return next(c for c in results["cities"] if c["code"] == HANGZHOU.code)


def test_an_unreadable_survey_score_is_the_citys_error_and_exit_1(city_return, tmp_path):
    """Issue 12.4: not a silent 0 with status 已提交 and exit 0."""
    feed = feed_with(tmp_path / "统一数据.xlsx", "八十分")
    result = run_ingest(city_return, feed, tmp_path / "out")
    assert result.exit_code == 1, result.output
    entry = hangzhou(tmp_path / "out")
    assert entry["status"] == "has_errors" and entry["scores"][SURVEY.code] == 0
    bad = [i for i in entry["issues"] if i["code"] == "CENTRAL_BAD"]
    assert len(bad) == 1 and bad[0]["sheet"] == SHEET and bad[0]["cell"] and "统一数据.xlsx" in bad[0]["message"]
    assert not any(i["code"] == "CENTRAL_MISSING" and i["indicator"] == SURVEY.code for i in entry["issues"])
    assert entry["points_at_stake"] >= float(SURVEY.weight)  # pending, not the city's loss
    summary = next((tmp_path / "out").glob("汇总_*.xlsx"))
    listed = openpyxl.load_workbook(summary, read_only=True)["问题清单"]
    assert any("八十分" in str(value) for row in listed.iter_rows(values_only=True) for value in row)
    feedback = next((tmp_path / "out" / "反馈").glob("*.xlsx"))
    listed = [row for row in openpyxl.load_workbook(feedback, read_only=True)["问题清单"].iter_rows(values_only=True)
              if "CENTRAL_BAD" in row]
    assert len(listed) == 1 and "八十分" in str(listed[0]) and "（秘书处统一数据文件中）" in listed[0]


def test_a_survey_score_typed_with_its_unit_counts(city_return, tmp_path):
    feed = feed_with(tmp_path / "统一数据.xlsx", "82.3分")
    result = run_ingest(city_return, feed, tmp_path / "out")
    assert result.exit_code == 0, result.output
    entry = hangzhou(tmp_path / "out")
    assert entry["scores"][SURVEY.code] == 16.46  # 20 × 82.3 / 100
    noted = [i for i in entry["issues"] if i["code"] == "PARSE_UNIT_STRIPPED" and i["sheet"] == SHEET]
    assert noted and noted[0]["severity"] == "info"


def whitespace_feed(folder: Path, gib: float = 1.0) -> Path:
    """A real feed whose sheet part carries 1 GiB of whitespace (a few MB on disk)."""
    base = write_central_template(ROSTER, folder / ".base.xlsx", CATALOG)
    path = folder / "空白填充.xlsx"
    block = b" " * (1 << 20)
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                new.writestr(info.filename, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with new.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(head)
                for _ in range(int(gib * 1024)):
                    sheet.write(block)
                sheet.write(b"</sheetData>" + tail)
    base.unlink()
    return path


def city_return_as_feed(folder: Path, city_return: Path) -> Path:
    path = folder / "统一数据（误发）.xlsx"
    path.write_bytes(city_return.read_bytes())
    return path


# The real CLI, reporting its own peak memory (KiB) as it exits.
MEASURED_CLI = """
import resource, sys
from sceval.cli.app import app
try:
    app(prog_name="sceval")
finally:
    sys.stderr.write("MAXRSS=%d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

UNUSABLE = {
    "renamed_csv": (lambda folder, _: write_renamed_csv(folder), "不是 .xlsx 工作簿"),
    "encrypted": (lambda folder, _: write_encrypted(folder), "加密"),
    "billion_laughs": (lambda folder, _: write_entity_bomb(folder), "DOCTYPE/ENTITY"),
    "city_return": (city_return_as_feed, "这是城市的填报表"),
}


@pytest.mark.parametrize("kind", sorted(UNUSABLE))
def test_an_unusable_feed_stops_the_run_before_any_city_is_scored(kind, city_return, tmp_path):
    build, why = UNUSABLE[kind]
    feed = build(tmp_path, city_return)
    result = run_ingest(city_return, feed, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert f"秘书处统一数据文件 {feed.name} 无法使用" in result.output and why in result.output
    assert not (tmp_path / "out" / "results.json").exists()


@posix_only  # the resource module
def test_a_gibibyte_of_whitespace_in_the_feed_is_never_read_in_full(city_return, tmp_path):
    """Issue 13.8/13.20: refused by preflight from the zip directory; the real CLI in a child
    process, whose peak memory is measured."""
    feed = whitespace_feed(tmp_path)
    assert feed.stat().st_size < 20 * 1024 * 1024
    done = subprocess.run([sys.executable, "-c", MEASURED_CLI, "ingest", str(city_return), "--roster",
                           str(ROSTER_CSV), "--central", str(feed), "--out", str(tmp_path / "out"), "-j", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"秘书处统一数据文件 {feed.name} 无法使用" in done.stderr and "超过上限" in done.stderr
    peak_kib = int(re.search(r"MAXRSS=(\d+)", done.stderr).group(1))
    assert peak_kib < 400 * 1024  # far from the 1.1 GB that reading the whole sheet took
    assert not (tmp_path / "out" / "results.json").exists()


def lying_feed(folder: Path, inflated: int = 1 << 30, declared: int = 100 * 1024) -> Path:
    """The feed's sheet part declared as 100 kB in the zip directory, inflating to 1 GiB of blanks
    (issue 13.18 for the feed): only a cap on the bytes actually inflated stops it."""
    import zlib

    from tests.sceval.hostile2 import _parts, _raw_zip

    good = write_central_template(ROSTER, folder / ".base.xlsx", CATALOG)
    member = "xl/worksheets/sheet1.xml"
    head = dict(_parts(good))[member].split(b"</sheetData>")[0]
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    blank = b" " * (1 << 20)
    repeated = compressor.compress(blank) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = first + repeated * (inflated >> 20) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(inflated >> 20):
        crc = zlib.crc32(blank, crc)
    others = [(name, data) for name, data in _parts(good) if name != member]
    return _raw_zip(folder / "声明大小不实.xlsx", others, (member, stream, crc, declared))


@posix_only  # the resource module
def test_a_feed_whose_zip_directory_lies_is_stopped_with_little_memory(city_return, tmp_path):
    feed = lying_feed(tmp_path)
    done = subprocess.run([sys.executable, "-c", MEASURED_CLI, "ingest", str(city_return), "--roster",
                           str(ROSTER_CSV), "--central", str(feed), "--out", str(tmp_path / "out"), "-j", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"秘书处统一数据文件 {feed.name} 无法使用" in done.stderr
    assert int(re.search(r"MAXRSS=(\d+)", done.stderr).group(1)) < 400 * 1024


def test_feedback_says_an_unreadable_feed_value_is_the_secretariats_not_unreceived(city_return, tmp_path):
    """QA round (江苏): the feedback's 官方计分结果 block said 市民体验调查得分 “（未收到）” for a
    survey score the secretariat typed as 八十分 — it was received, and it is not the city's to fix."""
    from sceval.reports.feedback import CENTRAL_UNREADABLE

    feed = feed_with(tmp_path / "统一数据.xlsx", "八十分")
    run_ingest(city_return, feed, tmp_path / "out")
    feedback = next((tmp_path / "out" / "反馈").glob("*.xlsx"))
    rows = list(openpyxl.load_workbook(feedback, read_only=True)["问题清单"].iter_rows(values_only=True))
    survey = [row for row in rows if any(str(v).endswith(SURVEY.inputs[0].label) for v in row if v)]
    assert len(survey) == 1 and CENTRAL_UNREADABLE in survey[0] and "（未收到）" not in survey[0]
    # the only problem is the secretariat's: the heading must not ask the city to fix and resend
    assert "由秘书处更正，你市无需修改或重新报送" in rows[0][0] and "后重新报送；" not in rows[0][0]
