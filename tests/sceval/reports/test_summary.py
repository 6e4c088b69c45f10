"""The summary workbook: written for real, read back with openpyxl, checked against the results."""
from __future__ import annotations

import json
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.reports.summary.workbook import write_summary
from sctemplates.catalog import load_catalog
from sctemplates.methods import round_score
from sctemplates.roster import City, Roster
from tests.libreoffice import libreoffice, to_pdf
from tests.sceval.results_factory import make_results

D = Decimal


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def results():
    return make_results(n_roster=6, n_submitted=4)


@pytest.fixture(scope="module")
def book(tmp_path_factory, results):
    path = write_summary(results, tmp_path_factory.mktemp("summary") / "汇总表.xlsx")
    return openpyxl.load_workbook(path)


def header_row(ws, first: str) -> int:
    for row in ws.iter_rows(min_row=1, max_row=10):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"no header starting with {first} in {ws.title}")


def table(ws, first: str) -> tuple[list[str], list[dict]]:
    """Header texts and the rows under them (until the first empty row) as dicts."""
    top = header_row(ws, first)
    headers = [c.value for c in ws[top]]
    rows = []
    for cells in ws.iter_rows(min_row=top + 1, values_only=True):
        if all(v is None for v in cells):
            break
        rows.append(dict(zip(headers, cells)))
    return headers, rows


def city(results, code):
    return next(c for c in results["cities"] if c["code"] == code)


def test_all_sheets_present(book):
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]  # not the embedded results
    assert visible == ["总览", "一级指标", "二级指标", "分项得分", "原始数据", "自选指标",
                               "问题清单", "提交情况", "得分明细", "图表"]


def test_overview_lists_every_roster_city_with_its_numbers(book, results, catalog):
    _, rows = table(book["总览"], "排名")
    by_code = {r["代码"]: r for r in rows}
    assert set(by_code) == {c["code"] for c in results["roster"]}
    for entry in results["cities"]:
        row = by_code[entry["code"]]
        if entry["status"] == "missing":
            assert row["状态"] == "未报送" and row["总分"] is None and row["排名"] is None
            continue
        assert D(str(row["总分"])) == D(str(entry["total"]))
        for first in catalog.first_levels():
            header = f"{first.code} {first.name}\n（{first.weight}分）"
            assert D(str(row[header])) == D(str(entry["scores"][first.code]))
        assert row["错误数"] == sum(1 for i in entry["issues"] if i["severity"] == "error")
        assert row["成熟度阶段"] == catalog.maturity_stage(D(str(entry["total"])))
    assert by_code[results["cities"][1]["code"]]["状态"] == "有错误"


def test_overview_ranks_best_first_and_ties_share_a_rank(book):
    _, rows = table(book["总览"], "排名")
    totals = [r["总分"] for r in rows if r["总分"] is not None]
    assert totals == sorted(totals, reverse=True)
    assert [r["排名"] for r in rows if r["排名"] is not None] == list(range(1, len(totals) + 1))


def test_overview_statistics_rows_over_submitted_cities(book, results):
    ws = book["总览"]
    labels = {row[2].value: row for row in ws.iter_rows() if row[2].value in ("平均值", "中位数",
                                                                               "最高分", "最低分")}
    totals = sorted(D(str(c["total"])) for c in results["cities"] if c["total"] is not None)
    col = [c.value for c in ws[header_row(ws, "排名")]].index("总分")
    assert D(str(labels["平均值"][col].value)) == round_score(sum(totals) / len(totals))
    assert D(str(labels["最高分"][col].value)) == totals[-1]
    assert D(str(labels["最低分"][col].value)) == totals[0]
    middle = (totals[1] + totals[2]) / 2  # four submitted cities
    assert D(str(labels["中位数"][col].value)) == round_score(middle)


def test_overview_title_freeze_filter_and_formats(book, results):
    ws = book["总览"]
    assert "浙江省" in ws["A1"].value
    assert results["catalog"]["fingerprint"] in ws["A2"].value
    assert "暂定" in ws["A3"].value  # the 2016 catalog has provisional sub-items
    top = header_row(ws, "排名")
    assert ws.freeze_panes == f"D{top + 1}"  # header and 排名-代码-名称 stay
    assert ws.auto_filter.ref.startswith(f"A{top}:")
    assert ws.cell(top + 1, 6).number_format == "0.00"
    assert len(ws.conditional_formatting) >= 9  # total and the 8 first-level colour scales


def test_maturity_bands_come_from_the_catalog():
    bands = load_catalog().maturity_bands
    names = [b.name for b in bands]
    assert names == ["准备期", "起步期", "成长期", "成熟期"]
    stage = load_catalog().maturity_stage
    for band in bands:
        assert stage(band.low) == band.name
    assert stage(D("54.99")) == "准备期"
    assert stage(D("100.00")) == "成熟期"
    assert stage(None) == ""


