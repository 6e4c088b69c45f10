"""Excellent-practice case documents (附件3): templates for the cities, and the check of what they send.

    from sceval.cases import check_cases, check_case_file, write_cases_json, write_case_templates

The outline, limits and word lists are data (outline.yaml, advertising.yaml); cases.json is a
public interface (docs/interfaces.md). Names are imported on first use: ingest's gather imports
sceval.cases.inputs and should not pay for python-docx unless a case is checked.
"""
from __future__ import annotations

import importlib

_HOMES = {"CaseRecord": "check", "CasesReport": "check", "check_case_file": "check", "check_cases": "check",
          "write_cases_json": "check", "write_case_template": "template", "write_case_templates": "template"}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'sceval.cases' has no attribute {name!r}")
    return getattr(importlib.import_module(f"sceval.cases.{_HOMES[name]}"), name)
