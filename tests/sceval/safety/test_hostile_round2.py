"""Issue 13, second hostile round, part B: forged and hostile content inside real returns.

Every hostile file is generated (tests/sceval/hostile2.py) from a real rendered and filled return,
and each test checks the stable code, the Chinese message naming the file (and part, sheet,
cell), and that the input file is byte for byte what it was.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.ingest.one_file import FileTask, process_file
from sceval.safety.filenames import sha256_file
from sceval.workbook.book import read_book
from sctemplates.display import TEXT_LIMIT
from sctemplates.layout import SHEET_BASE, SHEET_PASSPORT
from tests.sceval import hostile2
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang
from tests.platform_marks import posix_only

CATALOG, ROSTER = base_catalog(), zhejiang()
VICTIM = next(c for c in ROSTER.cities if c.code == "330500")  # 湖州市: the hostile copies are of its return
FORGED = next(c for c in ROSTER.cities if c.code == "330900")  # 舟山市: sent nothing
RECEIVED = "2016-12-20T08:00:00+00:00"
BIDI = ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f")


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("victim")
    template = render(CATALOG, VICTIM, ROSTER, folder)
    return fill(template, folder / f"{VICTIM.code}_{VICTIM.name}_填报.xlsx", valid_values(CATALOG))


@pytest.fixture(scope="module")
def good_alone(good) -> dict:
    return _outcome(good)


def _outcome(path: Path):
    before = sha256_file(path)
    found = process_file(FileTask(str(path), str(path), "", path.stat().st_size, RECEIVED, CATALOG, roster=ROSTER))
    assert sha256_file(path) == before  # no input is ever altered
    return found


def _only(outcome, code: str):
    found = [item for item in outcome.issues if item.code == code]
    assert len(found) >= 1, [(i.code, i.message) for i in outcome.issues]
    return found[0]


# --- item 2 -----------------------------------------------------------------------------------

def test_a_moved_name_is_rejected_naming_where_it_points_and_where_it_should(good, good_alone, tmp_path):
    right, wrong = (hostile2.name_target(good, name).split("!")[-1].replace("$", "")
                    for name in (hostile2.NUMERATOR, hostile2.DENOMINATOR))
    path = hostile2.write_name_moved(good, tmp_path)
    outcome = _outcome(path)
    moved = _only(outcome, "ID_NAME_MOVED")
    assert outcome.status == "rejected" and outcome.result is None and good_alone.status == "accepted"
    assert moved.severity == "error" and (moved.sheet, moved.cell) == (SHEET_BASE, wrong)
    assert path.name in moved.message and hostile2.NUMERATOR in moved.message
    assert f"!{wrong}" in moved.message and f"应指向“{SHEET_BASE}”!{right}" in moved.message


@pytest.mark.parametrize("moved, to", [("SC_COVER_CITY_NAME", "SC_COVER_CITY_CODE"), ("SC_FILER_NAME", "SC_FILER_DEPT")])
def test_a_moved_cover_or_filer_name_is_rejected_too(good, tmp_path, moved, to):
    path = hostile2.write_name_moved(good, tmp_path, moved, to)
    outcome = _outcome(path)
    found = _only(outcome, "ID_NAME_MOVED")
    wrong = hostile2.name_target(good, to).split("!")[-1].replace("$", "")
    assert outcome.status == "rejected" and found.cell == wrong and moved in found.message and path.name in found.message


def test_a_good_return_has_every_name_in_its_place(good_alone):
    assert good_alone.status == "accepted"
    assert not [i for i in good_alone.issues if i.code in ("ID_NAME_MOVED", "ID_OTHER_CITY_TEMPLATE")]


# --- item 3 -----------------------------------------------------------------------------------

def test_a_part_stored_twice_is_refused_before_reading(good, tmp_path):
    path = hostile2.write_duplicate_part(good, tmp_path)
    member = hostile2.sheet_part(good, SHEET_BASE)
    with zipfile.ZipFile(path) as archive:
        assert [info.filename for info in archive.infolist()].count(member) == 2
    outcome = _outcome(path)
    twice = _only(outcome, "FILE_DUPLICATE_PART")
    assert outcome.status == "rejected" and [i.code for i in outcome.issues] == ["FILE_DUPLICATE_PART"]
    assert path.name in twice.message and f"“{member}”出现 2 次" in twice.message


# --- item 10 ----------------------------------------------------------------------------------

def test_a_return_rewritten_to_another_city_is_flagged_naming_the_city_it_was_issued_to(good, tmp_path):
    path = hostile2.write_other_city(good, tmp_path, (VICTIM.code, VICTIM.name), (FORGED.code, FORGED.name))
    outcome = _outcome(path)
    codes = [i.code for i in outcome.issues]
    assert "ID_PASSPORT_MISMATCH" not in codes and "ID_COVER_MISMATCH" not in codes  # a consistent forgery
    flagged = _only(outcome, "ID_OTHER_CITY_TEMPLATE")
    assert outcome.status == "rejected" and flagged.severity == "error"
    assert path.name in flagged.message and f"{FORGED.name}（{FORGED.code}）" in flagged.message
    assert f"下发给{VICTIM.name}（{VICTIM.code}）" in flagged.message


# --- item 18 ----------------------------------------------------------------------------------

PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
print("PEAK_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(done.returncode)
"""

