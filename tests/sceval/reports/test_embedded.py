"""Summary workbooks carry their results: written for real, merged back, edited and damaged by hand."""
from __future__ import annotations

import hashlib
import json
import zipfile

import openpyxl
import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.reports.summary.embedded import CHUNK, SHEET, read_embedded
from sceval.reports.summary.sources import ResultsRefused, load_sources
from sceval.reports.summary.workbook import write_summary
from tests.libreoffice import needs_soffice, resave_xlsx
from tests.sceval.results_factory import make_results


@pytest.fixture(scope="module")
def provinces(tmp_path_factory):
    """浙江 and 江苏 as each province sends them: results.json and its summary workbook."""
    folder = tmp_path_factory.mktemp("provinces")
    found = {}
    for code, seed in (("330000", 3), ("320000", 4)):
        results = make_results(province_code=code, seed=seed, n_roster=7, n_submitted=5)
        json_path = folder / f"{code}.json"
        json_path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        found[code] = (json_path, write_summary(results, folder / f"汇总_{code}.xlsx"), results)
    return found


def visible_values(path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets
            if ws.sheet_state == "visible"}


def summary(args: list[str]):
    return CliRunner().invoke(app, ["summary", *map(str, args)])


def overview_total_cell(ws) -> tuple[int, int]:
    """(row, column) of the first city's 总分 on 总览, found by its heading."""
    for row in ws.iter_rows(max_row=10):
        for cell in row:
            if cell.value == "总分":
                return cell.row + 1, cell.column
    raise AssertionError("no 总分 heading")


def test_the_summary_embeds_exactly_its_results_in_a_very_hidden_sheet(provinces):
    _json, workbook, results = provinces["330000"]
    assert openpyxl.load_workbook(workbook)[SHEET].sheet_state == "veryHidden"
    embedded = read_embedded(workbook)
    assert embedded.issues == []
    assert embedded.results == [{**json.loads(json.dumps(results)), "cases": []}]  # none checked beside it


def test_large_results_are_chunked_within_excels_cell_limit(tmp_path):
    results = make_results(n_roster=40, n_submitted=40, seed=9)
    path = write_summary(results, tmp_path / "大.xlsx")
    chunks = [row[0] for row in openpyxl.load_workbook(path)[SHEET].iter_rows(min_row=7, values_only=True)]
    assert len(chunks) > 1 and all(len(chunk) <= CHUNK <= 32_767 for chunk in chunks)
    assert read_embedded(path).results[0]["cities"] == json.loads(json.dumps(results))["cities"]


def test_merging_two_summary_workbooks_equals_merging_their_results_json(provinces, tmp_path):
    (zj_json, zj_book, _), (js_json, js_book, _) = provinces["330000"], provinces["320000"]
    from_books, from_json, mixed = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    for args, out in (([zj_book, js_book], from_books), ([zj_json, js_json], from_json), ([zj_book, js_json], mixed)):
        result = summary([*args, "--out", out])
        assert result.exit_code == 0, result.output
    expected = visible_values(from_json)
    assert len(expected["总览"]) > 14
    assert visible_values(from_books) == expected
    assert visible_values(mixed) == expected
    assert read_embedded(from_books).results == read_embedded(from_json).results


def test_a_national_workbook_merges_again_as_its_provinces(provinces, tmp_path):
    (zj_json, zj_book, _), (js_json, _, _) = provinces["330000"], provinces["320000"]
    national = write_summary([json.loads(zj_json.read_text("utf-8")), json.loads(js_json.read_text("utf-8"))],
                             tmp_path / "全国.xlsx")
    assert [r["province"]["code"] for r in load_sources([national]).results] == ["330000", "320000"]
    with pytest.raises(ResultsRefused) as refused:
        load_sources([national, zj_book])
    assert {i.code for i in refused.value.issues} == {"MERGE_SAME_PROVINCE"}
    assert str(national) in str(refused.value) and str(zj_book) in str(refused.value)


