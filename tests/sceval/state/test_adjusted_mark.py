"""A total that includes review adjustments is marked where officials read totals: the summary's
总览 (审核调整 column beside 总分, a note under the table) and the report's table of cities (表1),
with the count of adjusted values from results.json; blank for other cities; gone after undo.

A real three-city round ingested with workbooks; adjustments and undo through the library; the
summary read back with openpyxl, the report with python-docx, the state checked by verify.
"""
from __future__ import annotations


import openpyxl
import pytest
from docx import Document

from sceval.api import load_results
from sceval.reports.report import write_report
from sceval.review.adjustments import Request
from sceval.state.adjusting import record_adjustments, undo_adjustment
from sceval.state.verify import verify_folder
from tests.sceval.state.round_helpers import CITIES, NUM, copied_folder, run_ingest, write_returns

DEN = "SC_L1P1_A1_DEN"
REPORT = "评价工作报告.docx"
MARK = "审核调整"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    out = tmp_path_factory.mktemp("round") / "out"
    run_ingest(write_returns(tmp_path_factory.mktemp("returns")), out)
    return out


@pytest.fixture
def out(ingested, tmp_path):
    return copied_folder(ingested, tmp_path)


def overview(out) -> tuple[dict[str, object], list[str]]:
    """city code -> its 审核调整 cell on 总览, and the texts written under the table."""
    (path,) = sorted(out.glob("汇总_*.xlsx"))
    rows = list(openpyxl.load_workbook(path, read_only=True)["总览"].iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if "代码" in row)
    header = rows[at]
    assert header[header.index("总分") + 1] == MARK  # beside the total it qualifies
    marks = {row[header.index("代码")]: row[header.index(MARK)] for row in rows[at + 1:] if row[header.index("代码")]}
    notes = [str(row[0]) for row in rows[at + 1:] if row and str(row[0] or "").startswith("说明")]
    return marks, notes


def report_table(out) -> tuple[dict[str, str], list[str]]:
    """The report written now from results.json: city -> its 审核调整 cell in 表1, and the paragraphs."""
    document = Document(str(write_report([out / "results.json"], out=out / REPORT)))
    table = document.tables[0]
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["序号", "城市", "类型", "报送状态", "报送日期", "总分", MARK]
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    return {row[1]: row[header.index(MARK)] for row in rows}, [p.text for p in document.paragraphs]


def assert_verifies(out) -> None:
    verdict = verify_folder(out)
    assert verdict.ok, [d.message() for d in verdict.disagreements][:5]


def test_adjusted_cities_are_marked_with_their_count_and_undo_clears_the_mark(out):
    first, second, third = CITIES
    recorded = record_adjustments(out, [Request(first.code, NUM, "1200", "电话核实"),
                                        Request(first.code, DEN, "2400", "电话核实"),
                                        Request(third.code, NUM, "900", "佐证材料更正")])
    marks, notes = overview(out)
    assert (marks[first.code], marks[third.code]) == ("2 项", "1 项")
    assert marks[second.code] in ("", None) and "0 项" not in marks.values()  # blank, never "0 项"
    (note,) = [n for n in notes if MARK in n]
    assert f"（{first.name}、{third.name}）" in note or f"（{third.name}、{first.name}）" in note
    shown, paragraphs = report_table(out)
    assert (shown.pop(first.name), shown.pop(third.name)) == ("2 项", "1 项")
    assert set(shown.values()) == {""}  # every other city of 表1 (宁波, reporting to the nation, is not in it)
    assert any(p.startswith("注：“审核调整”列") and first.name in p for p in paragraphs)
    assert_verifies(out)

    undo_adjustment(out, recorded.adjustments[1].id, "误调")  # one of the first city's two
    assert overview(out)[0][first.code] == "1 项"
    for made in (recorded.adjustments[0], recorded.adjustments[2]):
        undo_adjustment(out, made.id, "误调")
    marks, notes = overview(out)
    assert all(mark in ("", None) for mark in marks.values()) and not [n for n in notes if MARK in n]
    shown, paragraphs = report_table(out)
    assert set(shown.values()) == {""} and not [p for p in paragraphs if p.startswith("注：“审核调整”列")]
    assert_verifies(out)


def test_verify_names_a_report_whose_mark_is_stale(out):
    """A report written before the adjustment has the same header (the column is always there),
    so verify compares its 审核调整 cells and names the one that should now read "1 项"."""
    city = CITIES[0]
    report_table(out)  # written from the state before the adjustment
    record_adjustments(out, [Request(city.code, NUM, "1200", "电话核实")])
    stale = [d for d in verify_folder(out).disagreements if d.file.endswith(REPORT)]
    assert any(d.where.endswith("第 7 列") and (d.shown, d.recomputed) == ("（空）", "1 项") for d in stale), stale
    report_table(out)
    assert_verifies(out)


def test_the_analysts_tables_carry_the_count_from_results_and_from_the_summary(out):
    city = CITIES[0]
    record_adjustments(out, [Request(city.code, NUM, "1200", "电话核实"), Request(city.code, DEN, "2400", "电话核实")])
    (summary,) = sorted(out.glob("汇总_*.xlsx"))
    for source in (out / "results.json", summary):
        loaded = load_results(source)
        counts = dict(zip(loaded.cities["城市代码"], loaded.cities["审核调整项数"]))
        assert counts[city.code] == 2 and counts[CITIES[1].code] is None, source
        assert "EMBED_VISIBLE_EDITED" not in set(loaded.issues["问题代码"])  # the mark is not a hand edit


def test_the_city_is_told_its_total_includes_the_review_adjustment(out):
    """The city reads its total in the feedback workbook and in the mail's body: both say the
    province's review changed a value, as 总览 and the report do."""
    import email
    import email.policy

    from sctemplates.province import default_province
    from sceval.mail.letters import feedback_letters
    from tests.sceval.state.round_helpers import ROSTER, feedback_path, feedback_total

    city = CITIES[0]
    record_adjustments(out, [Request(city.code, NUM, "1200", "电话核实")])
    total = next(c for c in load_results(out / "results.json").cities.itertuples() if c.城市代码 == city.code).总分
    book = openpyxl.load_workbook(feedback_path(out, city), read_only=True)
    labels = [row[1] for row in book["问题清单"].iter_rows(values_only=True) if len(row) > 6 and row[6] == f"{total:.2f}"]
    assert labels == ["总分（含审核调整 1 项）"] and feedback_total(feedback_path(out, city)) == f"{total:.2f}"
    (letter,) = [o for o in feedback_letters(out, default_province(ROSTER), ROSTER) if o.city_code == city.code]
    body = email.message_from_bytes(letter.message.as_bytes(), policy=email.policy.default).get_body(("plain",)).get_content()
    assert f"按目前报送的数据（含省级审核调整 1 项，见附件问题清单），你市得分 {total:.2f} 分" in body
    assert_verifies(out)
