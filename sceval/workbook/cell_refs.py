"""Cell references: "G12" <-> (row 11, column 6), 0-based."""
from __future__ import annotations

import re
from functools import lru_cache

CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


@lru_cache(maxsize=8192)
def position(ref: str) -> tuple[int, int] | None:
    """'G12' -> (11, 6), 0-based; None for anything else. Cached: every return has the same refs."""
    match = CELL_REF.match(ref)
    return None if match is None else (int(match.group(2)) - 1, column_index(match.group(1)))


def column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# The grid any sheet is read into is bounded, whatever cells a file holds (issue 13, item 19: one
# stray cell at XFD1048576 made a dense grid of 17 G cells). A template fills a few hundred rows of
# a dozen columns; cells past these bounds are never part of a grid (xml_sheet notes them, and a
# workbook holding them never goes to calamine, whose grid is always dense).
GRID_ROWS = 5000
GRID_COLUMNS = 702  # A … ZZ


def outside_grid(ref: str) -> bool:
    """True for a reference past GRID_ROWS or GRID_COLUMNS (and for anything not a reference)."""
    found = position(ref)
    return found is None or found[0] >= GRID_ROWS or found[1] >= GRID_COLUMNS
