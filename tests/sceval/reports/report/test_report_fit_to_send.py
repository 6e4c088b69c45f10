"""Issue 20 defect 11: the 附件4 draft names files as the official knows them (city, attachment name),
never a mail subject, a sender address or a local folder; 原因 does not repeat the file's description;
findings are whole sentences; 报送日期 comes from the ordering basis, not the copy's disk date."""
from __future__ import annotations

import copy
import re

import pytest

from sceval.reports.report import write_report
from tests.libreoffice import needs_soffice
from tests.sceval.reports.report.report_helpers import ReadBack
from tests.sceval.results_factory import make_results

LETTER = "邮件“关于报送新型智慧城市评价填报表的函”（温州市发改委 张三 <zhangsan@wz.example.cn>，2016-12-21 09:30）"
FOLDER_FILE = "build/folder/收件/330400_嘉兴市_填报表.xls"
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _issue(code: str, message: str, file: str, severity: str = "error") -> dict:
    return {"code": code, "severity": severity, "message": message, "file": file, "sheet": "", "cell": "",
            "indicator": ""}


def _results() -> dict:
    results = copy.deepcopy(make_results(province_code="330000", n_roster=5, n_submitted=2, seed=4))
    first = results["cities"][0]  # copied into a folder today: its own save time says when it was sent
    first["received_at"] = "2026-12-07T04:47:57+00:00"
    counted = next(f for f in results["files"] if f["status"] == "counted" and f["city"] == first["code"])
    counted.update(received_at=first["received_at"], order_basis="saved", order_time="2016-12-18T02:00:00+00:00")
    no_attachment = f"{LETTER} › （无附件）"
    attached = f"{LETTER} › 附件.zip › 330300_温州市_填报表.xlsx"
    message = {"from": "温州市发改委 张三 <zhangsan@wz.example.cn>", "to": "sheng@example.cn",
               "date": "2016-12-21T01:30:00+00:00", "subject": "关于报送新型智慧城市评价填报表的函", "message_id": ""}
    results["files"] += [
        {"path": no_attachment, "sha256": "1" * 64, "size": 0, "received_at": message["date"], "status": "rejected",
         "city": None, "order_basis": "message", "order_time": message["date"], "message": {**message, "attachment": ""},
         "issues": [_issue("MAIL_NO_ATTACHMENT", f"{LETTER} 没有附件，未收到填报表", no_attachment, "warning")]},
        {"path": attached, "sha256": "2" * 64, "size": 9, "received_at": "2026-12-07T04:47:57+00:00",
         "status": "rejected", "city": "330300", "order_basis": "message", "order_time": message["date"],
         "message": {**message, "attachment": "附件.zip › 330300_温州市_填报表.xlsx"},
         "issues": [_issue("ID_UNIDENTIFIED", f"文件 {attached} 缺少模板标识，无法确定属于哪个城市（封面无城市信息），"
                                              "请使用下发的本市模板填报", attached)]},
        {"path": FOLDER_FILE, "sha256": "3" * 64, "size": 9, "received_at": "2026-12-07T04:47:57+00:00",
         "status": "rejected", "city": "330400", "order_basis": "mtime", "order_time": "2016-12-22T01:00:00+00:00",
         "issues": [_issue("FILE_LEGACY_XLS", "文件“330400_嘉兴市_填报表.xls”是旧版 Excel 97-2003 (.xls) 文件，"
                                              "请另存为 .xlsx 后重新报送。", FOLDER_FILE)]},
    ]
    return results


