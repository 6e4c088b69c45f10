"""Every file found gets a row: odd names, unsupported kinds (sniffed), links, FIFOs; sceval's
own outputs are never read back; a file gone before its worker reads it is a row, not a crash."""
from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sceval.ingest.batch import IngestOptions, _tasks, ingest
from sceval.intake.gathered import Gathered
from sceval.ingest.one_file import process_file
from tests.platform_marks import posix_only
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU, NINGBO = ROSTER.cities[0], ROSTER.cities[1]
RECEIVED = "2016-12-20T08:00:00+00:00"


@pytest.fixture(scope="module")
def hangzhou(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hz")
    return fill(render(CATALOG, HANGZHOU, ROSTER, folder), folder / "杭州.xlsx", valid_values(CATALOG))


def _run(inputs, out: Path):
    return ingest(inputs, out, IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at=RECEIVED))


def _rows(run) -> dict[str, dict]:
    return {os.path.basename(f["path"]): f for f in run.results["files"]}


def _codes(row: dict) -> list[str]:
    return [i["code"] for i in row["issues"]]


def _zip_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _as_macro_template(xltx: Path, xltm: Path) -> None:
    """The same template with the .xltm (macro-enabled template) content type."""
    with zipfile.ZipFile(xltx) as source, zipfile.ZipFile(xltm, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"openxmlformats-officedocument.spreadsheetml.template.main",
                                    b"ms-excel.template.macroEnabled.main")
            target.writestr(info, data)


