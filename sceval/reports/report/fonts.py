"""A font that has every glyph a chart shows: the bundled subset first, then a system CJK font.

The bundled ``fonts/SCEvalSansSC-Regular.otf`` (a GB 2312 subset of Noto Sans CJK SC, SIL OFL
1.1 — see fonts/make_subset.py) installs with the package, so a machine with only python3 draws
Chinese. A rare character outside the subset (a city name in an extension block) sends the chart
to the first system CJK font that has it; when no font has it, ``missing`` says which, and the
caller reports it rather than drawing boxes.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

BUNDLED = Path(__file__).with_name("fonts") / "SCEvalSansSC-Regular.otf"
# Families tried after the bundled font, most complete first (Debian: fonts-noto-cjk, fonts-wqy-*).
SYSTEM_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
                   "Source Han Sans SC", "SimHei", "Microsoft YaHei", "PingFang SC")


@lru_cache(maxsize=None)
def characters(path: str) -> frozenset[int]:
    """Code points a font file maps to glyphs (the first face of a collection)."""
    from fontTools.ttLib import TTFont

    number = 0 if path.lower().endswith((".ttc", ".otc")) else -1
    with TTFont(path, fontNumber=number, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing(path: str | Path, text: str) -> set[str]:
    """Characters of ``text`` the font cannot show (white space needs no glyph)."""
    have = characters(str(path))
    return {ch for ch in text if not ch.isspace() and ord(ch) not in have}


@lru_cache(maxsize=1)
def system_fonts() -> tuple[str, ...]:
    """Files of the known CJK families installed on this machine, in SYSTEM_FAMILIES order."""
    from matplotlib import font_manager

    by_family = {}
    for entry in font_manager.fontManager.ttflist:
        by_family.setdefault(entry.name, entry.fname)
    return tuple(by_family[f] for f in SYSTEM_FAMILIES if f in by_family)


def font_for(text: str) -> tuple[Path, set[str]]:
    """The first font that shows all of ``text``; else the bundled one and what it lacks."""
    for candidate in (str(BUNDLED), *system_fonts()):
        if not missing(candidate, text):
            return Path(candidate), set()
    return BUNDLED, missing(BUNDLED, text)


@lru_cache(maxsize=None)
def family_of(path: str) -> str:
    """Register a font file with matplotlib and return the family name to ask for."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()