ONE_FILE = """
import json, sys
from sceval.ingest.one_file import FileTask, process_file
from tests.sceval.ingest_helpers import base_catalog, zhejiang
path = sys.argv[1]
outcome = process_file(FileTask(path, path, "", 0, "2016-12-20T08:00:00+00:00", base_catalog(), roster=zhejiang()))
print(json.dumps({"status": outcome.status, "issues": [i.as_dict() for i in outcome.issues],
                  "total": None if outcome.result is None else str(outcome.result.total)}, ensure_ascii=False))
"""


def peak_run(command: list[str], cwd: Path | None = None) -> tuple[subprocess.CompletedProcess, int]:
    """Run ``command`` in a child of a child and return (the result, the peak RSS of the child and its
    workers in bytes, from resource.getrusage(RUSAGE_CHILDREN) in the middle process)."""
    done = subprocess.run([sys.executable, "-c", PEAK, *command], capture_output=True, text=True,
                          cwd=cwd or Path(__file__).resolve().parents[3])
    peak = int(done.stdout.rsplit("PEAK_KB", 1)[1].split()[0]) * 1024
    return done, peak


def _one_file_in_child(path: Path) -> tuple[dict, int]:
    done, peak = peak_run([sys.executable, "-c", ONE_FILE, str(path)])
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.split("PEAK_KB")[0].strip().splitlines()[-1]), peak


@pytest.mark.parametrize("member", ["", "xl/media/image1.png"], ids=["sheet part", "any part"])
@posix_only  # RUSAGE_CHILDREN
def test_a_part_inflating_past_its_declared_size_is_a_bomb_and_never_inflated(good, tmp_path, member):
    path = hostile2.write_lying_bomb(good, tmp_path, member=member)  # 100 kB declared, 1 GiB inside, ~1 MB on disk
    member = member or hostile2.sheet_part(good, SHEET_BASE)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(member).file_size == 100 * 1024
    before = sha256_file(path)
    found, peak = _one_file_in_child(path)
    assert sha256_file(path) == before
    assert found["status"] == "rejected" and [i["code"] for i in found["issues"]] == ["FILE_ZIP_BOMB"]
    message = found["issues"][0]["message"]
    assert path.name in message and f"“{member}”" in message and "102,400 字节" in message
    assert peak < 300 * 1024 * 1024, peak  # was 2.1 GB


# --- item 19 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("sheet, ref", [(SHEET_PASSPORT, "AMJ60000"), (SHEET_PASSPORT, "XFD1048576"),
                                        (SHEET_BASE, "XFD1048576")])
