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
