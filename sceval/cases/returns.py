"""The hook `sceval ingest` calls: check the case documents found among the returns and write
cases.json beside results.json, before the summary workbook (whose 优秀案例 sheet reads it).

Case documents are found in the same inputs ingest reads (folders, zips, saved mail) by
sceval.cases.inputs. A run that finds none leaves an earlier cases.json as it was: a later batch
of late workbooks does not erase the cases checked before.
"""
from __future__ import annotations

from pathlib import Path

from sctemplates.issues import Issue, issue

from sceval.cases.check import CasesReport, check_cases, write_cases_json


def check_returned_cases(inputs, out_dir, roster=None, notes: list[Issue] | None = None,
                         limits=None, timeout: float = 0) -> CasesReport | None:
    """Check the cases among ``inputs`` (``out_dir`` itself never searched); None when there are none.

    Never raises for bad input: a failure of the whole step becomes a run-level note in ``notes``.
    """
    try:
        more = {"limits": _with_timeout(limits, timeout)} if limits is not None or timeout else {}
        report = check_cases(inputs, roster=roster, exclude=Path(out_dir), every_named_file=False, **more)
        if not report.files:
            return None
        write_cases_json(report, out_dir)
        return report
    except Exception as exc:  # noqa: BLE001 — the cases must never cost the workbooks their results
        if notes is not None:
            notes.append(issue("CASE_UNREADABLE", f"检查案例文档时出错（{type(exc).__name__}：{str(exc)[:80]}），"
                                                  "案例未检查；工作簿的回收不受影响"))
        return None


def _with_timeout(limits, timeout: float):
    """ingest's --max-size and --timeout hold for case documents too: the timeout bounds each
    document's conversion (sceval.cases.convert.Budget)."""
    from dataclasses import replace

    from sceval.safety.preflight import Limits

    limits = limits or Limits()
    return replace(limits, seconds=timeout) if timeout else limits