def _cases() -> dict:
    mailed = f"{LETTER} › 温州案例.docx"
    opening = ("温州市推进“最多跑一次”改革，建成统一的政务服务平台。" * 8) + "群众办事平均跑动次数由二点…"  # cut by the checker
    return {"generated_at": "2017-01-10T08:00:00+00:00", "files": [
        {"file": mailed, "sha256": "a" * 64, "city": {"code": "330300", "name": "温州市"}, "city_basis": "file_name",
         "title": "最多跑一次",
         "characters": 5000, "figures": 1, "tables": 1, "sections": [], "opening": opening, "status": "warnings",
         "issues": [_issue("CASE_AD_COMPANY", f"文件“{mailed}”的第 3 段提及企业名称“某某科技有限公司”：“平台由某某科技有限公司承建”"
                                              "（避免体现企业宣传色彩，请核实）", mailed, "warning"),
                    _issue("CASE_CITY_DISAGREES", f"文件“{mailed}”的所属城市说法不一（文件名为温州市；标题为杭州市）；", mailed,
                           "warning")]},
        {"file": "build/folder/案例/330100_杭州市_案例.docx", "sha256": "b" * 64, "city": {"code": "330100", "name": "杭州市"},
         "title": "城市大脑", "characters": 3000, "figures": 0, "tables": 0, "sections": [],
         "opening": "杭州市建设城市大脑。交通拥堵指数下降了百分之十五；市民出行更加便…",
         "status": "rejected", "issues": [_issue("CASE_TOO_LONG", "文件“build/folder/案例/330100_杭州市_案例.docx”正文超过8000字",
                                                 "build/folder/案例/330100_杭州市_案例.docx")]}]}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return ReadBack(write_report(_results(), cases=_cases(), out=tmp_path_factory.mktemp("r") / "报告.docx"))


def test_unusable_files_are_named_by_city_and_attachment_without_subjects_addresses_or_folders(report):
    rows = report.table("浙江省无法使用的报送文件")
    assert [r[0] for r in rows] == ["未识别城市（发件人温州市发改委 张三）：来信（未附文件）", "温州市：附件.zip › 330300_温州市_填报表.xlsx",
                                    "嘉兴市：330400_嘉兴市_填报表.xls"]
    for row in rows:
        text = "".join(row)
        assert not ADDRESS.search(text) and "build/" not in text and "关于报送" not in text and "邮件“" not in text, row
    assert [r[2] for r in rows] == ["该邮件没有附件，未收到填报表。",
                                    "该文件缺少模板标识，无法确定属于哪个城市（封面无城市信息），请使用下发的本市模板填报。",
                                    "该文件是旧版 Excel 97-2003 (.xls) 文件，请另存为 .xlsx 后重新报送。"]
    assert [r[1] for r in rows] == ["2016年12月21日", "2016年12月21日", "2026年12月7日"]  # mtime: no better basis


def test_the_date_sent_comes_from_the_ordering_basis_not_the_copy(report):
    first = report.table("参评城市及报送情况")[0]
    assert first[4] == "2016年12月18日"


def test_case_findings_are_whole_sentences_naming_the_document_only(report):
    findings = [p for p in report.paragraphs if p.startswith("检查提示：")]
    assert len(findings) == 2
    for paragraph in findings:
        assert not ADDRESS.search(paragraph) and "build/" not in paragraph and "关于报送" not in paragraph
        assert paragraph.endswith("。") and "；。" not in paragraph and "。。" not in paragraph
    assert "文件“温州案例.docx”的第 3 段提及企业名称" in findings[0]
    assert "（避免体现企业宣传色彩，请核实）。文件“温州案例.docx”的所属城市说法不一" in findings[0]
    assert "文件“330100_杭州市_案例.docx”正文超过8000字。" in findings[1]


def test_the_opening_is_cut_after_a_sentence(report):
    opening = next(p for p in report.paragraphs if p.startswith("开篇：温州市"))
    assert opening.endswith("。……") and len(opening) <= len("开篇：") + 200 + 2
    short = next(p for p in report.paragraphs if p.startswith("开篇：杭州市"))
    assert short == "开篇：杭州市建设城市大脑。……"  # the checker's cut sentence is dropped, not shown half


def test_a_case_says_where_its_city_came_from(report):
    assert "所属城市依据文件名确定" in report.paragraph("字数5000")
    assert "所属城市依据" not in report.paragraph("字数3000")  # an older cases.json without city_basis
