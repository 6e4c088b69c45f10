"""The one interface both sheet engines answer (pandera style: the model apart from its engines).

``xml_sheet.XmlSheet`` decodes cells straight from the sheet's XML, only those asked for;
``grid_sheet.GridSheet`` holds calamine's grid for workbooks the XML reader declines. Everything
above them (``book.Book``, identify, template rows, ingest) asks only these questions.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from sceval.workbook.cells import RawCell


@runtime_checkable
class Sheet(Protocol):
    def raw(self, ref: str) -> RawCell:
        """The cell at an A1 reference with its formula, error and percentage marks."""

    def value(self, row: int, col: int):
        """The cached value at a 0-based position; "" for empty."""

    def values(self, positions: tuple[tuple[int, int], ...]) -> list:
        """The values at these 0-based (row, column) positions; "" for empty."""

    def column(self, col: int) -> list:
        """One column's values from row 1 to the sheet's last row."""

    def rows(self) -> list[list]:
        """Every cell from A1 to the last value, as rows (for small sheets and rare paths)."""

    def marks(self) -> dict[str, tuple[bool, str, bool]]:
        """ref -> (formula, error, percentage style) for every cell with any of them."""
