"""A cell as the workbook readers hand it to evaluate: the one type both floors share, kept on the
lower floor (workbook) so that evaluate imports workbook and never the other way round."""
from __future__ import annotations

from dataclasses import dataclass

# Full-width ASCII block (！..～) and the ideographic space map onto plain ASCII.
FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@dataclass(frozen=True)
class RawCell:
    """A cell as stored: its cached value, whether it is a formula, its Excel error text."""

    value: object = None  # None | str | int | float | bool | date | datetime
    formula: bool = False
    error: str = ""  # e.g. "#DIV/0!" when the cell holds an Excel error value
    percent: bool = False  # shown as a percentage: the stored number is the typed one ÷ 100