@posix_only  # RUSAGE_CHILDREN
def test_a_stray_far_cell_is_left_out_of_every_grid(good, good_alone, tmp_path, sheet, ref):
    path = hostile2.write_far_cell(good, tmp_path, ref, sheet)
    found, peak = _one_file_in_child(path)
    assert found["status"] == "accepted" and found["total"] == str(good_alone.result.total)
    far = next(i for i in found["issues"] if i["code"] == "WB_CELL_OUTSIDE")
    assert (far["severity"], far["sheet"], far["cell"]) == ("warning", sheet, ref)
    assert path.name in far["message"] and ref in far["message"] and sheet in far["message"]
    assert peak < 300 * 1024 * 1024, peak  # was 520 MB (AMJ60000) and 8 GB (XFD1048576)


@pytest.mark.parametrize("write, ref", [(hostile2.write_far_cell, "XFD1048576"),
                                        (hostile2.write_far_dimension, "AMJ1500")], ids=["cell", "dimension"])
def test_calamine_never_sees_a_sheet_reaching_far(good, tmp_path, write, ref):
    """A workbook only calamine can read (engine forced here) whose sheet has a far cell or claims a
    far corner in <dimension> is refused, never expanded to that corner."""
    path = write(good, tmp_path, ref)
    book, issues = read_book(str(path), path.name, engine="calamine")
    assert book is None and [i.code for i in issues] == ["WB_SHEET_TOO_WIDE"]
    assert (issues[0].sheet, issues[0].cell) == (SHEET_PASSPORT, ref)
    assert path.name in issues[0].message and ref in issues[0].message
    assert read_book(str(good), good.name, engine="calamine")[1] == []  # the template itself is read


# --- item 25: the remark ------------------------------------------------------------------------

def test_a_ten_megabyte_remark_is_bounded_with_a_warning_naming_the_cell(good, good_alone, tmp_path):
    path = hostile2.write_huge_remark(good, tmp_path)
    cell = hostile2.remark_cell(good)
    before = sha256_file(path)
    run = ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at=RECEIVED))
    assert sha256_file(path) == before
    city = next(c for c in run.results["cities"] if c["code"] == VICTIM.code)
    assert city["status"] == "submitted" and city["total"] == float(good_alone.result.total)
    long = next(i for i in city["issues"] if i["code"] == "TEXT_TOO_LONG")
    assert (long["severity"], long["sheet"], long["cell"]) == ("warning", SHEET_BASE, cell)
    assert path.name in long["message"] and cell in long["message"] and "3,500,000" in long["message"]
    assert len(city["remarks"]["L1P1-A1"]) < TEXT_LIMIT + 40
    assert run.results_path.stat().st_size < 400_000  # was 10 MB


# --- items 11 and 25: names that attack the terminal ------------------------------------------

