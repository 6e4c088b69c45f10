"""One loader for every file argument (issue 19, "corridors"): --central, --previous and report's
cases.json, given a real broken file, end the command with exit 2 and one Chinese message naming
the file and why — never a traceback, never the operating system's or json's English."""
from __future__ import annotations

import json
import re
import zipfile

import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from tests.sceval.reports.report.fixtures import province_results

ENGLISH_LEFTOVERS = ("Errno", "No such file", "codec", "Expecting", "Traceback")
BROKEN = {  # file name, how it is written, the Chinese reason said
    "text_as_json": ("results.json", lambda path: path.write_text("{", encoding="utf-8"), "JSON 格式错误"),
    "not_utf8": ("results.json", lambda path: path.write_bytes(b"\xff\xfe{}"), "不是 UTF-8"),
    "missing": ("不存在.json", lambda path: None, "文件不存在"),
}


def _said_once(result, name: str, *reasons: str) -> str:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # the app's exit, not a crash
    output = result.output
    assert name in output and all(reason in output for reason in reasons), output
    assert re.search(r"[\u4e00-\u9fff]", output)
    assert not [word for word in ENGLISH_LEFTOVERS if word in output], output
    return output


def _broken(tmp_path, kind: str):
    name, write, why = BROKEN[kind]
    path = tmp_path / "上一轮" / name
    path.parent.mkdir(exist_ok=True)
    write(path)
    return path, why


def _ingest(tmp_path, *options: str):
    (tmp_path / "回收").mkdir(exist_ok=True)
    return CliRunner().invoke(app, ["ingest", str(tmp_path / "回收"), "--out", str(tmp_path / "结果"), *options])


def _untouched(tmp_path) -> None:
    assert not (tmp_path / "结果" / "results.json").exists()


CENTRAL = {  # how the feed is broken, and the reason said
    "text_renamed": (lambda path: path.write_text("代码,得分\n330100,1\n", encoding="utf-8"), "不是 .xlsx 工作簿"),
    "zip_not_workbook": (lambda path: zipfile.ZipFile(path, "w").writestr("a.txt", "x"), "无法使用"),
    "missing": (lambda path: None, "不存在"),
}


@pytest.mark.parametrize("kind", sorted(CENTRAL))
def test_a_bad_central_file_stops_ingest_with_exit_2_naming_it(kind, tmp_path):
    write, why = CENTRAL[kind]
    feed = tmp_path / "统一数据.xlsx"
    write(feed)
    output = _said_once(_ingest(tmp_path, "--central", str(feed)), "统一数据.xlsx", "秘书处统一数据文件", why)
    assert output.count("秘书处统一数据文件 统一数据.xlsx 无法使用") == 1
    assert "CENTRAL_UNUSABLE" in output and "重新运行" in output  # its code and what to do, as docs say
    _untouched(tmp_path)


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_bad_previous_file_stops_ingest_with_exit_2_naming_it(kind, tmp_path):
    previous, why = _broken(tmp_path, kind)
    output = _said_once(_ingest(tmp_path, "--previous", str(previous)), previous.name, "上一轮结果文件", why)
    assert output.count("上一轮结果文件") == 1
    _untouched(tmp_path)


def test_render_says_a_bad_previous_file_the_same_way(tmp_path):
    previous, why = _broken(tmp_path, "text_as_json")
    said = CliRunner().invoke(app, ["render", "--roster", "sceval/demo/inputs/roster_330000_浙江省.csv",
                                    "--out", str(tmp_path / "模板"), "--previous", str(previous)])
    _said_once(said, previous.name, "上一轮结果文件", why)
    assert not (tmp_path / "模板").exists() or not any((tmp_path / "模板").iterdir())


def test_a_json_that_is_not_a_previous_round_is_said_as_such(tmp_path):
    previous = tmp_path / "cases.json"
    previous.write_text('{"files": []}', encoding="utf-8")
    _said_once(_ingest(tmp_path, "--previous", str(previous)), "cases.json", "不是 sceval 的 results.json")


def _report(tmp_path, cases):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(province_results(), ensure_ascii=False), encoding="utf-8")
    return CliRunner().invoke(app, ["report", str(results), "--cases", str(cases),
                                    "--out", str(tmp_path / "报告.docx")])


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_bad_cases_file_stops_report_with_exit_2_naming_it(kind, tmp_path):
    cases, why = _broken(tmp_path, kind)
    _said_once(_report(tmp_path, cases), cases.name, "优秀案例检查结果", why)
    assert not (tmp_path / "报告.docx").exists()


def test_a_json_that_is_not_cases_is_said_as_such(tmp_path):
    cases = tmp_path / "其他.json"
    cases.write_text('{"cities": []}', encoding="utf-8")
    output = _said_once(_report(tmp_path, cases), "其他.json", "不是优秀案例检查结果")
    assert output.count("其他.json") == 1  # the message names the file itself: not said twice
