"""Header text and attachment names as Chinese mail clients really write them.

Messages are parsed with the compat32 policy so every header keeps its raw form; this module then
decodes what clients send, whatever the standards say:

- RFC 2047 encoded words (``=?gb2312?B?…?=``), also inside a quoted ``name="…"``, where they are
  not allowed but Outlook, Foxmail and 163/QQ mail put them anyway. A gb2312 (or gbk) label is
  decoded as gb18030: names labelled gb2312 are really GBK, and gb18030 is the superset of both.
- RFC 2231 ``filename*0*=gbk''%D5%E3;filename*1*=%BD%AD…`` whose continuations may cut a
  character in two: the bytes of every segment are joined before decoding.
- a name only in Content-Type ``name=`` (no Content-Disposition filename).
- raw 8-bit header bytes (GBK or UTF-8 without any encoding), kept as surrogate escapes by the
  parser and turned back into bytes here.

A name is never returned with U+FFFD in it: what cannot be decoded exactly is None, and the caller
uses an honest placeholder (and says so with an info issue).
"""
from __future__ import annotations

import re
import urllib.parse
from email.header import decode_header

REPLACEMENT = "\ufffd"
# Labels that mean "some Chinese GB encoding": decode as gb18030, which contains GB2312 and GBK.
GB_LABELS = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312", "csgb2312", "x-gb2312"}
# Raw 8-bit text with no label: UTF-8 first (GBK text is almost never valid UTF-8), then GB.
UNLABELLED = ("utf-8", "gb18030", "big5")
PARAM = re.compile(r';\s*([^\s=;"]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', re.S)
# name*0*= / name*1= (continuations) and name*= (one extended value): the trailing * is "encoded"
CONTINUATION = re.compile(r"^(?P<key>[^*]+)(?:\*(?P<index>\d+))?(?P<ext>\*)?$")


def codec(label: str | None) -> str:
    """The Python codec for a charset label; GB labels become gb18030, unknown ones utf-8."""
    name = (label or "").strip().strip('"').lower()
    if name in GB_LABELS or name.startswith("gb"):
        return "gb18030"
    import codecs

    try:
        return codecs.lookup(name).name if name else "utf-8"
    except LookupError:
        return "utf-8"


def raw_bytes(text: str) -> bytes:
    """A header value as the bytes that were on the wire (8-bit bytes are surrogate escapes)."""
    return text.encode("ascii", "surrogateescape") if _has_8bit(text) else text.encode("utf-8", "surrogateescape")


def _has_8bit(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def decode_unlabelled(data: bytes) -> str | None:
    """Bytes with no charset label: the first encoding that decodes them exactly, or None."""
    for encoding in UNLABELLED:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def header_text(value) -> str | None:
    """A whole header (Subject, From, a parameter value) as text, or None when not decodable."""
    if value is None:
        return ""
    value = str(value)
    if _has_8bit(value):
        value = decode_unlabelled(raw_bytes(value))
        if value is None:
            return None
    if "=?" not in value:
        return _clean(value)
    return _clean(_decode_words(value))


def _decode_words(value: str) -> str | None:
    pieces = []
    try:
        parts = decode_header(value.replace("\r", "").replace("\n", ""))
    except Exception:  # noqa: BLE001 - a broken encoded word is undecodable, not a crash
        return None
    for data, label in parts:
        if isinstance(data, str):
            pieces.append(data)
            continue
        try:
            # decode_header hands text outside encoded words back as raw-unicode-escape bytes
            pieces.append(data.decode(codec(label) if label else "raw-unicode-escape"))
        except (UnicodeDecodeError, LookupError):
            return None
    return "".join(pieces)


def _clean(text: str | None) -> str | None:
    if text is None or REPLACEMENT in text:
        return None
    return " ".join(text.split())


# --- parameters (name=, filename=, filename*0*=…) ------------------------------------------------

def header_params(raw: str | None) -> dict[str, list[tuple[int | None, bool, str]]]:
    """Parameter name -> its segments (continuation index, extended?, raw value), from a raw
    Content-Type or Content-Disposition value."""
    found: dict[str, list[tuple[int | None, bool, str]]] = {}
    if not raw:
        return found
    unfolded = re.sub(r"\r?\n[ \t]", " ", str(raw))
    for key, value in PARAM.findall(";" + unfolded.split(";", 1)[1] if ";" in unfolded else ""):
        value = value.strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        match = CONTINUATION.match(key.lower())
        if match:
            index = int(match["index"]) if match["index"] is not None else None
            found.setdefault(match["key"], []).append((index, bool(match["ext"]), value))
        else:
            found.setdefault(key.lower(), []).append((None, False, value))
    return found


def rfc2231_value(segments: list[tuple[int | None, bool, str]]) -> str | None:
    """An RFC 2231 parameter from its segments: bytes joined in order, then decoded once."""
    ordered = sorted(segments, key=lambda s: -1 if s[0] is None else s[0])
    charset, data = None, b""
    for position, (_index, extended, value) in enumerate(ordered):
        if extended and position == 0 and value.count("'") >= 2:
            charset, _language, value = value.split("'", 2)
        data += urllib.parse.unquote_to_bytes(value) if extended else raw_bytes(value)
    if charset:
        try:
            return _clean(data.decode(codec(charset)))
        except UnicodeDecodeError:
            return None
    return header_text(data.decode("ascii", "surrogateescape"))


def param_text(params: dict, key: str) -> str | None:
    """One parameter's decoded text: its RFC 2231 form when there is one that decodes (web mail
    writes a plain fallback beside it, RFC 6266 style), else the plain value (encoded words, raw
    bytes)."""
    segments = params.get(key) or []
    rfc2231 = [s for s in segments if s[0] is not None or s[1]]
    plain = [s for s in segments if s[0] is None and not s[1]]
    found = rfc2231_value(rfc2231) if rfc2231 else None
    return found or (header_text(plain[0][2]) if plain else None)


def attachment_name(content_disposition: str | None, content_type: str | None) -> tuple[str | None, bool]:
    """(decoded name or None, whether a name was given at all): Content-Disposition filename
    first, then Content-Type name (many clients write only that one)."""
    given = False
    for raw, key in ((content_disposition, "filename"), (content_type, "name")):
        params = header_params(raw)
        if params.get(key):
            given = True
            name = param_text(params, key)
            if name:
                return name, True
    return None, given


def safe_suffix(name: str | None, fallback: str = "") -> str:
    """The lower-case extension of a name, only when it is short and plain (used in work paths)."""
    match = re.search(r"(\.[A-Za-z0-9]{1,5})$", name or "")
    return match.group(1).lower() if match else fallback
