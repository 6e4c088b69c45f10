"""A city whose only return is the blank template it was sent (a 湖南 round: 岳阳 replied-all with it).

Real files throughout: four templates rendered, three filled, the fourth city's untouched template
e-mailed back as its only return; ingest with workbooks and a ledger, then every view read back —
results.json, the summary (openpyxl), the 附件4 report (python-docx), the reminder and feedback
e-mails (.eml through Python's email package) — and `sceval verify`. The city must read as having
sent a blank template: not scored, not ranked, in no statistic, reminded once; and a filled return
later counts as usual.
"""
from __future__ import annotations

import email
import email.policy
import json
import shutil
import statistics
from decimal import ROUND_HALF_UP, Decimal
from email.message import EmailMessage

import openpyxl
import pytest
from typer.testing import CliRunner

from sctemplates.roster import Roster
from sceval.cli.app import app
from sceval.ledger.ledger import Ledger
from sceval.review.adjustments import Request
from sceval.state.adjusting import record_adjustments
from sceval.state.rescoring import rescore_folder
from tests.sceval.ingest_helpers import fill, render, valid_values
from tests.sceval.state.round_helpers import CATALOG, NUM, ROSTER, distinct_return

# 杭州, 温州, 嘉兴 fill theirs; 湖州 sends back its blank template (宁波, 计划单列市, is ranked apart: left out)
FOUR = tuple(c for c in ROSTER.cities if c.kind != "计划单列市")[:4]
SMALL = Roster(ROSTER.province_code, ROSTER.province_name, FOUR)
FILLED, BLANK_CITY = FOUR[:3], FOUR[3]
CENT = Decimal("0.01")


def _roster_csv(folder):
    path = folder / "名单.csv"
    path.write_text("代码,名称,类型,联系人,邮箱,电话\n" + "".join(
        f"{c.code},{c.name},{c.kind},{c.contact},{c.email},{c.phone}\n" for c in FOUR), encoding="utf-8")
    return path


def _blank_letter(template, folder):
    """The template as the province sent it, replied-all untouched by the city's contact."""
    letter = EmailMessage()
    letter["From"], letter["To"] = BLANK_CITY.email, "sc@example.cn"
    letter["Subject"], letter["Date"] = f"回复：{BLANK_CITY.name}填报表", "Tue, 20 Dec 2016 10:30:00 +0800"
    letter.set_content("已收到。")
    letter.add_attachment(template.read_bytes(), maintype="application", subtype="octet-stream",
                          filename=template.name)
    path = folder / "mail" / "reply.eml"
    path.parent.mkdir(parents=True)
    path.write_bytes(bytes(letter))
    return path


def _ingest(inputs, out):
    from sceval.ingest.batch import IngestOptions, ingest

    return ingest(inputs, out, IngestOptions(catalog=CATALOG, roster=SMALL, jobs=1, draws=20,
                                             ledger_path=out / "ledger.sqlite"))


@pytest.fixture(scope="module")
def round_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("blank-only")
    filled = [distinct_return(root, city, shift) for shift, city in enumerate(FILLED, start=1)]
    template = render(CATALOG, BLANK_CITY, SMALL, root / "issued")
    blank = _blank_letter(template, root)
    out = root / "out"
    _ingest(filled + [blank], out)
    result = CliRunner().invoke(app, ["report", str(out / "results.json"), "--out", str(out / "评价工作报告.docx")])
    assert result.exit_code == 0, result.output
    return root, out, template


@pytest.fixture
def out(round_folder, tmp_path):
    """A copy to change; without the report, a draft written from the earlier state (verify would
    rightly name its tables as stale)."""
    copy = tmp_path / "out"
    shutil.copytree(round_folder[1], copy)
    (copy / "评价工作报告.docx").unlink()
    return copy


def _results(out) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _entry(out, code=BLANK_CITY.code) -> dict:
    return next(c for c in _results(out)["cities"] if c["code"] == code)


def _others(out) -> list[Decimal]:
    return [Decimal(str(_entry(out, c.code)["total"])) for c in FILLED]


