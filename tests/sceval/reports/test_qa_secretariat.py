"""QA as the secretariat: archives zipped on Linux/macOS, merging provinces' results."""
from __future__ import annotations

import json
import zipfile

from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.intake.gather import member_name
from sceval.ingest.batch import IngestOptions, ingest
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang
from tests.sceval.results_factory import make_results

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU = ROSTER.cities[0]


def zip_without_utf8_flag(archive, member: str, data: bytes) -> None:
    """A zip as Info-ZIP/macOS write it: UTF-8 name bytes but no UTF-8 flag (zipfile always sets
    the flag, so an ASCII placeholder of the same length is written and its bytes replaced)."""
    raw = member.encode("utf-8")
    placeholder = b"a" * (len(raw) - 5) + b".xlsx"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr(placeholder.decode("ascii"), data)
    content = archive.read_bytes()
    assert content.count(placeholder) == 2  # local header and central directory
    archive.write_bytes(content.replace(placeholder, raw))


def test_utf8_names_without_the_flag_are_read_as_utf8():
    assert member_name(zipfile.ZipInfo("杭州市填报表.xlsx".encode("utf-8").decode("cp437"))) == "杭州市填报表.xlsx"
    assert member_name(zipfile.ZipInfo("杭州市填报表.xlsx".encode("gbk").decode("cp437"))) == "杭州市填报表.xlsx"


def test_linux_zip_member_is_named_as_the_city_wrote_it(tmp_path):
    template = render(CATALOG, HANGZHOU, ROSTER, tmp_path / "tpl")
    filled = fill(template, tmp_path / "filled.xlsx", valid_values(CATALOG))
    archive = tmp_path / "附件.zip"
    zip_without_utf8_flag(archive, "330100_杭州市_填报表.xlsx", filled.read_bytes())
    run = ingest([archive], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    (entry,) = run.results["files"]
    assert entry["path"].endswith("附件.zip/330100_杭州市_填报表.xlsx")
    assert entry["status"] == "counted" and entry["city"] == HANGZHOU.code


def test_summary_refuses_the_same_province_twice(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(make_results(seed=1)), encoding="utf-8")
    second.write_text(json.dumps(make_results(seed=2)), encoding="utf-8")
    out = tmp_path / "全国.xlsx"
    result = CliRunner().invoke(app, ["summary", str(first), str(second), "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert "同一省份只能指定一个" in result.output and "330000" in result.output


def test_summary_reports_broken_json_in_chinese(tmp_path):
    broken = tmp_path / "坏.json"
    broken.write_text("{bad", encoding="utf-8")
    result = CliRunner().invoke(app, ["summary", str(broken), "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2
    assert "JSON 格式错误（第 1 行第 2 列）" in result.output and "Expecting" not in result.output


def test_usage_errors_read_in_chinese(tmp_path):
    runner = CliRunner()
    missing_why = runner.invoke(app, ["ledger", "invalidate", "abc", "--out", str(tmp_path)])
    no_command = runner.invoke(app, ["nocmd"])
    bad_jobs = runner.invoke(app, ["ingest", str(tmp_path), "--jobs", "abc", "--out", str(tmp_path / "o")])
    assert missing_why.exit_code == 2 and "缺少必填选项 '--why'" in missing_why.output
    assert "没有命令“nocmd”" in no_command.output
    assert "应填写整数" in bad_jobs.output
    for result in (missing_why, no_command, bad_jobs):
        assert "Missing" not in result.output and "No such" not in result.output
        assert "Input should" not in result.output