@pytest.mark.parametrize("sheet", ["一级指标", "二级指标", "分项得分"])
def test_matrices_match_results_and_show_each_maximum(book, results, catalog, sheet):
    ws = book[sheet]
    top = header_row(ws, "排名")
    headers = [c.value for c in ws[top]]
    maxima = dict(zip(headers, [c.value for c in ws[top + 1]]))
    expected_max = {}
    for second in catalog.second_levels():
        expected_max[second.code] = second.weight
        for sub in second.sub_items:
            expected_max[sub.code] = sub.weight  # official scale: out of its weight
    for first in catalog.first_levels():
        expected_max[first.code] = first.weight
    codes = [h.split(" ")[0] for h in headers[4:]]
    for header, code in zip(headers[4:], codes):
        assert D(str(maxima[header])) == round_score(expected_max[code])
    for row in ws.iter_rows(min_row=top + 2, values_only=True):
        if row[1] is None:
            break
        entry = city(results, row[1])
        for code, value in zip(codes, row[4:]):
            expected = (entry["scores"] or {}).get(code)
            assert (value is None) if expected is None else D(str(value)) == D(str(expected))
    assert ws.conditional_formatting, "score cells are coloured by 得分率"


def test_sub_item_matrix_has_every_scored_leaf(book, catalog):
    ws = book["分项得分"]
    headers = [c.value for c in ws[header_row(ws, "排名")]][4:]
    leaves = [s.code for s in catalog.sub_items()]
    leaves += [s.code for s in catalog.second_levels() if s.method]
    assert sorted(h.split(" ")[0] for h in headers) == sorted(leaves)


def test_formula_like_remark_stays_text(book, results):
    ws = book["原始数据"]
    remark = next(c for c in results["cities"] if c["remarks"])
    sub_code, text = next(iter(remark["remarks"].items()))
    assert text == "=1+1"
    top = header_row(ws, "城市代码")
    col = [c.value for c in ws[top]].index(f"{sub_code}\n说明") + 1
    row = next(r[0].row for r in ws.iter_rows(min_row=top + 1) if r[0].value == remark["code"])
    cell = ws.cell(row, col)
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_raw_data_has_every_input_value(book, results, catalog):
    _, rows = table(book["原始数据"], "城市代码")
    entry = results["cities"][0]
    row = next(r for r in rows if r["城市代码"] == entry["code"])
    for second, sub, item in catalog.inputs():
        unit = f"（{item.unit}）" if item.unit else ""
        header = f"{(sub or second).code}\n{item.label}{unit}"
        assert row[header] == entry["inputs"][item.name]


def test_optional_sheet_has_optional_scores(book, results):
    ws = book["自选指标"]
    top = header_row(ws, "排名")
    headers = [c.value for c in ws[top]]
    names = {s["code"]: s["name"] for s in
             results["optional_catalog"]["indicators"][0]["children"][0]["sub_items"]}
    code = next(iter(names))
    col = headers.index(f"{code} {names[code]}")
    entry = results["cities"][0]
    row = next(r for r in ws.iter_rows(min_row=top + 2) if r[1].value == entry["code"])
    assert D(str(row[col].value)) == D(str(entry["scores"][code]))


def test_issue_list_in_chinese_with_filter(book, results):
    ws = book["问题清单"]
    _, rows = table(ws, "城市代码")
    expected = [i for f in results["files"] for i in f["issues"]]
    assert len(rows) == len(expected) > 0
    assert {r["严重程度"] for r in rows} == {"错误", "警告"}
    assert rows[0]["单元格"] == expected[0]["cell"] and rows[0]["说明"] == expected[0]["message"]
    assert ws.auto_filter.ref


def test_submissions_show_missing_and_superseded(book, results):
    _, rows = table(book["提交情况"], "城市代码")
    missing = [c["code"] for c in results["cities"] if c["status"] == "missing"]
    assert {r["城市代码"] for r in rows if r["文件处理"] == "未收到报送"} == set(missing)
    first = results["cities"][0]["code"]
    twice = [r for r in rows if r["城市代码"] == first]
    assert len(twice) == 2 and all(r["收到文件数"] == 2 for r in twice)
    assert any("替代" in r["文件处理"] for r in twice) and any("计入" == r["文件处理"][:2] for r in twice)
    assert all(len(r["SHA-256"]) == 64 for r in twice)


def test_trace_adds_up_level_by_level(book, results, catalog):
    _, rows = table(book["得分明细"], "城市代码")
    entry = results["cities"][0]
    mine = {r["指标代码"]: r for r in rows if r["城市代码"] == entry["code"]}
    assert D(str(mine["总分"]["得分"])) == D(str(entry["total"]))
    for first in catalog.first_levels():
        parts = sum(D(str(mine[s.code]["得分"])) for s in first.children)
        assert D(str(mine[first.code]["得分"])) == round_score(parts)
    sub = next(catalog.sub_items())
    assert str(entry["inputs"][sub.inputs[0].name]) in mine[sub.code]["填报数据"]