def test_an_edited_visible_total_is_reported_with_its_cell_and_the_embedded_total_used(provinces, tmp_path):
    (_, zj_book, zj), (js_json, _, _) = provinces["330000"], provinces["320000"]
    book = openpyxl.load_workbook(zj_book)
    row, col = overview_total_cell(book["总览"])
    cell = book["总览"].cell(row, col)
    original, cell.value = cell.value, 99.99
    edited = tmp_path / "改过的汇总.xlsx"
    book.save(edited)
    result = summary([edited, js_json, "--out", tmp_path / "全国.xlsx"])
    assert result.exit_code == 0, result.output
    assert "EMBED_VISIBLE_EDITED" in result.output and str(edited) in result.output
    assert f"工作表“总览”单元格 {cell.coordinate}" in result.output
    assert "显示为 99.99" in result.output and f"内嵌的计分结果 {original:.2f}" in result.output
    warnings = load_sources([edited]).issues
    assert [(w.code, w.sheet, w.cell) for w in warnings] == [("EMBED_VISIBLE_EDITED", "总览", cell.coordinate)]
    national = openpyxl.load_workbook(tmp_path / "全国.xlsx")["总览"]
    _, total_col = overview_total_cell(national)  # a national overview adds 省份: found by heading
    totals = [row[total_col - 1] for row in national.iter_rows(values_only=True)]
    assert 99.99 not in totals and original in totals


def _edit_hidden(source, target, edit) -> None:
    book = openpyxl.load_workbook(source)
    edit(book[SHEET])
    book.save(target)


def _flip_one_character(ws) -> None:
    chunk = ws["A7"].value
    ws["A7"].value = chunk[:100] + ("A" if chunk[100] != "A" else "B") + chunk[101:]


@pytest.mark.parametrize("edit, said", [
    (_flip_one_character, "无法解码"),
    (lambda ws: ws.cell(4, 2, "0" * 64), "SHA-256"),
    (lambda ws: setattr(ws["A7"], "value", None), "分段不完整"),
])
def test_damaged_embedded_data_is_refused_and_nothing_is_written(provinces, tmp_path, edit, said):
    _json, zj_book, _ = provinces["330000"]
    damaged = tmp_path / "坏.xlsx"
    _edit_hidden(zj_book, damaged, edit)
    before = hashlib.sha256(damaged.read_bytes()).hexdigest()
    out = tmp_path / "全国.xlsx"
    result = summary([damaged, "--out", out])
    assert result.exit_code == 2 and not out.exists()
    assert "EMBED_DAMAGED" in result.output and said in result.output and str(damaged) in result.output
    assert hashlib.sha256(damaged.read_bytes()).hexdigest() == before  # inputs are never altered


def test_a_digest_that_matches_edited_data_still_needs_valid_data(provinces, tmp_path):
    """Editing the JSON and its digest together is possible; the data must still be results."""
    _json, zj_book, _ = provinces["330000"]
    import base64
    import zlib

    raw = json.dumps({"format": "sceval-summary-results/1", "results": [{"no": "cities"}]}).encode()
    forged = tmp_path / "伪造.xlsx"

    def forge(ws):
        ws.cell(4, 2, hashlib.sha256(raw).hexdigest())
        ws.cell(5, 2, "1")
        ws.cell(7, 1, base64.b64encode(zlib.compress(raw)).decode())
        for row in range(8, ws.max_row + 1):
            ws.cell(row, 1).value = None

    _edit_hidden(zj_book, forged, forge)
    with pytest.raises(ResultsRefused) as refused:
        load_sources([forged])
    assert [i.code for i in refused.value.issues] == ["EMBED_DAMAGED"]
    assert "缺少 cities" in refused.value.issues[0].message


def test_a_workbook_without_embedded_results_is_refused(provinces, tmp_path):
    _json, zj_book, _ = provinces["330000"]
    book = openpyxl.load_workbook(zj_book)
    del book[SHEET]
    plain = tmp_path / "手工汇总.xlsx"
    book.save(plain)
    result = summary([plain, "--out", tmp_path / "x.xlsx"])
    assert result.exit_code == 2 and "EMBED_MISSING" in result.output and "手工汇总.xlsx" in result.output


def test_a_hostile_workbook_goes_through_preflight(tmp_path):
    bomb = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<!DOCTYPE x [<!ENTITY a 'aaaa'>]><workbook>&a;</workbook>")
    with pytest.raises(ResultsRefused) as refused:
        load_sources([bomb])
    assert [i.code for i in refused.value.issues] == ["FILE_XML_UNSAFE"]


