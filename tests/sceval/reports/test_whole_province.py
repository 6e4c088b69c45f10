"""A whole province rendered, filled and ingested: what the official sees must be true.

Every numeric column of every summary sheet is checked against the 满分 stated for it; a city
whose only return was rejected is shown as sent-but-unusable everywhere; pasted values are
flagged on both cities; a forgotten --optional or --central is said once, for the run.
"""
from __future__ import annotations

import re
from decimal import Decimal

import openpyxl
import pytest
from rich.console import Console

from sceval.cli.commands.ingest import print_run_table
from sceval.evaluate.scoring import central_points
from tests.libreoffice import libreoffice
from tests.sceval.reports.province_round import run_round

D = Decimal
CENT = D("0.005")  # values are stored as floats with 2 decimals


@pytest.fixture(scope="module")
def jiangsu(tmp_path_factory):
    return run_round(tmp_path_factory.mktemp("jiangsu"))


@pytest.fixture(scope="module")
def summary(jiangsu):
    return openpyxl.load_workbook(jiangsu.run.summary_path)


def _num(value) -> Decimal | None:
    return D(str(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _matrix_checks(ws) -> list[tuple[str, Decimal, Decimal]]:
    """(where, value, its 满分) for every number under a 满分 row (the matrices)."""
    checks, maxima = [], None
    for row in ws.iter_rows():
        labels = [c.value for c in row]
        if "满分" in labels:
            maxima = {c.column: _num(c.value) for c in row if _num(c.value) is not None}
            continue
        if all(v is None for v in labels):
            maxima = None  # a block ends at an empty row
        if maxima is None:
            continue
        for cell in row:
            value = _num(cell.value)
            if cell.column in maxima and value is not None:
                checks.append((f"{ws.title}!{cell.coordinate}", value, maxima[cell.column]))
    return checks


def _overview_checks(ws, catalog, optional) -> list[tuple[str, Decimal, Decimal]]:
    top = next(r for r in ws.iter_rows() if r[0].value == "排名")[0].row
    headers = [c.value or "" for c in ws[top]]
    limits = {}
    for col, header in enumerate(headers, start=1):
        stated = re.search(r"（([\d.]+)分）", header)
        if stated:
            limits[col] = D(stated.group(1))
    limits[headers.index("总分") + 1] = catalog.total_points
    limits[headers.index("自选指标得分") + 1] = optional.total_points
    limits[headers.index("完整度 %") + 1] = D(100)
    limits[headers.index("待补分值") + 1] = catalog.total_points
    return [(f"总览!{cell.coordinate}", _num(cell.value), limits[cell.column])
            for row in ws.iter_rows(min_row=top + 1) for cell in row
            if cell.column in limits and _num(cell.value) is not None]


def _trace_checks(ws) -> list[tuple[str, Decimal, Decimal]]:
    top = next(r for r in ws.iter_rows() if r[0].value == "城市代码")[0].row
    headers = [c.value for c in ws[top]]
    col = {name: headers.index(name) for name in ("满分", "计入总分满分", "得分率", "得分")}
    checks = []
    for row in ws.iter_rows(min_row=top + 1, values_only=True):
        if row[0] is None:
            break
        where = f"得分明细 {row[0]} {row[col['满分'] - 2]}"
        checks.append((where, _num(row[col["得分"]]), _num(row[col["满分"]])))
        checks.append((where + " 得分率", _num(row[col["得分率"]]), D(1)))
        checks.append((where + " 计入总分满分", _num(row[col["计入总分满分"]]), D(100)))
    return [c for c in checks if c[1] is not None]


def _chart_checks(ws) -> list[tuple[str, Decimal, Decimal]]:
    """The radar table's 得分率 (%) and the ranking's totals: none above 100."""
    return [(f"图表!{cell.coordinate}", _num(cell.value), D(100))
            for row in ws.iter_rows(max_col=8) for cell in row
            if _num(cell.value) is not None and cell.column > 1]


def test_no_value_in_any_summary_sheet_exceeds_its_maximum(jiangsu, summary):
    checks = _overview_checks(summary["总览"], jiangsu.catalog, jiangsu.optional)
    for sheet in ("一级指标", "二级指标", "分项得分", "自选指标"):
        found = _matrix_checks(summary[sheet])
        assert len(found) > 20, f"{sheet}: the 满分 row and the scores under it were found"
        checks += found
    checks += _trace_checks(summary["得分明细"]) + _chart_checks(summary["图表"])
    known = {"总览", "一级指标", "二级指标", "分项得分", "自选指标", "得分明细", "图表",
             "原始数据", "问题清单", "提交情况"}  # the last three hold inputs, texts and counts: no 满分
    for ws in summary.worksheets:  # a sheet added later is held to any 满分 row it states
        if ws.title not in known:
            checks += _matrix_checks(ws)
    over = [(where, value, top) for where, value, top in checks if value > top + CENT]
    assert not over, over[:10]
    assert len(checks) > 500


def test_the_best_city_reaches_each_maximum_exactly(jiangsu, summary):
    """无锡 filled every input at its best: its sub-item scores equal the 满分 row (same scale)."""
    ws = summary["分项得分"]
    rows = list(ws.iter_rows(values_only=True))
    maxima = next(r for r in rows if "满分" in r)
    wuxi = next(r for r in rows if "320200" in r)
    pairs = [(m, v) for m, v in zip(maxima, wuxi) if _num(m) is not None and _num(v) is not None]
    assert len(pairs) > 30
    assert all(_num(v) == _num(m) for m, v in pairs), [(m, v) for m, v in pairs if m != v][:5]


def test_trace_rates_are_score_over_the_same_scale(jiangsu, summary):
    ws = summary["得分明细"]
    top = next(r for r in ws.iter_rows() if r[0].value == "城市代码")[0].row
    headers = [c.value for c in ws[top]]
    sub = next(jiangsu.catalog.sub_items())
    line = next(r for r in ws.iter_rows(min_row=top + 1, values_only=True)
                if r[0] == "320200" and r[headers.index("指标代码")] == sub.code)
    assert _num(line[headers.index("满分")]) == sub.weight
    assert line[headers.index("得分率")] == 1
    second = next(s for s in jiangsu.catalog.second_levels() if sub in s.sub_items)
    assert _num(line[headers.index("计入总分满分")]) == second.weight * sub.weight / 100


def test_a_rejected_only_return_is_sent_but_unusable_in_every_view(jiangsu, summary):
    yangzhou = jiangsu.city("321000")
    assert yangzhou["status"] == "rejected" and yangzhou["file"].endswith("321000_扬州市_填报表.xls")
    assert [i["code"] for i in yangzhou["issues"]] == ["FILE_ENCRYPTED"]
    assert jiangsu.city("320700")["status"] == "missing"
    huaian = jiangsu.city("320800")  # identified by its passport, rejected for the edited weight
    assert huaian["status"] == "rejected" and "ID_TEMPLATE_EDITED" in {i["code"] for i in huaian["issues"]}
    assert huaian["file"].endswith("320800_淮安市_新型智慧城市评价填报表.xlsx")
    overview = summary["总览"]
    top = next(r for r in overview.iter_rows() if r[0].value == "排名")[0].row
    headers = [c.value for c in overview[top]]
    row = next(r for r in overview.iter_rows(min_row=top + 1, values_only=True) if r[1] == "321000")
    assert row[headers.index("状态")] == "已报送但无法采用" and row[headers.index("错误数")] == 1
    sent = [r for r in summary["提交情况"].iter_rows(values_only=True) if r[0] == "321000"]
    assert len(sent) == 1 and sent[0][1] == "扬州市" and sent[0][2] == "已报送但无法采用"
    assert sent[0][4].endswith(".xls") and "FILE_ENCRYPTED" in sent[0][6]
    edited = [r for r in summary["提交情况"].iter_rows(values_only=True) if r[0] == "320800"]
    assert len(edited) == 1 and edited[0][1:3] == ("淮安市", "已报送但无法采用") and "ID_TEMPLATE_EDITED" in edited[0][6]
    console = Console(record=True, width=200)
    print_run_table(jiangsu.run, console)
    text = console.export_text()
    line = next(t for t in text.splitlines() if "扬州市" in t and "321000" in t)
    assert "已报送但无法采用" in line and "未报送" not in line
    assert "未报送" in next(t for t in text.splitlines() if "连云港市" in t)


def test_status_words_agree_between_terminal_and_summary(jiangsu, summary):
    console = Console(record=True, width=200)
    print_run_table(jiangsu.run, console)
    terminal = console.export_text()
    overview = {r[1]: r[4] for r in summary["总览"].iter_rows(values_only=True) if r[1] and str(r[1]).isdigit()}
    for code, word in overview.items():
        assert next(t for t in terminal.splitlines() if code in t).count(word) == 1, (code, word)


def test_pasted_values_are_flagged_on_both_cities(jiangsu):
    nanjing, xuzhou = jiangsu.city("320100"), jiangsu.city("320300")
    copied = {c: [i["message"] for i in jiangsu.city(c)["issues"] if i["code"] == "INPUT_COPIED"]
              for c in ("320100", "320300", "320200", "320500")}
    assert len(copied["320100"]) == 1 and "徐州市（320300）" in copied["320100"][0]
    assert len(copied["320300"]) == 1 and "南京市（320100）" in copied["320300"][0]
    assert copied["320200"] == copied["320500"] == []
    assert nanjing["status"] == xuzhou["status"] == "submitted" and xuzhou["total"] is not None


def test_forgotten_optional_is_said_once_for_the_run(tmp_path):
    round_ = run_round(tmp_path, optional_given=False)
    codes = [i.code for i in round_.run.issues]
    assert codes.count("RUN_OPTIONAL_MISSING") == 1
    assert "--optional" in next(i.message for i in round_.run.issues if i.code == "RUN_OPTIONAL_MISSING")
    for city in round_.run.results["cities"]:
        city_codes = {i["code"] for i in city["issues"]}
        assert "ID_OTHER_OPTIONAL" not in city_codes
    pending = [i["message"] for i in round_.city("320200")["issues"] if i["code"] == "OPTIONAL_PENDING"]
    assert len(pending) == 1 and "待省级补充自选指标定义后重新计分" in pending[0]
    assert "新下发的模板" not in pending[0]


def test_forgotten_central_is_pending_not_the_citys_loss(tmp_path):
    round_ = run_round(tmp_path, central_given=False)
    assert [i.code for i in round_.run.issues].count("RUN_CENTRAL_MISSING") == 1
    pending = central_points(round_.catalog)
    assert pending > 0
    wuxi = round_.city("320200")
    assert D(str(wuxi["points_at_stake"])) == pending
    assert D(str(wuxi["total"])) + pending == round_.catalog.total_points
    assert not [i for c in round_.run.results["cities"] for i in c["issues"] if i["code"] == "CENTRAL_MISSING"]


def _feedback(jiangsu, code: str):
    path = next((jiangsu.out / "反馈").glob(f"{code}_*.xlsx"))
    return path, openpyxl.load_workbook(path)


def _named(book, name: str):
    (sheet, coordinate), = book.defined_names[name].destinations
    return book[sheet][coordinate.replace("$", "")]


def test_feedback_is_headed_with_what_the_city_sent(jiangsu):
    _, suzhou = _feedback(jiangsu, "320500")
    heading = suzhou["问题清单"]["A1"].value
    assert "文件 转发附件.zip › 320500_苏州市_新型智慧城市评价填报表.xlsx 的问题清单" in heading
    _, yangzhou = _feedback(jiangsu, "321000")
    assert "文件 321000_扬州市_填报表.xls 的问题清单" in yangzhou["问题清单"]["A1"].value


def test_another_provinces_return_gets_no_feedback_here(jiangsu):
    wenzhou = next(f for f in jiangsu.run.results["files"] if f["city"] == "330300")
    assert [i["code"] for i in wenzhou["issues"]] == ["ID_OTHER_PROVINCE"]
    assert sorted(p.name[:6] for p in (jiangsu.out / "反馈").glob("*.xlsx")) == [
        "320100", "320300", "320500", "320800", "321000"]


def test_feedback_copy_holds_what_ingest_read_and_the_official_score(jiangsu):
    from tests.sceval.reports.province_round import TEXT_COUNT_INPUT

    _, book = _feedback(jiangsu, "320500")
    assert _named(book, TEXT_COUNT_INPUT(jiangsu.catalog).name).value == 8710  # not the text "8,710"
    central = [item for _, _, item in jiangsu.catalog.inputs() if not item.city_fills]
    assert central and all(_named(book, item.name).value == 66.5 for item in central)
    rows = [r for r in book["问题清单"].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("官方计分结果"))
    block = {r[1]: r[6] for r in rows[start + 1:] if r[1]}
    assert block["总分"] == f"{jiangsu.city('320500')['total']:.2f}"
    assert block[f"秘书处统一提供：{central[0].label}"] == "66.5"


@pytest.mark.libreoffice
@libreoffice[1]
def test_feedback_preview_agrees_with_the_official_score_when_recalculated(jiangsu):
    """LibreOffice recalculates the copy's own formulas: its cover total is the official one."""
    from sctemplates.layout import TOTAL_SCORE
    from tests.libreoffice import recalculated_values

    path, _ = _feedback(jiangsu, "320500")
    live = recalculated_values(path)[TOTAL_SCORE]
    assert abs(D(str(live)) - D(str(jiangsu.city("320500")["total"]))) <= D("0.01")


def test_every_summary_sheet_prints_landscape_with_its_header_repeated(summary):
    """One page wide when that stays readable; wider sheets across pages, city columns repeated."""
    from sceval.reports.summary.style import PAGE_WIDE_COLUMNS

    for ws in summary.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        if ws.max_column <= PAGE_WIDE_COLUMNS or ws.title == "原始数据":
            assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.title
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        else:
            assert ws.print_title_cols, ws.title
        if ws.title != "图表":  # the charts sheet has no table header to repeat
            assert ws.print_title_rows, ws.title
    assert summary["分项得分"].max_column > PAGE_WIDE_COLUMNS >= summary["总览"].max_column
    assert summary["分项得分"].print_title_cols and summary["得分明细"].print_title_cols


def test_ledger_invalidate_says_the_outputs_change_on_the_next_ingest(jiangsu, tmp_path):
    import shutil

    from typer.testing import CliRunner

    from sceval.cli.app import app

    ledger = shutil.copy(jiangsu.out / "ledger.sqlite", tmp_path / "ledger.sqlite")
    sha = jiangsu.city("320300")["sha256"]
    result = CliRunner().invoke(app, ["ledger", "invalidate", sha[:12], "--why", "误用南京市数据",
                                      "--ledger", str(ledger)])
    assert result.exit_code == 0, result.output
    assert "已作废" in result.output
    flat = result.output.replace("\n", "")
    assert "还没有 results.json" in flat and "下次运行 sceval ingest 时生效" in flat  # a ledger alone


def _roster_csv(jiangsu, folder):
    roster = folder / "名单.csv"
    roster.write_text("代码,名称,类型\n" + "".join(f"{c.code},{c.name},{c.kind}\n" for c in jiangsu.roster.cities),
                      encoding="utf-8")
    return roster


def test_cli_forgotten_optional_exits_non_zero_and_says_it_once(jiangsu, tmp_path):
    from typer.testing import CliRunner

    from sceval.cli.app import app

    roster = _roster_csv(jiangsu, tmp_path)
    result = CliRunner().invoke(app, ["ingest", str(jiangsu.inbox), "--roster", str(roster),
                                      "--out", str(tmp_path / "结果"), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert result.output.count("RUN_OPTIONAL_MISSING") == 1 and "--optional" in result.output
    assert "ID_OTHER_OPTIONAL" not in result.output and "新下发的模板" not in result.output


def test_overview_colours_each_score_against_its_own_maximum(jiangsu, summary):
    """A relative colour scale painted L7 2.94 of 4 (73.5 %) red; bands are score ÷ 满分."""
    ws = summary["总览"]
    rules = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    assert not [r for _, r in rules if r.type == "colorScale"]
    formulas = " ".join(f for _, r in rules if r.type == "expression" for f in r.formula)
    for first in jiangsu.catalog.first_levels():
        assert f"/{first.weight}>=0.8" in formulas and f"/{first.weight}>=0.6" in formulas
    assert f"/{jiangsu.catalog.total_points}>=0.8" in formulas


def test_ledger_invalidate_rerun_brings_results_and_summary_up_to_date(jiangsu, tmp_path):
    import json

    from typer.testing import CliRunner

    from sceval.cli.app import app
    from sceval.demo.round import DEMO_INPUTS, INPUTS_DIR

    roster = _roster_csv(jiangsu, tmp_path)
    out = tmp_path / "结果"
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(jiangsu.inbox), "--roster", str(roster), "--out", str(out),
                                "--optional", str(INPUTS_DIR / DEMO_INPUTS["optional"]), "--jobs", "1"])
    assert first.exit_code == 0, first.output
    before = json.loads((out / "results.json").read_text(encoding="utf-8"))
    xuzhou = next(c for c in before["cities"] if c["code"] == "320300")
    assert xuzhou["status"] == "submitted"
    again = runner.invoke(app, ["ledger", "invalidate", xuzhou["sha256"][:12], "--why", "误用南京市数据",
                                "--out", str(out), "--rerun"])
    assert again.exit_code == 0, again.output
    assert "按上次的参数重新运行" in again.output
    after = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert next(c for c in after["cities"] if c["code"] == "320300")["status"] == "missing"
    assert next(f for f in after["files"] if f["city"] == "320300")["status"] == "invalidated"
