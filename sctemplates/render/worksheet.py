"""The worksheet class templates are written with: xlsxwriter's own, remembering prepared formulas.

xlsxwriter passes every formula through ~30 regular expressions (~250 when it expands future
functions, as for conditional formats) to add the _xlfn. prefixes newer functions need. That is
a pure function of the formula text and of whether future functions are expanded, and a
province's templates repeat the same few hundred formulas in every city's workbook, so each
result is kept. It was a quarter of the render time (benchmarks/README.md); the output is byte
for byte what xlsxwriter writes (tests/sctemplates/test_render_worksheet.py).
"""
from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

from xlsxwriter.worksheet import Worksheet

# xlsxwriter's method reads only this flag of its worksheet; "expand" below stands for both.
_NOT_EXPANDING = SimpleNamespace(use_future_functions=False)


class TemplateWorksheet(Worksheet):
    def _prepare_formula(self, formula, expand_future_functions=False):
        return _prepared(formula, bool(expand_future_functions or self.use_future_functions))


@lru_cache(maxsize=8192)
def _prepared(formula: str, expand: bool) -> str:
    return Worksheet._prepare_formula(_NOT_EXPANDING, formula, expand)