def test_overlapping_cities_of_two_files_are_refused_naming_both(provinces, tmp_path):
    zj_json, _, zj = provinces["330000"]
    other = json.loads(json.dumps(zj))
    other["province"] = {"code": "340000", "name": "安徽省"}
    other_path = tmp_path / "安徽.json"
    other_path.write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    result = summary([zj_json, other_path, "--out", tmp_path / "x.xlsx"])
    assert result.exit_code == 2 and "MERGE_CITY_OVERLAP" in result.output
    assert str(zj_json) in result.output and str(other_path) in result.output
    assert zj["cities"][0]["code"] in result.output


@needs_soffice
@pytest.mark.libreoffice
def test_a_summary_resaved_in_libreoffice_still_merges_without_false_alarms(provinces, tmp_path):
    """A province may open its summary in LibreOffice (or WPS) and save it before sending it."""
    _json, zj_book, results = provinces["330000"]
    (resaved,) = resave_xlsx([zj_book], tmp_path / "lo")
    assert openpyxl.load_workbook(resaved)[SHEET].sheet_state == "hidden"  # LibreOffice: very hidden → hidden
    loaded = load_sources([resaved])
    assert loaded.issues == []  # every visible number still agrees with the embedded results
    assert loaded.results == [{**json.loads(json.dumps(results)), "cases": []}]


def test_an_edited_score_in_a_matrix_sheet_is_reported_too(provinces, tmp_path):
    _json, zj_book, zj = provinces["330000"]
    city = zj["cities"][0]
    book = openpyxl.load_workbook(zj_book)
    ws = book["分项得分"]
    header = next(row for row in ws.iter_rows() if any(c.value == "代码" for c in row))
    code_col = next(c.column for c in header if c.value == "代码")
    score_cell = next(c for c in header if c.column > code_col + 2 and c.value)  # the first indicator
    code = score_cell.value.split(" ")[0]
    row = next(r[0].row for r in ws.iter_rows(min_row=header[0].row + 1) if r[code_col - 1].value == city["code"])
    target = ws.cell(row, score_cell.column)
    assert target.value == city["scores"][code]
    target.value = city["scores"][code] + 1
    edited = tmp_path / "改过分项.xlsx"
    book.save(edited)
    (warning,) = load_sources([edited]).issues
    assert (warning.code, warning.sheet, warning.cell) == ("EMBED_VISIBLE_EDITED", "分项得分", target.coordinate)
    assert city["name"] in warning.message and code in warning.message


def test_exact_decimal_scores_given_to_the_writer_embed_as_numbers(tmp_path):
    from decimal import Decimal

    results = make_results(n_roster=3, n_submitted=2, seed=5)
    results["cities"][0]["total"] = Decimal(str(results["cities"][0]["total"]))
    embedded = read_embedded(write_summary(results, tmp_path / "s.xlsx")).results[0]
    assert embedded["cities"][0]["total"] == float(results["cities"][0]["total"])


def test_words_in_number_columns_are_not_taken_for_hand_edits(tmp_path):
    """A 计划单列市's rank reads 直报国家 and refused optional indicators read 待补 x.xx: the words
    the summary itself writes. Compared as numbers they were reported as hand edits (EMBED_VISIBLE_EDITED)
    on every summary of such a province; a word changed by hand still is."""
    results = make_results(province_code="330000", seed=3, n_roster=7, n_submitted=5)
    apart, pending = results["cities"][1], results["cities"][2]
    for entry in [apart] + [c for c in results["roster"] if c["code"] == apart["code"]]:
        entry["kind"] = "计划单列市"
    pending["optional_pending"] = 2.5
    path = write_summary(results, tmp_path / "汇总.xlsx")
    assert load_sources([path]).issues == []
    book = openpyxl.load_workbook(path)
    cell = next(c for row in book["总览"].iter_rows() for c in row if c.value == "直报国家")
    cell.value = "1"
    book.save(tmp_path / "改过.xlsx")
    warnings = load_sources([tmp_path / "改过.xlsx"]).issues
    assert [(w.code, w.cell) for w in warnings] == [("EMBED_VISIBLE_EDITED", cell.coordinate)]
