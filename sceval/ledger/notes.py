"""What the ledger tells people about each submission: superseded (and on which basis), newer but
invalid, invalidated, chosen by a person; and the basis recorded for each (order_places)."""
from __future__ import annotations

import os
from collections import defaultdict
from typing import TYPE_CHECKING

from sctemplates.issues import Issue, issue

from sceval.ledger import ordering

if TYPE_CHECKING:
    from sceval.ledger.ledger import Ledger, Submission


def ledger_issues(ledger: Ledger) -> dict[str, list[Issue]]:
    """sha256 -> the ledger's Issues about that file (superseded, newer invalid, invalidated, chosen).

    SUBMISSION_NEWER_INVALID goes on the file that still counts: that is the city's row people
    read, and it names the newer file that was rejected. Each says on which basis it was judged.
    """
    found: dict[str, list[Issue]] = defaultdict(list)
    counting = {}
    for subs, choice in ledger.choices().values():
        current = counting[subs[choice.index].city_code] = subs[choice.index]
        if current.used:
            found[current.sha256].append(_used(current))
        for index, sub in enumerate(subs):
            if index != choice.index:
                found[sub.sha256].append(_superseded(sub, current, choice.verdicts[index]))
    for sub in ledger.submissions(light=True):
        current = counting.get(sub.city_code or "")
        if sub.invalidated:
            found[sub.sha256].append(_invalidated(sub))
        elif sub.status == "rejected" and current and not current.used and _newer(sub, current):
            found[current.sha256].append(_newer_invalid(current, sub))
    return dict(found)


def _newer(sub: Submission, than: Submission) -> bool:
    verdict = ordering.compare(sub.order_times, than.order_times)
    return verdict.newer > 0 or (verdict.newer == 0 and sub.seq > than.seq)


def order_places(ledger: Ledger) -> dict[str, tuple[str, str]]:
    """sha256 -> (order_basis, order_time) of each valid submission (see ordering.place_of)."""
    return {sub.sha256: ordering.place_of(choice, index, sub.order_times)
            for subs, choice in ledger.choices().values() for index, sub in enumerate(subs)}


def _when(sub: Submission) -> str:
    return ordering.shown_time(sub.received_at)  # Beijing time, as ordering.reason shows the basis


def _invalidated(sub: Submission) -> Issue:
    return issue("SUBMISSION_INVALIDATED", f"文件“{sub.file_name}”（收到于 {_when(sub)}）已被人工作废："
                 f"{sub.invalidated_why or '未说明原因'}。", file=sub.path)


def _used(sub: Submission) -> Issue:
    return issue("SUBMISSION_USED", f"文件“{sub.file_name}”（收到于 {_when(sub)}）已由人工指定为城市 "
                 f"{sub.city_code} 计入的报送：{sub.used_why or '未说明原因'}。", file=sub.path)


def _superseded(sub: Submission, current: Submission, verdict: "ordering.Verdict") -> Issue:
    if verdict.basis == ordering.BLANK:
        return issue("SUBMISSION_SUPERSEDED", f"文件“{sub.file_name}”（收到于 {_when(sub)}）是未填写数据的空白模板，"
                     f"以城市 {sub.city_code} 已填报的报送“{current.file_name}”为准，本文件不计入。", file=sub.path)
    return issue("SUBMISSION_SUPERSEDED", f"文件“{sub.file_name}”（收到于 {_when(sub)}）已被城市 "
                 f"{sub.city_code} 的有效报送“{current.file_name}”（收到于 {_when(current)}）替代"
                 f"（{ordering.reason(verdict, current.order_times)}），本文件不再计入。", file=sub.path)


def _newer_invalid(current: Submission, newer: Submission) -> Issue:
    verdict = ordering.compare(newer.order_times, current.order_times)
    return issue("SUBMISSION_NEWER_INVALID", f"城市 {current.city_code} 更新的报送“{newer.file_name}”"
                 f"（收到于 {_when(newer)}；{ordering.reason(verdict, newer.order_times)}）有错误无法采用，"
                 f"仍以较早的有效报送“{current.file_name}”（收到于 {_when(current)}）为准。", file=current.path)


def duplicate_issue(path, existing: Submission) -> Issue:
    """FILE_DUPLICATE for a file whose content the ledger already holds."""
    from sceval.safety.filenames import safe_filename_display

    name = os.path.basename(safe_filename_display(path))
    return issue("FILE_DUPLICATE", f"文件“{name}”与已收到的“{existing.file_name}”（收到于 "
                 f"{_when(existing)}）内容完全相同，只记录一次。", file=safe_filename_display(path))
