"""The feedback copy: the city's own workbook with problems highlighted, commented and listed."""
from __future__ import annotations

import hashlib

import openpyxl
import pytest
from openpyxl.comments import Comment

from sceval.reports.feedback import LIST_SHEET, write_feedback
from sctemplates.issues import issue
from tests.libreoffice import libreoffice, to_pdf


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def city_file(tmp_path):
    """A small city return: a protected sheet, a merged title, a cell the city commented."""
    workbook = openpyxl.Workbook()
    base = workbook.active
    base.title = "基础指标"
    base.merge_cells("B2:D2")
    base["B2"] = "惠民服务"
    base["E12"] = "很多"
    base["E20"] = 123456
    base["E30"] = 7
    base["E30"].comment = Comment("城市自己的批注", "城市")
    base.protection.sheet = True
    base.protection.password = "secret"
    workbook.create_sheet("填报信息")["B3"] = "张三"
    path = tmp_path / "in" / "330100_杭州市_新型智慧城市评价填报表.xlsx"
    path.parent.mkdir()
    workbook.save(path)
    return path


@pytest.fixture
def issues():
    return [
        issue("VAL_NOT_NUMBER", "基础指标!E12 应填写数字，实际为“很多”", sheet="基础指标",
              cell="E12", indicator="L1P1-A1"),
        {"code": "OUTLIER", "severity": "warning", "sheet": "基础指标", "cell": "E20",
         "indicator": "L1P1-A2", "message": "=1+1 明显偏高"},
        {"code": "PARSE_WHITESPACE", "severity": "info", "sheet": "基础指标", "cell": "C2",
         "indicator": "", "message": "首尾空格已去除"},
        {"code": "VAL_MISSING", "severity": "error", "sheet": "基础指标", "cell": "E30",
         "indicator": "L1P2-A1", "message": "必填"},
        {"code": "ID_SHEET_MISSING", "severity": "error", "sheet": "自选指标", "cell": "E5",
         "indicator": "", "message": "缺少工作表 自选指标"},
    ]


@pytest.fixture
def feedback(tmp_path, city_file, issues):
    before = sha256(city_file)
    out = write_feedback(city_file, issues, tmp_path / "out" / "反馈.xlsx")
    assert sha256(city_file) == before, "the city's original file is never modified"
    return openpyxl.load_workbook(out)


def test_list_sheet_comes_first_and_is_active(feedback):
    assert feedback.sheetnames == [LIST_SHEET, "基础指标", "填报信息"]
    assert feedback.active.title == LIST_SHEET


def test_problem_cells_are_commented_and_filled_by_severity(feedback):
    base = feedback["基础指标"]
    assert "VAL_NOT_NUMBER" in base["E12"].comment.text
    assert "【错误】" in base["E12"].comment.text
    assert base["E12"].fill.fgColor.rgb.endswith("FFC7CE")
    assert base["E20"].fill.fgColor.rgb.endswith("FFEB9C")
    assert "OUTLIER" in base["E20"].comment.text


def test_merged_cell_issue_lands_on_the_merged_area(feedback):
    assert "PARSE_WHITESPACE" in feedback["基础指标"]["B2"].comment.text


def test_city_comment_is_kept(feedback):
    text = feedback["基础指标"]["E30"].comment.text
    assert "城市自己的批注" in text and "VAL_MISSING" in text


def test_protection_is_kept(feedback):
    assert feedback["基础指标"].protection.sheet


def test_list_links_to_each_cell(feedback, issues):
    ws = feedback[LIST_SHEET]
    rows = list(ws.iter_rows(min_row=3))
    assert len(rows) == len(issues)
    first = rows[0]
    assert first[2].value == "VAL_NOT_NUMBER" and first[1].value == "错误"
    assert first[7].hyperlink.location == "'基础指标'!E12"
    assert rows[2][7].hyperlink.location == "'基础指标'!B2"  # merged area's top-left
    assert rows[4][7].hyperlink is None and "不存在" in rows[4][7].value
    assert rows[1][6].value == "=1+1 明显偏高" and rows[1][6].data_type == "s"
    assert ws.auto_filter.ref == "A2:H7"


def test_refuses_to_overwrite_the_original(city_file, issues):
    with pytest.raises(ValueError):
        write_feedback(city_file, issues, city_file)


def test_unreadable_file_still_gets_its_list(tmp_path, issues):
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    out = write_feedback(broken, issues, tmp_path / "反馈.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [LIST_SHEET]
    assert book[LIST_SHEET].max_row == len(issues) + 2


@pytest.mark.libreoffice
@libreoffice[1]
def test_libreoffice_opens_the_feedback_copy(tmp_path, city_file, issues):
    out = write_feedback(city_file, issues, tmp_path / "fb" / "反馈.xlsx")
    assert to_pdf(out, tmp_path / "pdf").stat().st_size > 1000


def test_feedback_on_a_real_rendered_template(tmp_path):
    """A template as render writes it: protected sheets, validations, names, hidden passport."""
    from sctemplates.catalog import load_catalog
    from sctemplates.layout import SHEET_BASE, SHEET_PASSPORT
    from sctemplates.province import default_province
    from sctemplates.render.city import render_city
    from sctemplates.roster import City, Roster

    catalog = load_catalog()
    city = City("330100", "杭州市", "副省级市")
    roster = Roster("330000", "浙江省", (city,))
    src = render_city(catalog, city, default_province(roster), tmp_path / "in" / "t.xlsx")
    name = next(item.name for _, _, item in catalog.inputs() if item.city_fills)
    original = openpyxl.load_workbook(src)
    ((sheet, ref),) = original.defined_names[name].destinations
    cell = ref.replace("$", "")
    before = sha256(src)
    out = write_feedback(src, [issue("VAL_MISSING", "必填数据未填写", sheet=sheet, cell=cell)],
                         tmp_path / "out" / "fb.xlsx")
    assert sha256(src) == before
    copy = openpyxl.load_workbook(out)
    assert "VAL_MISSING" in copy[sheet][cell].comment.text
    assert copy[SHEET_BASE].protection.sheet
    assert name in copy.defined_names
    assert copy[SHEET_PASSPORT].sheet_state == original[SHEET_PASSPORT].sheet_state
    assert len(copy[SHEET_BASE].data_validations.dataValidation) == len(
        original[SHEET_BASE].data_validations.dataValidation)
    assert copy[LIST_SHEET]["H3"].hyperlink.location == f"'{sheet}'!{cell}"


def test_a_list_of_warnings_only_asks_the_city_to_check_not_to_resend(tmp_path, city_file, issues):
    """四川 round: a city with warnings only was told to correct and resend like one with errors."""
    warnings = [i for i in issues if isinstance(i, dict) and i["severity"] in ("warning", "info")]
    assert warnings
    head = openpyxl.load_workbook(write_feedback(city_file, warnings, tmp_path / "w.xlsx"))[LIST_SHEET]["A1"].value
    assert "无需重新报送" in head and "后重新报送；" not in head
    errors = openpyxl.load_workbook(write_feedback(city_file, issues, tmp_path / "e.xlsx"))[LIST_SHEET]["A1"].value
    assert "修改标红/标黄的单元格（鼠标停留可看批注）后重新报送" in errors