def test_native_charts_present(tmp_path, results):
    path = write_summary(results, tmp_path / "s.xlsx")
    with zipfile.ZipFile(path) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/charts/chart")]
    assert len(charts) == 3
    assert any("<c:barChart>" in c for c in charts)
    assert any("<c:radarChart>" in c for c in charts)
    assert any("<c:barDir val=\"col\"/>" in c for c in charts)
    assert not list(tmp_path.glob(".tmp-*")), "atomic write leaves no temporary file"


def test_two_province_merge_with_rosters(tmp_path):
    zhejiang = make_results(n_roster=5, n_submitted=3, seed=3)
    jiangsu = make_results(province_code="320000", n_roster=4, n_submitted=2, seed=4,
                           optional=False)
    extra = Roster("330000", "浙江省", (City("339900", "新增市", "地级市"),))
    absent = Roster("110000", "北京市", (City("110100", "北京市", "直辖市"),))
    path = write_summary([zhejiang, jiangsu], tmp_path / "全国.xlsx", rosters=[extra, absent])
    book = openpyxl.load_workbook(path)
    _, rows = table(book["总览"], "排名")
    assert "全国" in book["总览"]["A1"].value
    assert {r["省份"] for r in rows} == {"浙江省", "江苏省", "北京市"}
    assert len(rows) == 5 + 4 + 1 + 1
    assert {r["代码"] for r in rows if r["状态"] == "未报送"} == {
        "330400", "330500", "320300", "320400", "339900", "110100"}
    ranks = [r["排名"] for r in rows if r["排名"] is not None]
    assert ranks == list(range(1, 6))
    _, trace = table(book["得分明细"], "省份")
    assert {r["省份"] for r in trace} == {"浙江省", "江苏省"}


def test_cli_summary_builds_from_results_files(tmp_path):
    files = []
    for code, seed in (("330000", 5), ("320000", 6)):
        files.append(tmp_path / f"{code}.json")
        files[-1].write_text(json.dumps(make_results(province_code=code, seed=seed),
                                        ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out" / "汇总.xlsx"
    result = CliRunner().invoke(app, ["summary", *map(str, files), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "汇总" in result.output and out.is_file()
    assert openpyxl.load_workbook(out, read_only=True)["总览"]["A1"].value.startswith("新型")


def test_cli_summary_refuses_a_broken_results_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["summary", str(bad), "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.libreoffice
@libreoffice[1]
def test_libreoffice_opens_the_summary(tmp_path, results):
    path = write_summary(results, tmp_path / "in" / "summary.xlsx")
    pdf = to_pdf(path, tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000


def test_unidentified_rejected_file_is_reported(tmp_path):
    results = make_results(n_roster=3, n_submitted=2, seed=7)
    problem = {"code": "FILE_NOT_XLSX", "severity": "error", "sheet": "", "cell": "",
               "indicator": "", "message": "文件 报表.xlsx 不是 .xlsx 工作簿"}
    results["files"].append({"path": "inbox/报表.xlsx", "sha256": "f" * 64, "size": 10,
                             "received_at": "2016-11-21T08:00:00+08:00", "status": "rejected",
                             "city": None, "issues": [problem]})
    book = openpyxl.load_workbook(write_summary(results, tmp_path / "s.xlsx"))
    _, submissions = table(book["提交情况"], "城市代码")
    stray = [r for r in submissions if r["文件"] == "inbox/报表.xlsx"]
    assert len(stray) == 1 and stray[0]["城市名称"] == "（未识别城市）"
    assert "拒收" in stray[0]["文件处理"] or "无法使用" in stray[0]["文件处理"]
    _, issues = table(book["问题清单"], "城市代码")
    assert any(r["问题代码"] == "FILE_NOT_XLSX" and r["城市代码"] in (None, "") for r in issues)


def test_roster_only_round_lists_everyone_as_missing(tmp_path):
    roster = Roster("330000", "浙江省", (City("330100", "杭州市", "副省级市"),
                                         City("330200", "宁波市", "计划单列市")))
    book = openpyxl.load_workbook(write_summary([], tmp_path / "s.xlsx", rosters=roster))
    _, rows = table(book["总览"], "排名")
    assert [(r["代码"], r["状态"], r["总分"]) for r in rows] == [
        ("330100", "未报送", None), ("330200", "未报送", None)]
    assert "自选指标" not in book.sheetnames


def test_rejected_file_names_its_error_codes(tmp_path):
    results = make_results(n_roster=2, n_submitted=1, seed=8)
    results["files"].append({
        "path": "inbox/杭州_旧模板.xlsx", "sha256": "e" * 64, "size": 10, "received_at": "",
        "status": "rejected", "city": results["cities"][0]["code"],
        "issues": [{"code": "ID_OTHER_CATALOG", "severity": "error", "sheet": "", "cell": "",
                    "indicator": "", "message": "模板由旧目录生成"}]})
    book = openpyxl.load_workbook(write_summary(results, tmp_path / "s.xlsx"))
    _, rows = table(book["提交情况"], "城市代码")
    rejected = next(r for r in rows if r["文件"] == "inbox/杭州_旧模板.xlsx")
    assert rejected["错误代码"] == "ID_OTHER_CATALOG" and rejected["收到文件数"] == 3