def _verify(out) -> None:
    result = CliRunner().invoke(app, ["verify", "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_the_city_is_blank_named_by_its_file_and_not_scored(round_folder):
    _root, out, template = round_folder
    entry = _entry(out)
    assert entry["status"] == "blank"
    assert entry["total"] is None and entry["scores"] is None and entry["points_at_stake"] is None
    assert entry["rank"] is None and entry["rank_interval"] is None
    assert entry["file"].endswith(template.name) and entry["received_at"]
    assert entry["message"]["from"] == BLANK_CITY.email and entry["message"]["date"].startswith("2016-12-20T02:30")
    assert [i["code"] for i in entry["issues"]] == ["BLANK_TEMPLATE"]  # not 87 errors about empty cells
    [row] = [f for f in _results(out)["files"] if f["city"] == BLANK_CITY.code]
    assert row["status"] == "blank" and [i["code"] for i in row["issues"]] == ["BLANK_TEMPLATE"]
    assert sorted(c["rank"] for c in _results(out)["cities"] if c["code"] != BLANK_CITY.code) == [1, 2, 3]
    assert not (out / "反馈" / f"{BLANK_CITY.code}_{BLANK_CITY.name}_问题反馈.xlsx").exists()
    listing = CliRunner().invoke(app, ["ledger", "--out", str(out)], env={"COLUMNS": "250"})
    assert listing.exit_code == 0 and listing.output.count("有效（空白模板，未计分）") == 1, listing.output
    _verify(out)


def _half_up(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def test_the_summary_lists_it_unranked_and_leaves_it_out_of_the_statistics(round_folder):
    _root, out, template = round_folder
    (path,) = sorted(out.glob("汇总_*.xlsx"))
    book = openpyxl.load_workbook(path)
    rows = [[c.value for c in row] for row in book["总览"].iter_rows()]
    header = next(r for r in rows if "代码" in r)
    rank, code, name, status, total = (header.index(h) for h in ("排名", "代码", "名称", "状态", "总分"))
    [mine] = [r for r in rows if r[code] == BLANK_CITY.code]
    assert (mine[rank], mine[status], mine[total]) == (None, "仅报回空白模板", None)
    stats = {r[name]: r[total] for r in rows if r[name] in ("平均值", "中位数", "最高分", "最低分")}
    others = _others(out)
    assert _half_up(stats["平均值"]) == _half_up(sum(others) / 3)
    assert _half_up(stats["中位数"]) == _half_up(statistics.median(others))
    assert _half_up(stats["最低分"]) == min(others)
    files = [[c.value for c in row] for row in book["提交情况"].iter_rows()]
    [sent] = [r for r in files if any(str(v).endswith(template.name) for v in r)]
    assert "不计分：未填写数据的空白模板（该市尚无已填报的报送）" in sent and "仅报回空白模板" in sent
    assert any("仅报回未填写数据的空白模板 1 个" in str(r[0]) for r in files[:5])


def test_the_report_counts_it_nowhere_but_says_what_it_sent(round_folder):
    from tests.sceval.reports.report.report_helpers import ReadBack

    _root, out, _template = round_folder
    report = ReadBack(out / "评价工作报告.docx")
    others = _others(out)
    sentence = report.paragraph("已计分的3个城市总分平均为")
    assert f"平均为{_half_up(sum(others) / 3):.2f}分" in sentence and f"最低为{min(others):.2f}分" in sentence
    assert BLANK_CITY.name not in sentence
    assert BLANK_CITY.name not in "".join(r[1] for r in report.table("城市总分排名"))
    assert sum(int(r[2]) for r in report.table("各成熟度阶段城市数")) == 3
    [listed] = [r for r in report.table("参评城市及报送情况") if r[1] == BLANK_CITY.name]
    assert listed[3] == "仅报回空白模板（未计分）" and listed[4] == "2016年12月20日" and not any(ch.isdigit() for ch in listed[5])
    assert f"1个城市只报回了未填写数据的空白模板（{BLANK_CITY.name}）" in report.paragraph("只报回了")
    assert "未填写数据的空白模板（该市没有已填报的报送，未计分）1份" in report.paragraph("下发填报模板")
    _verify(out)  # the report's tables are checked too


def _letters(out, command: str) -> dict[str, email.message.EmailMessage]:
    result = CliRunner().invoke(app, ["mail", command, "--out", str(out), "--roster", str(_roster_csv(out.parent))])
    assert result.exit_code == 0, result.output
    found = {}
    for path in sorted((out / "邮件" / {"remind": "催报", "feedback": "反馈"}[command]).glob("*.eml")):
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found[next(c.code for c in FOUR if c.email == parsed["To"].addresses[0].addr_spec)] = parsed
    return found


def test_it_is_reminded_once_naming_the_blank_file_and_gets_no_feedback_letter(out, round_folder):
    template = round_folder[2]
    reminders = _letters(out, "remind")
    assert list(reminders) == [BLANK_CITY.code]
    body = reminders[BLANK_CITY.code].get_body(("plain",)).get_content()
    assert f"“{template.name}”（2016-12-20 10:30，发件人 {BLANK_CITY.email}）" in body
    assert "空白填报表" in body and "请在下发的填报表中填写数据" in body
    assert "得分" not in body and "错误" not in body and "分值" not in body
    assert BLANK_CITY.code not in _letters(out, "feedback")


def test_adjust_and_rescore_leave_it_blank_and_verify_agrees(out):
    from sceval.review.adjustments import AdjustmentProblem

    with pytest.raises(AdjustmentProblem):  # nothing scored to adjust
        record_adjustments(out, [Request(BLANK_CITY.code, NUM, "900", "电话核实")])
    record_adjustments(out, [Request(FILLED[0].code, NUM, "1200", "电话核实")])
    _verify(out)
    rescore_folder(out, out, draws=20)
    assert _entry(out)["status"] == "blank" and _entry(out)["total"] is None
    _verify(out)


def test_a_filled_return_later_counts_and_the_blank_stays_in_the_ledger_set_aside(out, round_folder, tmp_path):
    template = round_folder[2]
    filled = fill(template, tmp_path / "later" / f"{BLANK_CITY.code}_{BLANK_CITY.name}.xlsx",
                  valid_values(CATALOG) | {NUM: 700, "SC_L1P1_A1_DEN": 2000})
    _ingest([filled], out)
    entry = _entry(out)
    assert entry["status"] == "submitted"  # a blank set aside is no correction
    assert entry["total"] > 0 and entry["rank"] is not None and entry["file"].endswith(filled.name)
    with Ledger(out / "ledger.sqlite") as ledger:
        history = ledger.history(BLANK_CITY.code)
        counting = ledger.counting()[BLANK_CITY.code]
    assert len(history) == 2 and counting.sha256 != history[0].sha256
    assert history[0].path.endswith(template.name) and history[0].order_basis == "blank"
    assert BLANK_CITY.code not in _letters(out, "remind")
    _verify(out)


def test_invalidating_its_only_blank_return_makes_it_missing(out):
    from sceval.state.recount import rebuild_after_ledger_change

    with Ledger(out / "ledger.sqlite") as ledger:
        ledger.invalidate(_entry(out)["sha256"], "误发")
    rebuild_after_ledger_change(out, out / "ledger.sqlite")
    assert _entry(out)["status"] == "missing"
    _verify(out)


def test_the_analysts_tables_and_the_export_show_it_without_a_total(round_folder, tmp_path):
    import csv

    from sceval.api import load_results
    from sceval.export import export_results

    out = round_folder[1]
    (summary,) = sorted(out.glob("汇总_*.xlsx"))
    for source in (out / "results.json", summary):  # the summary's embedded results too
        cities = load_results(source).cities
        [row] = cities[cities["城市代码"] == BLANK_CITY.code].to_dict("records")
        assert (row["状态"], row["总分"], row["排名"]) == ("仅报回空白模板", None, None)
        assert cities["总分"].astype(float).count() == 3  # a statistic over the scored cities only
    exported = export_results([out / "results.json"], tmp_path / "得分.csv")
    with open(exported.path, encoding="utf-8-sig", newline="") as stream:
        [row] = [r for r in csv.DictReader(stream) if r["城市代码"] == BLANK_CITY.code]
    assert (row["状态"], row["总分"], row["排名"]) == ("仅报回空白模板", "", "")