def _cli_ingest(inputs: list[Path], out: Path) -> subprocess.CompletedProcess:
    from tests.sceval.ingest_helpers import ROSTER_CSV

    sceval = Path(sys.executable).with_name("sceval")  # the installed command, as a province runs it
    return subprocess.run([str(sceval), "ingest", *map(str, inputs), "--roster",
                           str(ROSTER_CSV), "--out", str(out), "--jobs", "1"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"})


def test_markup_in_a_member_name_is_printed_not_parsed(good, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    archive = hostile2.write_markup_zip(good, inbox)
    (inbox / "另一封[bold red]回复.xlsx").write_bytes(b"not a workbook")  # a rejected one, printed too
    done = _cli_ingest([inbox], tmp_path / "out")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "MarkupError" not in done.stderr and "另一封[bold red]回复.xlsx" in done.stdout
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    paths = [f["path"] for f in results["files"]]
    assert any(p.endswith(f"{archive.name}/{hostile2.MARKUP_NAME}") for p in paths), paths


def test_bidi_controls_are_neutralised_in_everything_shown(good, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bidi = hostile2.write_bidi_name(good, inbox)
    other = ROSTER.cities[0]  # a second city, whose remark carries the controls
    remark = hostile2.write_remark(fill(render(CATALOG, other, ROSTER, tmp_path), tmp_path / "杭州.xlsx",
                                        valid_values(CATALOG)), inbox / "杭州_说明.xlsx", "见附件\u202e\u2066cod.exe\u2069")
    done = _cli_ingest([inbox], tmp_path / "out")
    assert done.returncode == 0, done.stderr[-3000:]
    text = (tmp_path / "out" / "results.json").read_text(encoding="utf-8")
    assert not any(char in text for char in BIDI) and not any(char in done.stdout for char in BIDI)
    assert "湖州市<U+202E>xslx.填报.xlsx" in text and "<U+202E>" in done.stdout
    city = next(c for c in json.loads(text)["cities"] if c["code"] == other.code)
    assert city["remarks"]["L1P1-A1"] == "见附件<U+202E><U+2066>cod.exe<U+2069>" and remark.exists()
    views = [w for w in (tmp_path / "out").rglob("*.xlsx") if ".sceval-inputs" not in w.parts]
    assert len(views) >= 2  # the summary and the feedback workbooks (the stored returns are inputs, kept as sent)
    for workbook in views:
        with zipfile.ZipFile(workbook) as opened:
            shown = b"".join(opened.read(n) for n in opened.namelist() if n.endswith(".xml")).decode("utf-8")
        assert not any(char in shown for char in BIDI), workbook.name
    assert bidi.exists() and sha256_file(bidi) == sha256_file(good)


def test_the_terminal_table_shows_the_sender_next_to_the_city_escaped():
    """Item 10: where the counted return came by e-mail, its sender stands next to the city."""
    from types import SimpleNamespace

    from rich.console import Console

    from sceval.cli.commands.ingest import print_run_table

    city = {"code": FORGED.code, "name": FORGED.name, "status": "submitted", "total": 50.0, "optional_total": None,
            "issues": [], "file": "/收件/附件.zip/回复[/red].xlsx", "message": {"from": "王明 <[b]wang@example.cn>"}}
    rejected = {"path": "/收件/伪造[/b].xlsx", "status": "rejected", "message": {"from": "李四 <li@example.cn>"},
                "issues": [{"severity": "error", "message": "模板标识是下发给湖州市（330500）的"}]}
    console = Console(record=True, width=240)
    print_run_table(SimpleNamespace(results={"cities": [city], "files": [rejected]}), console)
    shown = console.export_text()
    assert "发件人：王明 <[b]wang@example.cn>" in shown and "回复[/red].xlsx" in shown
    assert "未计入 /收件/伪造[/b].xlsx（发件人：李四 <li@example.cn>）：模板标识是下发给湖州市（330500）的" in shown


def test_a_forged_return_by_mail_keeps_its_sender_next_to_the_claimed_city(good, tmp_path):
    """Item 10: mailed from the real city's contact, the forgery is flagged, the sender is recorded
    with the file, and the sender check says it is not the claimed city's contact."""
    from tests.sceval.mail import messages as mail

    forged = hostile2.write_other_city(good, tmp_path, (VICTIM.code, VICTIM.name), (FORGED.code, FORGED.name))
    sender = f"湖州联系人 <{VICTIM.email}>"
    letter = mail.message(sender, f"{FORGED.name}报送", mail.when(20),
                          [mail.named_part(forged.read_bytes(), forged.name)])
    inbox = tmp_path / "mail"
    inbox.mkdir()
    (inbox / "来信.eml").write_bytes(mail.as_bytes(letter))
    run = ingest([inbox / "来信.eml"], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    [row] = [f for f in run.results["files"] if f["path"].endswith(forged.name)]
    codes = {i["code"] for i in row["issues"]}
    assert row["status"] == "rejected" and {"ID_OTHER_CITY_TEMPLATE", "MAIL_SENDER_UNKNOWN"} <= codes
    assert VICTIM.email in row["message"]["from"]
    city = next(c for c in run.results["cities"] if c["code"] == FORGED.code)
    assert city["status"] == "rejected" and city["total"] is None
