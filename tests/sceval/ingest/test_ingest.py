"""Ingest end to end: render → fill → ingest, archives, resubmissions, results.json, the CLI."""
from __future__ import annotations

import json
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sctemplates.layout import ATTEST_CHOICE
from tests.libreoffice import needs_soffice, resave_xlsx
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang
from sceval.demo.round import INPUTS_DIR as DEMO_INPUTS_DIR
from sceval.results.model import catalog_of
from sctemplates.export import catalog_as_dict

CATALOG = base_catalog()
ROSTER = zhejiang()
HANGZHOU, NINGBO = ROSTER.cities[0], ROSTER.cities[1]
SUBS = {sub.code: sub for sub in CATALOG.sub_items()}
A1 = SUBS["L1P1-A1"]
RECEIVED = "2016-12-20T08:00:00+00:00"


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("templates")
    return {city.code: render(CATALOG, city, ROSTER, folder) for city in ROSTER.cities}


def official_example() -> dict:
    values = valid_values(CATALOG)
    values[A1.input("numerator").name] = 823
    values[A1.input("denominator").name] = 2000
    return values


def city_entry(results: dict, code: str) -> dict:
    return next(c for c in results["cities"] if c["code"] == code)


def check_official_scores(scores: dict) -> None:
    assert scores["L1P1-A1"] == 12.35  # 30 × 823 / 2000 = 12.345 → 12.35
    assert scores["L1P1"] == 3.79  # 8 × (12.35 + 17.5 + 17.5) / 100 = 3.788 → 3.79
    assert scores["L1"] == round(sum(scores[s.code] for s in CATALOG.indicators[0].children), 2)


def test_round_trip_gives_hand_computed_scores(templates, tmp_path):
    path = fill(templates[HANGZHOU.code], tmp_path / "in" / "杭州.xlsx", official_example())
    before = path.read_bytes()
    run = ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at=RECEIVED))
    entry = city_entry(run.results, HANGZHOU.code)
    check_official_scores(entry["scores"])
    assert entry["status"] == "submitted" and entry["completeness"] == 100.0
    assert entry["total"] == float(sum(Decimal(str(entry["scores"][f.code])) for f in CATALOG.indicators))
    assert entry["inputs"][A1.input("numerator").name] == 823
    assert entry["filer"]["SC_FILER_ATTEST"] == ATTEST_CHOICE
    on_disk = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert on_disk == run.results
    assert path.read_bytes() == before  # the input file is only read


