"""Does an XML part declare a DTD? Decided from its prolog alone, before anything parses it.

A DOCTYPE (and so any ENTITY) can only stand in the prolog, before the root element, so reading
up to the root element of each part is enough (defusedxml semantics: no DOCTYPE at all).
"""
from __future__ import annotations

PROLOG_LIMIT = 1 << 20  # a real prolog is a line or two; a megabyte of it is an attack
PROLOG_CHUNK = 4096  # the part is read in steps of this size until the verdict is clear


def prolog_verdict(prefixes) -> bool:
    """Decide on ever longer prefixes of the part, as soon as one suffices."""
    buffer = b""
    for buffer in prefixes:
        state = _prolog_state(_as_text(buffer))
        if state != "more":
            return state == "unsafe"
        if len(buffer) > PROLOG_LIMIT:
            return True
    return _prolog_state(_as_text(buffer), at_end=True) == "unsafe"


def _as_text(buffer: bytes) -> str:
    """The part's start as text, UTF-16 (with or without BOM) or UTF-8."""
    if buffer[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in buffer[:4]:
        utf16 = "utf-16" if buffer[:2] in (b"\xff\xfe", b"\xfe\xff") else (
            "utf-16-le" if buffer[1:2] == b"\x00" else "utf-16-be")
        return buffer.decode(utf16, errors="ignore")
    return buffer.decode("utf-8", errors="ignore")


def _prolog_state(text: str, at_end: bool = False) -> str:
    """'safe' at the root element, 'unsafe' at a <!DOCTYPE or other <! declaration, else 'more'.

    Four characters of lookahead tell "<!--" (a comment) from "<!D…" before deciding.
    """
    position = 0
    while True:
        while position < len(text) and (text[position].isspace() or text[position] == "\ufeff"):
            position += 1
        if len(text) - position < 4 and not at_end:
            return "more"
        if position >= len(text):
            return "safe"
        for opener, closer in (("<?", "?>"), ("<!--", "-->")):
            if text.startswith(opener, position):
                end = text.find(closer, position + len(opener))
                if end < 0:
                    return "more"
                position = end + len(closer)
                break
        else:
            return "unsafe" if text.startswith("<!", position) else "safe"
