"""The names people write for a roster city: its full name, without 市/地区/盟, and for an
autonomous prefecture the place alone or with 州 (凉山彝族自治州 → 凉山州, 凉山). Data: regions.yaml."""
from __future__ import annotations

from functools import lru_cache

from sctemplates.roster import regions

SUFFIXES = ("市", "地区", "自治州", "盟")
PREFECTURE = "自治州"


@lru_cache(maxsize=4096)
def name_forms(name: str) -> tuple[str, ...]:
    """Full name first, then the shorter forms (each at least two characters)."""
    forms = [name]
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.append(name[: -len(suffix)])
    place = _place_of_prefecture(name)
    if place:
        forms += [place + "州", place]
    return tuple(dict.fromkeys(forms))


def _place_of_prefecture(name: str) -> str:
    if not name.endswith(PREFECTURE):
        return ""
    found = [name.find(people) for people in regions().get("autonomous_peoples") or () if people in name]
    first = min((at for at in found if at >= 2), default=-1)
    return name[:first] if first >= 2 else ""
