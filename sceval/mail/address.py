"""How a letter addresses a city: “你州” to 凉山彝族自治州, “你市” to 泸州市 (regions.yaml, data)."""
from __future__ import annotations

from sctemplates.roster import regions

DEFAULT = "你市"


def you(kind: str) -> str:
    """The form of address for a city of ``kind`` (a roster 类型)."""
    return (regions().get("addressed_as") or {}).get(kind or "", DEFAULT)
