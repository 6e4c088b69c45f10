"""The demo cities' excellent-practice cases (附件3), written into the returns of the demo round.

Each city fills its own case template (sceval.cases.template, so the passport travels with it):
the guidance removed, a title, a paragraph or two per section, a sourced figure and table. A few
make the typical mistakes listed in cases.yaml — too long, too many figures, a section left out,
a legacy .doc (converted with LibreOffice when installed), advertising words.
"""
from __future__ import annotations

import io
import struct
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path

import yaml
from docx import Document

from sctemplates.file_names import safe_file_name

from sceval.cases.outline import outline, tidy
from sceval.cases.template import write_case_template

DATA = Path(__file__).with_name("cases.yaml")
BODY_STYLE = "Normal"


@lru_cache(maxsize=1)
def demo_cases() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def write_demo_cases(folder: Path, roster, province, notes: list[str], stamp: str = "2017-01-05T00:00:00+00:00") -> list[Path]:
    """One case per replying city in ``folder``; returns the paths written."""
    spec = demo_cases()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index, city in enumerate(roster.cities):
        if index == spec["silent"]:
            continue
        fault = spec["faults"].get(index)
        path = _write_case(folder, city, index, fault, roster, province, stamp)
        written.append(path)
        if fault:
            notes.append(f"{city.name}：优秀案例{_FAULT_NOTES[fault]}（{path.suffix}）")
    return written


_FAULT_NOTES = {"too_long": "约 9,000 字，超过 8,000 字", "too_many_figures": "有 12 张图表，超过 10 张",
                "no_highlights": "缺少“特色亮点”章节", "legacy_doc": "以旧版 .doc 格式报送",
                "advertising": "提及承建企业并使用“领先”等宣传用语"}


def _write_case(folder: Path, city, index: int, fault: str | None, roster, province, stamp: str) -> Path:
    spec = demo_cases()
    with tempfile.TemporaryDirectory(prefix="sceval-demo-case-") as work:
        template = write_case_template(city, Path(work) / "template.docx", roster.province_code,
                                       roster.province_name, stamp, province)
        document = Document(template)
    _fill(document, city, spec["titles"][index % len(spec["titles"])], fault)
    path = folder / safe_file_name(f"{city.code}_{city.name}_优秀案例.docx")
    document.save(path)
    if fault == "legacy_doc":
        return _as_doc(path)
    return path


def _fill(document, city, title: str, fault: str | None) -> None:
    """Replace the template's body by the city's text, keeping its styles and passport."""
    spec, names = demo_cases(), {s.key: s for s in outline().sections}
    body = document.element.body
    headings = [(p.text, p.style.name) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    for paragraph in list(document.paragraphs):
        body.remove(paragraph._p)
    document.add_paragraph(title.format(city=city.name), style="Title")
    figures = spec["figures_in_too_many"] if fault == "too_many_figures" else 1
    styles = {name: document.styles[name] for name in {BODY_STYLE, *(style for _, style in headings)}}
    for text, style in headings:
        name = _section_name(text, names)
        if fault == "no_highlights" and name == names["highlights"].name:
            continue
        document.add_paragraph(text, style=styles[style])
        _section_body(document, city, name, fault, figures, styles[BODY_STYLE])


def _section_name(heading: str, names: dict) -> str:
    for section in names.values():
        for part in (section, *section.subsections):
            if heading == part.label:
                return part.name
    return heading


def _section_body(document, city, name: str, fault: str | None, figures: int, body) -> None:
    """The section's text (``body``: the body style, looked up once: python-docx finds a style
    by name by reading every style of the document)."""
    spec = demo_cases()
    text = spec["sections"].get(name)
    if text is None:
        return  # 背景与需求 itself: its text sits under 背景 and 需求
    document.add_paragraph(tidy(text.format(city=city.name)), style=body)
    if name == "主要做法":
        for number in range(1, figures + 1):
            document.add_picture(io.BytesIO(_chart_png(number)))
            document.add_paragraph(spec["caption"].format(number=number, city=city.name), style=body)
        if fault == "too_long":
            for _ in range(spec["long_paragraphs"]):
                document.add_paragraph(tidy(spec["filler"].format(city=city.name)), style=body)
        if fault == "advertising":
            document.add_paragraph(spec["advertising"], style=body)
    if name == "应用成效":
        document.add_paragraph(spec["table_caption"].format(city=city.name), style=body)
        rows = spec["table"]
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = document.styles["Table Grid"]
        for row, values in zip(table.rows, rows):
            for cell, value in zip(row.cells, values):
                cell.text = str(value)
        # A paragraph after the table: LibreOffice's .doc export flattens a table that ends the body.
        document.add_paragraph(tidy(spec["closing"].format(city=city.name)), style=body)


def _as_doc(path: Path) -> Path:
    """The case saved as Word 97-2003 by LibreOffice; the .docx stays when it is not installed."""
    from sceval.cases.convert import TIMEOUT_SECONDS
    from sceval.office import run_headless, soffice

    program = soffice()
    if program is None:
        return path
    with tempfile.TemporaryDirectory(prefix="sceval-demo-doc-") as work:
        command = [program, f"-env:UserInstallation={(Path(work) / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "doc:MS Word 97", "--outdir", work, str(path)]
        if not run_headless(command, TIMEOUT_SECONDS):
            return path
        saved = Path(work) / f"{path.stem}.doc"
        if not saved.is_file():
            return path
        target = path.with_suffix(".doc")
        target.write_bytes(saved.read_bytes())
    path.unlink()
    return target


def _chart_png(seed: int, width: int = 240, height: int = 140) -> bytes:
    """A small bar chart as a PNG, drawn pixel by pixel (no imaging library needed)."""
    bars = [(30 + (seed * 37 + k * 53) % 90) for k in range(5)]
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            bar, inside = divmod(x - 20, 44)
            filled = 0 <= bar < 5 and inside < 30 and height - 10 - y < bars[bar] and y < height - 10
            row += b"\x2f\x5f\x9f" if filled else (b"\x40\x40\x40" if y == height - 10 else b"\xff\xff\xff")
        rows.append(bytes(row))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
