"""Custom document properties (docProps/custom.xml) of a .docx: the case template's passport.

python-docx has no API for custom properties, so the writer adds the part, its relationship and
its content type to the saved package; the reader parses the part with defusedxml.
"""
from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree

CUSTOM_PART = "docProps/custom.xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one format id custom properties use


def custom_xml(properties: dict[str, str]) -> bytes:
    items = "".join(
        f'<property fmtid="{FMTID}" pid="{pid}" name={quoteattr(name)}><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(properties.items(), start=2))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{PROPS_NS}" xmlns:vt="{VT_NS}">{items}</Properties>').encode("utf-8")


def with_custom_properties(package: bytes, properties: dict[str, str]) -> bytes:
    """The .docx bytes with docProps/custom.xml holding ``properties`` (replacing any)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == CUSTOM_PART:
                continue
            data = source.read(info)
            if info.filename == "[Content_Types].xml" and CUSTOM_PART.encode() not in data:
                data = data.replace(b"</Types>", f'<Override PartName="/{CUSTOM_PART}" '
                                                 f'ContentType="{CUSTOM_TYPE}"/></Types>'.encode())
            elif info.filename == "_rels/.rels" and CUSTOM_REL.encode() not in data:
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdSceval" Type="{CUSTOM_REL}" '
                                                         f'Target="{CUSTOM_PART}"/></Relationships>'.encode())
            target.writestr(info, data)
        target.writestr(CUSTOM_PART, custom_xml(properties))
    return out.getvalue()


def read_custom_properties(data: bytes | None) -> dict[str, str]:
    """name -> text value of each custom property; {} when the part is absent or unreadable."""
    if not data:
        return {}
    try:
        root = ElementTree.fromstring(data)
    except Exception:  # noqa: BLE001 — a damaged part is the same as none: the file name decides
        return {}
    found = {}
    for prop in root.iter(f"{{{PROPS_NS}}}property"):
        value = next(iter(prop), None)
        if prop.get("name") and value is not None:
            found[prop.get("name")] = (value.text or "").strip()
    return found