def _unsupported_folder(folder: Path, hangzhou: Path) -> None:
    folder.mkdir()
    shutil.copy(hangzhou, folder / "杭州.xlsx ")  # a trailing space: still the workbook
    (folder / f"{NINGBO.code}_{NINGBO.name}_填报表.rar").write_bytes(b"Rar!\x1a\x07\x01\x00" + bytes(64))
    (folder / "温州.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(64))
    _zip_with(folder / "嘉兴.xlsb", {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00"})
    _zip_with(folder / "湖州.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                    "content.xml": b"<office/>"})
    template = openpyxl.Workbook()
    template.template = True
    template.save(folder / "绍兴.xltx")
    _as_macro_template(folder / "绍兴.xltx", folder / "舟山.xltm")
    (folder / "金华扫描件").write_bytes(b"%PDF-1.4\n" + bytes(64))  # no extension
    (folder / "衢州.numbers").mkdir()  # a macOS package, shown as one file
    (folder / "衢州.numbers" / "Index.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "~$杭州.xlsx").write_bytes(b"lock")


def test_every_file_in_a_folder_gets_a_row_saying_what_it_is(hangzhou, tmp_path):
    _unsupported_folder(tmp_path / "in", hangzhou)
    run = _run([tmp_path / "in"], tmp_path / "out")
    rows = _rows(run)
    assert set(rows) == {"杭州.xlsx ", f"{NINGBO.code}_{NINGBO.name}_填报表.rar", "温州.7z", "嘉兴.xlsb",
                         "湖州.ods", "绍兴.xltx", "舟山.xltm", "金华扫描件", "衢州.numbers"}  # lock file, .DS_Store: none
    assert rows["杭州.xlsx "]["status"] == "counted" and "FILE_NAME_ODD" in _codes(rows["杭州.xlsx "])
    said = {name: " ".join(i["message"] for i in row["issues"]) for name, row in rows.items()}
    for name, what in [(f"{NINGBO.code}_{NINGBO.name}_填报表.rar", "RAR 压缩包"), ("温州.7z", "7z 压缩包"),
                       ("嘉兴.xlsb", ".xlsb"), ("绍兴.xltx", "模板"), ("舟山.xltm", "模板"), ("金华扫描件", "PDF"),
                       ("衢州.numbers", "Numbers")]:
        assert rows[name]["status"] == "rejected" and _codes(rows[name]) == ["FILE_UNSUPPORTED_KIND"], name
        assert what in said[name] and name in said[name] and "请" in said[name], said[name]
    assert rows["湖州.ods"]["status"] == "rejected"  # .ods is read by name: preflight says why not
    ningbo = next(c for c in run.results["cities"] if c["code"] == NINGBO.code)
    assert ningbo["status"] == "rejected"  # sent, but unusable: never shown as "missing"


@posix_only  # symlinks and a named pipe
def test_links_are_followed_only_to_regular_files_and_each_gets_a_row(hangzhou, tmp_path):
    folder = tmp_path / "in"
    (folder / "子文件夹").mkdir(parents=True)
    (folder / "子文件夹" / "说明.xlsx").write_bytes(b"")
    (folder / "断开的链接.xlsx").symlink_to(tmp_path / "不存在.xlsx")
    (folder / "零.xlsx").symlink_to("/dev/zero")
    (folder / "文件夹链接").symlink_to(folder / "子文件夹")
    (folder / "杭州（链接）.xlsx").symlink_to(hangzhou)  # a file outside the folder
    os.mkfifo(folder / "管道.xlsx")  # would block a reader for ever
    rows = _rows(_run([folder], tmp_path / "out"))
    assert _codes(rows["断开的链接.xlsx"]) == ["FILE_LINK_BROKEN"]
    assert _codes(rows["零.xlsx"]) == ["FILE_NOT_REGULAR"] and "/dev/zero" in rows["零.xlsx"]["issues"][0]["message"]
    assert _codes(rows["管道.xlsx"]) == ["FILE_NOT_REGULAR"]
    assert _codes(rows["文件夹链接"]) == ["FILE_LINK_FOLDER"]
    followed = rows["杭州（链接）.xlsx"]
    assert followed["status"] == "counted" and "FILE_LINK_FOLLOWED" in _codes(followed)
    assert str(hangzhou) in next(i["message"] for i in followed["issues"] if i["code"] == "FILE_LINK_FOLLOWED")
    assert rows["说明.xlsx"]["status"] == "rejected"  # the real folder is searched once, not twice
    assert sum(1 for f in _run([folder], tmp_path / "out2").results["files"] if f["path"].endswith("说明.xlsx")) == 1


def test_out_inside_the_input_is_warned_and_never_read_back(hangzhou, tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(hangzhou, inbox / "杭州.xlsx")
    for _ in range(2):
        run = _run([inbox], inbox / "结果")
        assert list(_rows(run)) == ["杭州.xlsx"]
        assert "RUN_OUT_INSIDE_INPUT" in [i["code"] for i in run.results["run_issues"]]
    assert (inbox / "结果" / ".sceval-output").is_file()


def test_earlier_output_folders_and_results_json_are_recognised_by_their_marks(hangzhou, tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(hangzhou, inbox / "杭州.xlsx")
    _run([inbox], tmp_path / "第一次")
    shutil.copytree(tmp_path / "第一次", inbox / "复制的结果")  # carries the .sceval-output mark
    shutil.copytree(tmp_path / "第一次", inbox / "旧版结果", ignore=shutil.ignore_patterns(".sceval*"))
    shutil.copy(tmp_path / "第一次" / "results.json", inbox / "结果副本")  # no folder, no name
    run = _run([inbox], tmp_path / "第二次")
    assert list(_rows(run)) == ["杭州.xlsx"]
    skipped = [i["message"] for i in run.results["run_issues"] if i["code"] == "RUN_OUTPUT_SKIPPED"]
    assert len(skipped) == 3 and any("复制的结果" in m for m in skipped) and any("旧版结果" in m for m in skipped)
    assert json.loads((tmp_path / "第二次" / "results.json").read_text(encoding="utf-8"))["cities"][0]["status"] == "submitted"


def test_a_file_gone_before_its_worker_reads_it_is_a_row(tmp_path):
    gone = Gathered(str(tmp_path / "已删除.xlsx"), "附件.zip/320100_南京市.xlsx", RECEIVED)
    task = next(_tasks([gone], {"catalog": CATALOG}))
    outcome = process_file(task)
    assert task.size == 0 and outcome.status == "rejected"
    assert [i.code for i in outcome.issues] == ["FILE_NOT_FOUND"]
    assert outcome.issues[0].file == "附件.zip/320100_南京市.xlsx"