def test_results_json_shape_and_missing_cities(templates, tmp_path):
    path = fill(templates[HANGZHOU.code], tmp_path / "杭州.xlsx", valid_values(CATALOG))
    run = ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at=RECEIVED))
    results = run.results
    assert set(results) == {"catalog", "optional_catalog", "province", "roster", "generated_at", "files", "cities",
                            "run_issues", "sensitivity"}  # sensitivity: rank intervals (sceval.review.rescore)
    assert results["catalog"] == catalog_as_dict(CATALOG)  # the whole catalog it was scored with
    assert catalog_of(results).fingerprint() == CATALOG.fingerprint()
    assert results["province"] == {"code": "330000", "name": "浙江省"}
    assert [c["code"] for c in results["cities"]] == [c.code for c in ROSTER.cities]
    missing = city_entry(results, NINGBO.code)
    assert missing["status"] == "missing" and missing["scores"] is None and missing["total"] is None
    assert results["files"][0]["status"] == "counted" and results["files"][0]["city"] == HANGZHOU.code
    assert len(results["files"][0]["sha256"]) == 64
    assert any(i.code == "SCORE_PROVISIONAL" for i in run.issues)
    # no --central although the catalog has centrally supplied items: said once, for the run
    assert [i["code"] for i in results["run_issues"]] == ["SCORE_PROVISIONAL", "RUN_CENTRAL_MISSING"]


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_resaved_return_scores_identically(templates, tmp_path):
    path = fill(templates[HANGZHOU.code], tmp_path / "in" / f"{HANGZHOU.code}_{HANGZHOU.name}.xlsx",
                official_example())
    text_number = official_example() | {SUBS["L1P1-A2"].input("numerator").name: "１００"}
    texty = fill(templates[HANGZHOU.code], tmp_path / "in2" / "texty.xlsx", text_number)
    resaved, resaved_texty = resave_xlsx([path, texty], tmp_path / "lo")
    first = ingest([path], tmp_path / "a", IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at=RECEIVED))
    second = ingest([resaved], tmp_path / "b", IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at=RECEIVED))
    a, b = city_entry(first.results, HANGZHOU.code), city_entry(second.results, HANGZHOU.code)
    check_official_scores(b["scores"])
    assert a["scores"] == b["scores"] and a["total"] == b["total"] and a["inputs"] == b["inputs"]
    # LibreOffice recalculated the live score cells: they agree with the Python scorer
    codes = [i["code"] for i in b["issues"]]
    assert "SCORE_FORMULA_DIFFERS" not in codes and "ID_PASSPORT_MISMATCH" not in codes
    # a number typed as full-width text scores in Python but 0 in the live formula: reported
    third = ingest([resaved_texty], tmp_path / "c", IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at=RECEIVED))
    differs = [i for i in city_entry(third.results, HANGZHOU.code)["issues"] if i["code"] == "SCORE_FORMULA_DIFFERS"]
    assert differs and differs[-1]["indicator"] == ""  # the total on the cover
    # QA round (江苏): it said “总分 … 系统计分为 48.43” where the official total was 67.93
    assert differs[-1]["message"].startswith("封面的得分预览（不含秘书处统一数据） 工作簿内公式计算的得分为")


@pytest.mark.parametrize("jobs", [1, 2])
def test_archive_members_duplicates_and_skips(templates, tmp_path, jobs):
    good = fill(templates[HANGZHOU.code], tmp_path / "杭州.xlsx", valid_values(CATALOG))
    archive = tmp_path / "来信附件.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(good, "杭州市/杭州.xlsx")
        zf.writestr("说明.txt", "附件说明")
    run = ingest([archive, good], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=jobs, received_at=RECEIVED))
    by_status = {f["status"]: f for f in run.results["files"]}
    assert by_status["rejected"]["issues"][0]["code"] == "ARCHIVE_MEMBER_SKIPPED"
    assert by_status["counted"]["path"].endswith("来信附件.zip/杭州市/杭州.xlsx")
    assert by_status["duplicate"]["issues"][0]["code"] == "FILE_DUPLICATE"
    assert not (tmp_path / "out" / ".work").exists()


def test_gbk_member_names_and_output_folder_inside_the_inbox(templates, tmp_path):
    from sceval.intake.gather import member_name

    legacy = zipfile.ZipInfo("杭州市填报表.xlsx".encode("gbk").decode("cp437"))
    assert member_name(legacy) == "杭州市填报表.xlsx"
    inbox = tmp_path / "收件箱"
    fill(templates[HANGZHOU.code], inbox / "杭州.xlsx", valid_values(CATALOG) | {A1.input("numerator").name: "—"})
    for _ in range(2):  # the second run must not read the first run's feedback copies
        run = ingest([inbox], inbox / "结果", IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at=RECEIVED))
        assert [Path(f["path"]).name for f in run.results["files"]] == ["杭州.xlsx"]
    assert run.feedback_paths and run.feedback_paths[0].is_relative_to(inbox / "结果")


