"""Issue 21, item 3: conversions of .doc/.wps/.rtf share one time budget per document and one per
run; a conversion past it is a row (CASE_CONVERT_FAILED / CASE_CONVERT_BUDGET), never a stall."""
from __future__ import annotations

import time

import pytest

from sceval.cases import check_case_file, convert
from sceval.office import soffice

RTF = rb"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard 330100 Hangzhou case\par}"


def _rtf(tmp_path, name: str):
    path = tmp_path / name
    path.write_bytes(RTF)
    return path


def test_a_spent_run_budget_is_a_row_and_starts_no_converter(tmp_path):
    spent = convert.Budget(per_document=60, deadline=time.time() - 1)
    started = time.monotonic()
    record = check_case_file(_rtf(tmp_path, "330100_杭州市.doc"), budget=spent)
    assert [i.code for i in record.issues] == ["CASE_CONVERT_BUDGET"]
    assert "330100_杭州市.doc" in record.issues[0].message and time.monotonic() - started < 5


def test_the_document_gets_no_more_than_what_is_left_of_the_run():
    budget = convert.Budget(per_document=60, deadline=time.time() + 10)
    assert 9 <= budget.seconds() <= 10
    assert convert.Budget(per_document=5, deadline=time.time() + 100).seconds() == 5


@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_a_conversion_past_its_budget_is_a_row_and_the_next_document_is_checked(tmp_path):
    """A 60,000-row table (the shape of item 2, smaller) takes LibreOffice far more than 1.5 s: the
    conversion is ended and said; with the run's budget then spent, the next is refused at once."""
    heavy = tmp_path / "a.doc"
    heavy.write_bytes(RTF[:-1] + b"".join(rb"\trowd\cellx2000 %d\intbl\cell\row" % n for n in range(60_000)) + b"}")
    budget = convert.Budget(per_document=1.5, deadline=time.time() + 1.5)
    first = check_case_file(heavy, budget=budget)
    second = check_case_file(_rtf(tmp_path, "b.doc"), budget=budget)
    assert [i.code for i in first.issues] == ["CASE_CONVERT_FAILED"] and "转换超过" in first.issues[0].message
    assert [i.code for i in second.issues] == ["CASE_CONVERT_BUDGET"]


def test_ingest_timeout_bounds_each_case_conversion():
    """`sceval ingest --timeout N`: N seconds per case document's conversion too."""
    from sceval.cases.returns import _with_timeout
    from sceval.safety.preflight import Limits

    assert _with_timeout(Limits(max_bytes=5), 7).seconds == 7 and _with_timeout(Limits(max_bytes=5), 7).max_bytes == 5
    assert _with_timeout(None, 0) == Limits()
