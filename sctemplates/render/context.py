"""What every sheet writer needs: the workbook, its worksheet and name, formats, choice lists."""
from __future__ import annotations

from dataclasses import dataclass, field

from sctemplates.render.input_cells import InputColumns, ValidationGroups
from sctemplates.render.lists import ChoiceLists

# Value, key, invalid-flag and required-flag columns of the indicator sheets (0-based: G, K, L, M).
INDICATOR_COLUMNS = InputColumns(value=6, key=10, invalid=11, required=12)


@dataclass
class SheetContext:
    workbook: object
    worksheet: object
    name: str
    formats: dict
    lists: ChoiceLists | None = None
    columns: InputColumns = INDICATOR_COLUMNS
    validations: ValidationGroups = field(default_factory=ValidationGroups)
    # (row, Input) -> None, called on every input row: the previous round's column (issue 23)
    previous: object = None
