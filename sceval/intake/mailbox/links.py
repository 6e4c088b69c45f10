"""Download links that stand in for an attachment (超大附件, 网盘), found in a letter's own text.

A city that sends its workbook as a QQ/163 超大附件 or a net-disk link has sent *something*; the row
must say so (the link, and its expiry when the mail shows one) so the reminder can ask for the file
as an attachment instead of saying nothing arrived. The services are data
(download_links.yaml). Nothing is ever fetched: the link is only quoted.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LINKS_FILE = Path(__file__).with_name("download_links.yaml")
MAX_BODY_CHARS = 512 * 1024  # a body is read this far; links sit near the top
MAX_URL_CHARS = 200
MAX_LINKS = 5  # a quoted link is cut here (a row never carries an unbounded text)
URL = re.compile(r"https?://([^\s\"'<>()（）\[\]{}，。；、]+)", re.I)
HREF = re.compile(r"""href\s*=\s*["']([^"']{1,2000})["']""", re.I)
TAGS = re.compile(r"<[^>]{0,2000}>")


@dataclass(frozen=True)
class DownloadLink:
    service: str
    url: str
    expiry: str = ""

    def said(self) -> str:
        shown = self.url if len(self.url) <= MAX_URL_CHARS else self.url[:MAX_URL_CHARS] + "…"
        return f"{self.service}下载链接 {shown}" + (f"（有效期：{self.expiry}）" if self.expiry else "")


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[tuple[str, re.Pattern], ...], tuple[re.Pattern, ...]]:
    data = yaml.safe_load(LINKS_FILE.read_text(encoding="utf-8"))
    services = tuple((entry["name"], re.compile(entry["pattern"], re.I)) for entry in data["services"])
    return services, tuple(re.compile(pattern) for pattern in data["expiry"])


def body_text(part) -> str | None:
    """A text/plain or text/html body part as plain text (tags dropped, entities decoded), bounded."""
    kind = part.get_content_type()
    if kind not in ("text/plain", "text/html"):
        return None
    data = (part.get_payload(decode=True) or b"")[: MAX_BODY_CHARS * 4]
    text = data.decode(_charset(part), errors="replace")[:MAX_BODY_CHARS]
    if kind == "text/html":  # the hrefs carry the links: kept after the text once the tags go
        hrefs = HREF.findall(text)
        text = TAGS.sub(" ", text) + " " + " ".join(hrefs)
    return html.unescape(text)


def _charset(part) -> str:
    charset = (part.get_content_charset() or "utf-8").lower()
    charset = "gb18030" if charset in ("gb2312", "gbk", "x-gbk", "gb_2312-80") else charset
    try:
        "".encode(charset)
    except LookupError:
        return "utf-8"
    return charset


def download_links(text: str) -> list[DownloadLink]:
    """Each distinct service link in ``text``, with the expiry shown in the text, if any."""
    services, expiries = _rules()
    expiry = next((m.group(1).strip() for p in expiries if (m := p.search(text))), "")
    found: dict[str, DownloadLink] = {}
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        service = next((name for name, pattern in services if pattern.search(url.split("://", 1)[1])), None)
        if service is not None and url not in found:
            found[url] = DownloadLink(service, url, expiry)
    return list(found.values())[:MAX_LINKS]
