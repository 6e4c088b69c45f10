"""Attributes of one XML start tag, read by a regular expression from a part preflight has checked.

Safe for the reason every regex read here is: preflight refused any DTD, so no entity can expand;
character references are decoded with html.unescape. Names are taken by their local part (r:id ->
id), so a prefixed writer reads the same.
"""
from __future__ import annotations

import re

XML_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def unescape(text: str) -> str:
    if "&" not in text:
        return text
    from html import unescape as html_unescape

    return html_unescape(text)


def attributes(text: str) -> dict[str, str]:
    """Attributes by local name, values unescaped."""
    return {key.rsplit(":", 1)[-1]: unescape(double or single)
            for key, double, single in XML_ATTRIBUTE.findall(text)}
