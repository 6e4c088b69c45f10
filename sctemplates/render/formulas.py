"""Excel text for references, live scores and per-cell validity flags.

The points expression of every method comes from ``sctemplates.methods.excel_points`` so the
template and the Python scorer cannot drift; this module only wraps it (rounding, choice
look-ups) and builds the flags that the conditional formatting and the cover's status read.
"""
from __future__ import annotations

from decimal import Decimal

from sctemplates.methods import METHODS, excel_points
from sctemplates.model import Input, SubItem


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def cell(row: int, col: int, sheet: str | None = None) -> str:
    """Absolute A1 reference of a 0-based cell, with a quoted sheet when given."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    ref = xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)
    return f"{quote_sheet(sheet)}!{ref}" if sheet else ref


def column_range(first_row: int, last_row: int, col: int, sheet: str | None = None) -> str:
    """Absolute reference of one column from first_row to last_row (0-based, inclusive)."""
    from xlsxwriter.utility import xl_range_abs

    ref = xl_range_abs(first_row, col, last_row, col)
    return f"{quote_sheet(sheet)}!{ref}" if sheet else ref


def number(value: Decimal) -> str:
    """A Decimal as an Excel literal, never in exponent form."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def text_literal(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def choice_fraction(choice_cell: str, labels: str, fractions: str) -> str:
    """The chosen label's fraction, or "" (not a number) when empty or not in the list."""
    return f'IFERROR(INDEX({fractions},MATCH({choice_cell},{labels},0)),"")'


def item_score(method: str, weight: Decimal, refs: dict[str, str], params: dict,
               flags: str | None = None) -> str:
    """=ROUND(points, 2) of one scored item (sub-item, or a directly scored second level).

    ``flags`` is the range of its inputs' invalid flags: an item with any invalid input scores
    0, as the Python scorer does (e.g. 12.5 typed into a whole-number cell).
    """
    points = f"ROUND({excel_points(method, weight, refs, params)},2)"
    return f"=IF(SUM({flags})>0,0,{points})" if flags else f"={points}"


def weighted_sum(weight: Decimal, refs: list[str]) -> str:
    """A second level: its points × the sum of its sub-items' percentage scores, rounded."""
    return f"=ROUND({number(weight)}*SUM({','.join(refs)})/100,2)"


def plain_sum(refs: list[str]) -> str:
    """A sum of already rounded scores; ROUND only clears binary noise, the value is unchanged."""
    return f"=ROUND(SUM({','.join(refs)}),2)"


def shows_percent(value: str) -> str:
    """Excel condition: the cell is formatted as a percentage (CELL gives "P0", "P2", … for those),
    as it is once a city types "3.5%": the cell then holds 0.035."""
    return f'LEFT(CELL("format",{value}),1)="P"'


def shown(value: str, item: Input) -> str:
    """The number a city sees in a `%` input: 3.5 for "3.5%" (stored 0.035), as ingest reads it."""
    if item.unit != "%":
        return value
    return f"IF({shows_percent(value)},{value}*100,{value})"


def number_valid(value: str, item: Input, sub: SubItem | None, partner: str | None) -> str:
    """Excel condition (value known to be a number) that the value keeps its input's rules.

    A `%` input is checked as shown; any other number input must not be shown as a percentage
    (ingest refuses "85%" where a count is asked for)."""
    raw, value = value, shown(value, item)
    conditions = [] if item.unit == "%" else [f"NOT({shows_percent(raw)})"]
    if item.min is not None:
        conditions.append(f"{value}>={number(item.min)}")
    if item.max is not None:
        conditions.append(f"{value}<={number(item.max)}")
    if item.integer:
        conditions.append(f"{value}=INT({value})")
    if item.role == "denominator":
        conditions.append(f"{value}>0")
    if item.role == "numerator" and partner and sub is not None and METHODS[sub.method].numerator_at_most_denominator:
        conditions.append(f"OR(NOT(ISNUMBER({partner})),{value}<={partner})")
    return f"AND({','.join(conditions)})" if conditions else "TRUE"


def number_flag(value: str, item: Input, sub: SubItem | None, partner: str | None) -> str:
    """=1 when the cell holds something that is not an acceptable number, else 0; blank is 0."""
    valid = number_valid(value, item, sub, partner)
    return f"=IF(LEN({value})=0,0,IF(ISNUMBER({value}),IF({valid},0,1),1))"


def choice_flag(value: str, labels: str) -> str:
    """=1 when the cell holds text that is not one of the drop-down choices."""
    return f"=IF(LEN({value})=0,0,IF(ISNUMBER(MATCH({value},{labels},0)),0,1))"
