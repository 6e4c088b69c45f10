"""Issue 20 defects 6 and 7, issue 21 item 18: where a case's city came from, a warning naming each
source when they disagree, and a PDF print of the fill-in workbook is not a case."""
from __future__ import annotations

from pathlib import Path

import pytest

from sceval.cases import check_case_file
from sceval.cases.check import check_cases
from sceval.cases.props import with_custom_properties
from sctemplates.layout import PASSPORT_PROPERTY_PREFIX
from tests.sceval.cases.factory import CaseBuilder
from tests.libreoffice import needs_soffice, to_pdf
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang

ROSTER = zhejiang()


def _case(title: str, body: str) -> CaseBuilder:
    builder = CaseBuilder("builtin")
    builder.title(title)
    builder.heading("背景与需求", 1, "一、")
    builder.para(body)
    builder.heading("主要做法", 1, "二、")
    builder.para(f"{body}统筹建设社区服务平台。")
    builder.heading("特色亮点", 1, "三、")
    builder.heading("应用成效", 1, "四、")
    return builder


def _disagrees(record) -> str:
    [message] = [i.message for i in record.issues if i.code == "CASE_CITY_DISAGREES"]
    return message


def test_a_case_named_for_one_city_but_written_about_another_is_flagged(tmp_path):
    """广东: 441300_惠州市_….docx titled and written about 中山市 (here 杭州 and 宁波)."""
    path = _case("宁波市智慧社区建设实践", "宁波市海曙区推进智慧社区建设，宁波市民办事更方便。").save(
        tmp_path / "330100_杭州市_优秀案例.docx")
    record = check_case_file(path, roster=ROSTER)
    assert record.city == {"code": "330100", "name": "杭州市"} and record.city_basis == "file_name"
    assert record.city_sources == {"file_name": {"code": "330100", "name": "杭州市"},
                                   "title": {"code": "330200", "name": "宁波市"},
                                   "text": {"code": "330200", "name": "宁波市"}}
    message = _disagrees(record)
    assert "文件名为杭州市" in message and "标题为宁波市" in message and "正文为宁波市" in message
    assert "已按文件名计为杭州市" in message and record.as_dict()["city_sources"] == record.city_sources


def test_properties_name_and_text_each_naming_another_city_are_all_named(tmp_path):
    """Issue 21.18: named 温州, properties say 宁波, text says 杭州 — attributed to 宁波 with no issue."""
    path = _case("城市大脑建设实践", "杭州市建设城市大脑，杭州市交通拥堵指数下降。").save(tmp_path / "plain.docx")
    passport = {PASSPORT_PROPERTY_PREFIX + "city_code": "330200", PASSPORT_PROPERTY_PREFIX + "city_name": "宁波市"}
    target = tmp_path / "330300_温州市_案例.docx"
    target.write_bytes(with_custom_properties(path.read_bytes(), passport))
    record = check_case_file(target, roster=ROSTER)
    assert record.city == {"code": "330200", "name": "宁波市"} and record.city_basis == "passport"
    message = _disagrees(record)
    for said in ("文档属性（模板标识）为宁波市", "文件名为温州市", "正文为杭州市", "已按文档属性（模板标识）计为宁波市"):
        assert said in message, said
    assert record.status == "warnings"


def test_sources_that_agree_say_nothing(tmp_path):
    path = _case("杭州城市大脑", "杭州市建设城市大脑，服务杭州市民。").save(tmp_path / "330100_杭州市_案例.docx")
    record = check_case_file(path, roster=ROSTER)
    assert record.city_basis == "file_name" and set(record.city_sources) == {"file_name", "title", "text"}
    assert "CASE_CITY_DISAGREES" not in {i.code for i in record.issues}


def _pdf(path: Path, creator: bytes) -> Path:
    path.write_bytes(b"%PDF-1.4\n1 0 obj<</Creator " + creator + b">>endobj\ntrailer<</Info 1 0 R>>\n%%EOF\n")
    return path


def test_a_pdf_print_of_the_workbook_is_not_a_case_and_a_pdf_case_keeps_its_city(tmp_path):
    """广东: 潮州 mailed a PDF print of its return; the report said 9 cases were checked when 8 were sent."""
    inbox = tmp_path / "收件"
    _case("杭州城市大脑", "杭州市建设城市大脑。").save(inbox / "330100_杭州市_案例.docx")
    _pdf(inbox / "330400_嘉兴市.pdf", b"(Microsoft\\256 Excel\\256 2016)")  # Excel's "Save as PDF"
    _pdf(inbox / "330500_湖州市_新型智慧城市评价填报表.pdf", b"(Writer)")  # named as the fill-in workbook
    _pdf(inbox / "330300_温州市_案例.pdf", b"<FEFF00570072006900740065007200>")  # a case, as PDF (Writer)
    report = check_cases([inbox], roster=ROSTER, every_named_file=False)
    kept = {Path(r.file).name: r for r in report.files}
    assert set(kept) == {"330100_杭州市_案例.docx", "330300_温州市_案例.pdf"}
    assert sorted(Path(name).name for name in report.not_cases) == ["330400_嘉兴市.pdf", "330500_湖州市_新型智慧城市评价填报表.pdf"]
    pdf_case = kept["330300_温州市_案例.pdf"]
    assert [i.code for i in pdf_case.issues] == ["CASE_PDF"]
    assert pdf_case.city == {"code": "330300", "name": "温州市"} and pdf_case.city_basis == "file_name"


@pytest.mark.libreoffice
@needs_soffice
def test_a_libreoffice_pdf_of_a_rendered_return_is_not_a_case(tmp_path):
    city = ROSTER.cities[0]
    filled = fill(render(base_catalog(), city, ROSTER, tmp_path), tmp_path / "填好.xlsx", valid_values(base_catalog()))
    printed = to_pdf(filled, tmp_path / "pdf")
    sent = tmp_path / "收件" / f"{city.code}_{city.name}.pdf"  # a name that does not say 填报表
    sent.parent.mkdir()
    sent.write_bytes(printed.read_bytes())
    report = check_cases([sent.parent], roster=ROSTER, every_named_file=False)
    assert report.files == [] and [Path(name).name for name in report.not_cases] == [sent.name]


def test_the_summary_case_sheet_says_where_each_city_came_from(tmp_path):
    import openpyxl

    from sceval.reports.summary.workbook import write_summary
    from tests.sceval.results_factory import make_results

    path = _case("宁波市智慧社区建设实践", "宁波市推进智慧社区建设。").save(tmp_path / "330100_杭州市_优秀案例.docx")
    cases = check_cases([path], roster=ROSTER)
    results = dict(make_results(province_code="330000", n_roster=3, n_submitted=1), cases=cases.as_dict())
    sheet = openpyxl.load_workbook(write_summary(results, tmp_path / "汇总.xlsx"), read_only=True)["优秀案例"]
    rows = list(sheet.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "城市代码")
    assert rows[head][11] == "城市依据" and rows[head + 1][11] == "文件名"
    assert "标题为宁波市" in rows[head + 1][9]
