"""Excellent-practice case documents (附件3): templates for the cities, and the check of what they send.

    from sceval.cases import check_cases, check_case_file, write_cases_json, write_case_templates

The outline, limits and word lists are data (outline.yaml, advertising.yaml); cases.json is a
public interface (docs/interfaces.md).
"""
from __future__ import annotations

from sceval.cases.check import CaseRecord, CasesReport, check_case_file, check_cases, write_cases_json
from sceval.cases.template import write_case_template, write_case_templates

__all__ = ["CaseRecord", "CasesReport", "check_case_file", "check_cases", "write_cases_json",
           "write_case_template", "write_case_templates"]
