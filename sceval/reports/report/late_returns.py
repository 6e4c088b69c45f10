"""评价过程: which counted returns were sent after the deadline (issue 20, item 5), from the
files' ``late`` in results.json (sceval.ledger.lateness), and the blank templates set aside
(item 1: order_basis "blank")."""
from __future__ import annotations

from sceval.ledger.ordering import LABELS
from sceval.reports.report.document import Writer
from sceval.reports.report.facts import ProvinceRound
from sceval.reports.report.wording import names


def write_late_returns(writer: Writer, province: ProvinceRound, prefix: str) -> None:
    counted = [f for f in province.files if f.get("status") == "counted"]
    if not counted:
        return
    by_code = {c.code: c.name for c in province.cities}
    late = [f for f in counted if f.get("late")]
    if not late:
        writer.paragraph(f"{prefix}计入计分的报送均在报送截止日期前送达。")
        return
    deadline = late[0]["late"]["deadline"]
    listed = names(f"{by_code.get(f.get('city'), f.get('city'))}（逾期{f['late']['days']}天，"
                   f"{LABELS.get(f['late']['basis'], '')}{f['late']['day']}）" for f in late)
    writer.paragraph(f"{prefix}计入计分的报送中有{len(late)}份晚于报送截止日期（{deadline}）：{listed}；"
                     "逾期报送照常计分，已在问题反馈表中提示。")


def write_blank_templates(writer: Writer, province: ProvinceRound, prefix: str) -> None:
    blank = [f for f in province.files if f.get("status") == "superseded" and f.get("order_basis") == "blank"]
    if not blank:
        return
    by_code = {c.code: c.name for c in province.cities}
    cities = names(dict.fromkeys(by_code.get(f.get("city"), f.get("city") or "") for f in blank))
    writer.paragraph(f"{prefix}上述被替代的报送中有{len(blank)}份是未填写数据的空白模板（{cities}），"
                     "这些城市均另有已填报的报送，按已填报的报送计分。")
