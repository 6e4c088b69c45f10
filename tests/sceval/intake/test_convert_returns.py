"""Issue 20 defect 3: .ods / .xls / .et returns saved by LibreOffice are converted (isolated, macros
off, time-limited) and read with every identity check; broken and hostile ones are a row each."""
from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.intake.convert_return import converted_copy
from sceval.ingest.one_file import FileTask, process_file
from sctemplates.issues import issue
from tests.libreoffice import convert, libreoffice
from tests.sceval import hostile
from tests.sceval.ingest.odf_builders import broken_ods, macro_ods
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

pytestmark = libreoffice
CATALOG, ROSTER = base_catalog(), zhejiang()
RECEIVED = "2016-12-21T00:00:00+00:00"


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict[str, Path]:
    """A rendered template filled and saved by LibreOffice as .ods and as .xls (what 广州 and 韶关 did)."""
    folder = tmp_path_factory.mktemp("saved")
    city = ROSTER.cities[0]
    filled = fill(render(CATALOG, city, ROSTER, folder), folder / f"{city.code}_{city.name}.xlsx", valid_values(CATALOG))
    files = {"xlsx": filled}
    for target in ("ods", "xls"):
        files[target] = convert([filled], folder / target, target)[0]
    return files


@pytest.fixture(autouse=True)
def private_tmp(tmp_path, monkeypatch) -> Path:
    """The converter's work folders land here, so the tests can see that none is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _process(path: Path, timeout: int = 120):
    return process_file(FileTask(str(path), path.name, "", path.stat().st_size, RECEIVED, CATALOG,
                                 roster=ROSTER, timeout=timeout))


def _codes(outcome) -> list[str]:
    return [i.code for i in outcome.issues]


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_a_libreoffice_saved_return_is_converted_and_scored_like_the_xlsx(saved, kind, private_tmp):
    before = saved[kind].read_bytes()
    original, converted = _process(saved["xlsx"]), _process(saved[kind])
    assert converted.status == "accepted" and converted.city.code == ROSTER.cities[0].code
    assert converted.result.total == original.result.total and converted.result.scores == original.result.scores
    note = next(i for i in converted.issues if i.code == "RETURN_CONVERTED")
    assert note.severity == "info" and saved[kind].name in note.message and f".{kind}" in note.message
    assert "FILE_LEGACY_XLS" not in _codes(converted) and "FILE_NOT_XLSX" not in _codes(converted)
    assert converted.sha256 == hashlib.sha256(before).hexdigest()  # the file sent, not the copy
    assert saved[kind].read_bytes() == before and list(private_tmp.iterdir()) == []


def test_a_wps_et_name_is_converted_too(saved, tmp_path):
    et = shutil.copy(saved["xls"], tmp_path / "330100_杭州市.et")
    outcome = _process(Path(et))
    assert outcome.status == "accepted" and "RETURN_CONVERTED" in _codes(outcome) and "FILE_WPS_ET" not in _codes(outcome)
    assert "WPS" in next(i.message for i in outcome.issues if i.code == "RETURN_CONVERTED")


def test_a_converted_return_of_another_city_is_still_caught_by_its_passport(saved, tmp_path):
    other = ROSTER.cities[1]
    misnamed = shutil.copy(saved["ods"], tmp_path / f"{other.code}_{other.name}.ods")
    outcome = _process(Path(misnamed))
    assert outcome.city.code == ROSTER.cities[0].code and "ID_FILENAME_MISMATCH" in _codes(outcome)


def test_a_macro_bearing_ods_runs_nothing_and_gets_a_row(tmp_path, private_tmp):
    marker = tmp_path / "macro-ran.txt"
    outcome = _process(macro_ods(tmp_path / "宏.ods", marker))
    assert not marker.exists() and not Path(f"{marker}.shell").exists()
    assert outcome.status == "rejected" and "RETURN_CONVERTED" in _codes(outcome) and "ID_UNIDENTIFIED" in _codes(outcome)
    assert list(private_tmp.iterdir()) == []


def test_broken_ods_and_xls_are_rows_and_the_batch_goes_on(saved, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    broken_ods(inbox / "损坏.ods")
    (inbox / "截断.xls").write_bytes(saved["xls"].read_bytes()[:700])
    shutil.copy(saved["ods"], inbox / saved["ods"].name)
    run = ingest([inbox], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at=RECEIVED))
    files = {Path(f["path"]).name: f for f in run.results["files"]}
    assert set(files) == {"损坏.ods", "截断.xls", saved["ods"].name}
    for name in ("损坏.ods", "截断.xls"):
        assert files[name]["status"] == "rejected" and files[name]["issues"], name
    broken = files["损坏.ods"]["issues"]
    assert [i["code"] for i in broken] == ["RETURN_CONVERT_FAILED"] and "损坏.ods" in broken[0]["message"]
    counted = next(c for c in run.results["cities"] if c["code"] == ROSTER.cities[0].code)
    assert counted["status"] == "submitted" and counted["file"].endswith(".ods")


def test_a_conversion_past_its_time_limit_is_ended_and_said(saved, private_tmp):
    refusal = issue("FILE_LEGACY_XLS", "旧版")
    started = time.monotonic()
    with converted_copy(str(saved["xls"]), refusal, "慢.xls", seconds=1) as converted:
        assert converted.path == "" and [i.code for i in converted.issues] == ["RETURN_CONVERT_FAILED"]
        assert "超过 1 秒" in converted.issues[0].message
    assert time.monotonic() - started < 15 and list(private_tmp.iterdir()) == []


def test_without_libreoffice_the_refusal_is_kept(saved, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice to be found
    ods, xls = _process(saved["ods"]), _process(saved["xls"])
    assert ods.status == xls.status == "rejected"
    assert _codes(ods) == ["FILE_NOT_XLSX"] and _codes(xls) == ["FILE_LEGACY_XLS"]


def test_an_edited_locked_weight_survives_the_conversion_and_is_refused(tmp_path):
    from sctemplates.layout import SHEET_BASE

    code = next(CATALOG.sub_items()).code

    def edit_weight(book):
        row = next(r[0].row for r in book[SHEET_BASE].iter_rows() if r[0].value == code)
        book[SHEET_BASE][f"C{row}"].value = 99

    city = ROSTER.cities[0]
    edited = fill(render(CATALOG, city, ROSTER, tmp_path), tmp_path / "改权重.xlsx", valid_values(CATALOG), edit_weight)
    outcome = _process(convert([edited], tmp_path / "ods", "ods")[0])
    assert outcome.status == "rejected" and outcome.city.code == city.code
    assert "RETURN_CONVERTED" in _codes(outcome) and "ID_TEMPLATE_EDITED" in _codes(outcome)