def test_newer_return_supersedes_older_and_city_is_corrected(templates, tmp_path):
    values = valid_values(CATALOG)
    older = fill(templates[HANGZHOU.code], tmp_path / "v1.xlsx", values | {A1.input("numerator").name: 10})
    newer = fill(templates[HANGZHOU.code], tmp_path / "v2.xlsx", values)
    os.utime(older, (1_480_000_000, 1_480_000_000))
    os.utime(newer, (1_480_100_000, 1_480_100_000))
    run = ingest([older, newer], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    statuses = {Path(f["path"]).name: f["status"] for f in run.results["files"]}
    assert statuses == {"v1.xlsx": "superseded", "v2.xlsx": "counted"}
    entry = city_entry(run.results, HANGZHOU.code)
    assert entry["status"] == "corrected" and entry["file"].endswith("v2.xlsx")


def test_newer_rejected_return_keeps_the_older_one(templates, tmp_path):
    def cover_of_another_city(book):
        for sheet, coord in book.defined_names["SC_COVER_CITY_NAME"].destinations:
            book[sheet][coord.replace("$", "")].value = NINGBO.name
    values = valid_values(CATALOG)
    older = fill(templates[HANGZHOU.code], tmp_path / "v1.xlsx", values)
    newer = fill(templates[HANGZHOU.code], tmp_path / "v2.xlsx", values, cover_of_another_city)
    os.utime(older, (1_480_000_000, 1_480_000_000))
    os.utime(newer, (1_480_100_000, 1_480_100_000))
    run = ingest([older, newer], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    files = {Path(f["path"]).name: f for f in run.results["files"]}
    assert files["v1.xlsx"]["status"] == "counted" and files["v2.xlsx"]["status"] == "rejected"
    assert "SUBMISSION_NEWER_INVALID" in [i["code"] for i in files["v1.xlsx"]["issues"]]


def test_ledger_carries_counted_returns_across_runs(templates, tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    values = valid_values(CATALOG)
    first = fill(templates[HANGZHOU.code], tmp_path / "a" / "v1.xlsx", values | {A1.input("numerator").name: 10})
    run1 = ingest([first], tmp_path / "out1", IngestOptions(CATALOG, roster=ROSTER, jobs=1, ledger_path=ledger,
                  received_at="2016-12-01T08:00:00+00:00"))
    assert city_entry(run1.results, HANGZHOU.code)["status"] == "submitted"
    other = fill(templates[NINGBO.code], tmp_path / "b" / "nb.xlsx", values)
    run2 = ingest([other], tmp_path / "out2", IngestOptions(CATALOG, roster=ROSTER, jobs=1, ledger_path=ledger,
                  received_at="2016-12-02T08:00:00+00:00"))
    kept = city_entry(run2.results, HANGZHOU.code)
    assert kept["status"] == "submitted" and kept["scores"][A1.code] == 1.5  # 30 × 10 / 200, from run 1
    second = fill(templates[HANGZHOU.code], tmp_path / "c" / "v2.xlsx", values)
    run3 = ingest([second], tmp_path / "out3", IngestOptions(CATALOG, roster=ROSTER, jobs=1, ledger_path=ledger,
                  received_at="2016-12-03T08:00:00+00:00"))
    entry = city_entry(run3.results, HANGZHOU.code)
    assert entry["status"] == "corrected" and entry["scores"][A1.code] == 15.0
    assert run3.results["files"][0]["status"] == "counted"


def test_central_feed_and_optional_indicators(templates, tmp_path):
    from sctemplates.optional.definition import load_optional

    optional = load_optional(DEMO_INPUTS_DIR / "optional_330000_浙江省.xlsx",
                             CATALOG)
    folder = tmp_path / "t"
    paths = []
    for city in (HANGZHOU, NINGBO):  # NINGBO is 计划单列市: no optional indicators
        template = render(CATALOG, city, ROSTER, folder, optional=optional)
        values = valid_values(CATALOG) | (valid_values(optional) if city.takes_optional else {})
        paths.append(fill(template, tmp_path / f"{city.code}.xlsx", values))
    survey = CATALOG.indicators[-1].children[0]
    feed = {HANGZHOU.code: {survey.inputs[0].name: Decimal("80.5")}}
    run = ingest(paths, tmp_path / "out", IngestOptions(CATALOG, central=feed, optional=optional, roster=ROSTER,
                 jobs=2, received_at=RECEIVED))
    hz, nb = city_entry(run.results, HANGZHOU.code), city_entry(run.results, NINGBO.code)
    assert hz["scores"][survey.code] == 16.1  # 20 × 80.5 / 100
    assert nb["scores"][survey.code] == 0.0
    assert "CENTRAL_MISSING" in [i["code"] for i in nb["issues"]]
    first_optional = next(optional.sub_items())
    assert hz["optional_total"] is not None and first_optional.code in hz["scores"]
    assert nb["optional_total"] is None and first_optional.code not in nb["scores"]
    assert run.results["optional_catalog"]["fingerprint"] == optional.fingerprint()


def messy_return(index: int) -> dict:
    """Eleven cities' returns: some clean, some with the mistakes people make."""
    values = valid_values(CATALOG)
    num, den = A1.input("numerator").name, A1.input("denominator").name
    mistakes = [{}, {num: "１２０"}, {den: " 2,000 "}, {num: "85%"}, {num: None}, {den: 0, num: 0},
                {num: "约100"}, {}, {num: "—"}, {}, {num: 300}]
    return values | mistakes[index]


def test_folder_of_eleven_returns(templates, tmp_path, capsys):
    folder = tmp_path / "收件箱"
    for index, city in enumerate(ROSTER.cities):
        fill(templates[city.code], folder / f"{city.code}_{city.name}.xlsx", messy_return(index))
    (folder / "~$330100_杭州市.xlsx").write_bytes(b"lock")  # an Office lock file is not a return
    run = ingest([folder], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=2, received_at=RECEIVED))
    from sceval.cli.commands.ingest import print_run_table

    print_run_table(run)
    printed = capsys.readouterr().out
    assert all(city.name in printed for city in ROSTER.cities)
    cities = {c["code"]: c for c in run.results["cities"]}
    assert len(run.results["files"]) == 11
    assert all(c["status"] in ("submitted", "has_errors") for c in cities.values())
    codes = {code: {i["code"] for i in c["issues"]} for code, c in cities.items()}
    expected = {1: "PARSE_FULLWIDTH", 2: "PARSE_THOUSANDS", 3: "VAL_PERCENT_FOR_COUNT", 4: "RATIO_PARTIAL",
                5: "RATIO_DEN_ZERO", 6: "VAL_AMBIGUOUS", 8: "PARSE_SENTINEL_BLANK", 10: "RATIO_NUM_GT_DEN"}
    for index, code in expected.items():
        assert code in codes[ROSTER.cities[index].code], (index, code)
    assert cities[ROSTER.cities[1].code]["scores"][A1.code] == 18.0  # 30 × 120 / 200
    assert cities[ROSTER.cities[3].code]["scores"][A1.code] == 0.0
    # 8 × 30 / 100, plus the secretariat's points pending: the run was given no --central (issue 12)
    from sceval.evaluate.scoring import central_points

    assert cities[ROSTER.cities[3].code]["points_at_stake"] == float(Decimal("2.4") + central_points(CATALOG))
    assert (tmp_path / "out" / "results.json").is_file()
    assert (tmp_path / "out" / "反馈" / f"{ROSTER.cities[3].code}_{ROSTER.cities[3].name}_问题反馈.xlsx").is_file()


def test_not_a_workbook_is_rejected_and_the_batch_goes_on(templates, tmp_path):
    fake = tmp_path / "330200_宁波市.xlsx"
    fake.write_text("城市,数值\n宁波,1\n", encoding="utf-8")
    good = fill(templates[HANGZHOU.code], tmp_path / "杭州.xlsx", valid_values(CATALOG))
    run = ingest([fake, good, tmp_path / "nothing.xlsx"], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    files = {Path(f["path"]).name: f for f in run.results["files"]}
    assert files["330200_宁波市.xlsx"]["status"] == "rejected" and files["330200_宁波市.xlsx"]["issues"]
    assert files["nothing.xlsx"]["issues"][0]["code"] == "FILE_NOT_FOUND"
    assert files["杭州.xlsx"]["status"] == "counted"


def test_cli_ingest(templates, tmp_path):
    from typer.testing import CliRunner

    from sceval.cli.app import app

    path = fill(templates[HANGZHOU.code], tmp_path / "in" / "杭州.xlsx", official_example())
    roster = DEMO_INPUTS_DIR / "roster_330000_浙江省.csv"
    result = CliRunner().invoke(app, ["ingest", str(path.parent), "--out", str(tmp_path / "out"),
                                      "--roster", str(roster), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "杭州市" in result.output
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    check_official_scores(city_entry(results, HANGZHOU.code)["scores"])
    bad = CliRunner().invoke(app, ["ingest", str(path), "--out", str(tmp_path / "o2"),
                                   "--catalog", str(tmp_path / "none.yaml")])
    assert bad.exit_code == 2


def test_results_only_run_writes_no_workbooks(templates, tmp_path):
    path = fill(templates[HANGZHOU.code], tmp_path / "杭州.xlsx", valid_values(CATALOG) | {A1.input("numerator").name: None})
    run = ingest([path], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1, received_at=RECEIVED, workbooks=False))
    assert run.summary_path is None and run.feedback_paths == []
    # besides results.json only the run's marks: the lock file, the sceval-output marker, the views' manifest
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".sceval-output", ".sceval-views.json", ".sceval.lock",
                                                                   "results.json"]


def test_central_feed_problems_are_kept_in_results_and_summary(templates, tmp_path):
    import openpyxl

    from sceval.intake.central import read_central, write_central_template
    from sceval.demo.fill import fill_central

    feed_file = tmp_path / "统一数据.xlsx"
    write_central_template(ROSTER, feed_file, CATALOG)
    survey = CATALOG.indicators[-1].children[0].inputs[0]
    fill_central(feed_file, {HANGZHOU.code: {survey.name: Decimal("180")}})  # beyond 0–100
    feed, problems = read_central(feed_file, CATALOG, ROSTER)
    assert [p.code for p in problems] == ["CENTRAL_BAD"] and feed == {}
    return_path = fill(templates[HANGZHOU.code], tmp_path / "in" / "hz.xlsx", valid_values(CATALOG))
    run = ingest([return_path], tmp_path / "out", IngestOptions(CATALOG, central=feed, roster=ROSTER, jobs=1,
                 feed_issues=problems))
    kept = [i for i in run.results["run_issues"] if i["code"] == "CENTRAL_BAD"]
    assert kept and kept[0]["cell"] == problems[0].cell
    stored = json.loads(run.results_path.read_text(encoding="utf-8"))
    assert stored["run_issues"] == run.results["run_issues"]
    listed = openpyxl.load_workbook(run.summary_path)["问题清单"]
    assert any(cell.value == "CENTRAL_BAD" for row in listed.iter_rows() for cell in row)


def test_two_jobs_write_the_very_same_results_as_one(templates, tmp_path):
    """Results cross a process boundary in a compact form (sceval.results.CityResult); the
    results.json written from them is byte for byte the single-process one."""
    folder = tmp_path / "收件箱"
    for index, city in enumerate(ROSTER.cities):
        fill(templates[city.code], folder / f"{city.code}_{city.name}.xlsx", messy_return(index))
    texts, kinds = [], []
    for jobs in (1, 2):
        run = ingest([folder], tmp_path / f"out{jobs}", IngestOptions(CATALOG, roster=ROSTER, jobs=jobs, received_at=RECEIVED,
                     generated_at="2016-12-31T00:00:00+00:00", workbooks=False))
        texts.append(run.results_path.read_text(encoding="utf-8"))
        kinds.append({(type(v).__name__, type(run.counted[c].result.total).__name__)
                      for c in run.counted for v in run.counted[c].result.scores.values()})
    assert texts[0] == texts[1] and '"scores": {"L1P1-A1": ' in texts[0]
    assert kinds[0] == kinds[1] == {("float", "Decimal")}  # the same types whatever --jobs
