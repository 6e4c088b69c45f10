"""Reading a written report back: paragraphs and tables in document order, numbers in text,
and the figures a test computes on its own from results.json (exact Decimals, half-up)."""
from __future__ import annotations

import json
import re
import statistics
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx

CENT = Decimal("0.01")
SCORED = ("submitted", "has_errors", "corrected")
# Indicator and issue codes carry digits that are names, not numbers.
CODE = re.compile(r"\b(?:L\d+P\d+-A\d+|L\d+P\d+|L\d+|ZXP\d+-A\d+|ZXP\d+|ZX|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b")
PHONE = re.compile(r"\d{3,4}-\d{7,8}")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def load_results(path: Path) -> dict:
    """results.json with every JSON number as an exact Decimal."""
    return json.loads(Path(path).read_text(encoding="utf-8"), parse_float=Decimal)


def own_roster(results: dict) -> list[dict]:
    """The roster without its 直辖市/计划单列市 (listed apart in a province's report)."""
    return [c for c in results["roster"] if c.get("kind") not in ("直辖市", "计划单列市")]


def scored(results: dict) -> list[dict]:
    """The cities a province's report ranks and averages: scored, and not a 直辖市/计划单列市, which
    report to the nation and are listed apart (issue 20 defect 8)."""
    apart = {c["code"] for c in results.get("roster") or [] if c.get("kind") in ("直辖市", "计划单列市")}
    return [c for c in results["cities"] if c["status"] in SCORED and c["total"] is not None and c["code"] not in apart]


def mean(values) -> Decimal:
    values = list(values)
    return half_up(sum(values) / len(values))


def median(values) -> Decimal:
    return half_up(Decimal(statistics.median(values)))


def two(value: Decimal) -> str:
    return f"{half_up(Decimal(value)):.2f}"


class ReadBack:
    """A .docx reopened: body paragraphs (captions and table cells apart) and captioned tables."""

    def __init__(self, path: Path):
        self.document = docx.Document(str(path))
        self.paragraphs: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.captions: list[str] = []
        caption = None
        for block in self.document.element.body.iterchildren():
            tag = block.tag.rsplit("}", 1)[-1]
            if tag == "p":
                paragraph = docx.text.paragraph.Paragraph(block, self.document)
                if paragraph.style.name == "Caption":
                    caption = paragraph.text.split("　", 1)[1]
                    self.captions.append(paragraph.text)
                elif paragraph.text.strip():
                    self.paragraphs.append(paragraph.text)
            elif tag == "tbl":
                table = docx.table.Table(block, self.document)
                self.tables[caption] = [[cell.text for cell in row.cells] for row in table.rows]

    def paragraph(self, *parts: str) -> str:
        """The one body paragraph containing every part."""
        found = [p for p in self.paragraphs if all(part in p for part in parts)]
        assert len(found) == 1, (parts, found)
        return found[0]

    def table(self, title: str) -> list[list[str]]:
        """Rows below the header of the table captioned ``title``."""
        return self.tables[title][1:]


def numbers_in(text: str) -> list[str]:
    """Numbers a sentence states, after taking out codes and phone numbers."""
    return NUMBER.findall(PHONE.sub(" ", CODE.sub(" ", text)))
