"""A spreadsheet cell as the text a person sees in it."""
from __future__ import annotations


def cell_text(value) -> str:
    """Blank for None; whole floats lose their '.0' (Excel stores 330100 as a number); surrounding
    spaces and a CSV's byte-order mark go."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().lstrip("\ufeff")
