"""The report's charts as PNG images (matplotlib, Agg backend: no display needed).

Each chart is drawn with a font that has every character it shows (``fonts.font_for``); the
Chart keeps that text and the font, so a test can prove no glyph was missing.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: the report is written on servers without a display

from sceval.reports.report import fonts  # noqa: E402

WIDTH_IN = 6.3  # fits a portrait A4 text width (15.9 cm)
DPI = 150  # sharp in print at 15 cm wide; 200 dpi doubled the time of each chart
BAR_COLOR = "#4472C4"
MARK_COLOR = "#C00000"


@dataclass
class Chart:
    title: str
    png: bytes = b""
    text: str = ""  # every character the chart shows
    font: Path | None = None
    missing: set[str] = field(default_factory=set)
    height_in: float = 3.2


def _figure(chart: Chart, texts: list[str]):
    import matplotlib.pyplot as plt

    chart.text = "".join(texts)
    chart.font, chart.missing = fonts.font_for(chart.text)
    family = fonts.family_of(str(chart.font))
    with matplotlib.rc_context({"font.family": [family], "axes.unicode_minus": False}):
        figure, axes = plt.subplots(figsize=(WIDTH_IN, chart.height_in), dpi=DPI)
    return figure, axes, family


def _finish(chart: Chart, figure, family: str) -> Chart:
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"font.family": [family], "axes.unicode_minus": False}):
        for text in figure.findobj(matplotlib.text.Text):
            text.set_fontfamily(family)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    plt.close(figure)
    chart.png = _opaque(buffer.getvalue())
    return chart


def _opaque(png: bytes) -> bytes:
    """RGB without the alpha channel: Word and PDF then carry one image, not an image and a mask."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def _number(value: Decimal) -> str:
    return f"{value:.2f}"


def histogram_chart(bins: list[tuple[int, int, int]], title: str) -> Chart:
    """Cities per 10-point band of the total."""
    labels = [f"{low}–{high}" for low, high, _ in bins]
    counts = [count for _, _, count in bins]
    chart = Chart(title)
    figure, axes, family = _figure(chart, [title, "总分区间（分）", "城市数", *labels, "0123456789"])
    bars = axes.bar(labels, counts, color=BAR_COLOR)
    axes.bar_label(bars, labels=[str(c) if c else "" for c in counts], fontsize=8)
    axes.set_xlabel("总分区间（分）")
    axes.set_ylabel("城市数")
    axes.set_title(title)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.tick_params(axis="x", labelsize=8)
    return _finish(chart, figure, family)


def bar_chart(labels: list[str], values: list[Decimal], title: str, axis: str,
              limit: Decimal | None = None, shown_as=None) -> Chart:
    """Horizontal bars, first label on top, each bar labelled with its value (2 decimals unless
    ``shown_as`` formats it otherwise, e.g. str for counts)."""
    chart = Chart(title, height_in=max(2.4, 0.9 + 0.32 * len(labels)))
    shown = [(shown_as or _number)(v) for v in values]
    figure, axes, family = _figure(chart, [title, axis, *labels, *shown, "0123456789."])
    positions = list(range(len(labels)))
    bars = axes.barh(positions, [float(v) for v in values], color=BAR_COLOR)
    axes.bar_label(bars, labels=shown, fontsize=7, padding=2)
    axes.set_yticks(positions, labels=labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel(axis)
    axes.set_title(title)
    top = float(limit) if limit is not None else float(max(values, default=1)) * 1.15 or 1.0
    axes.set_xlim(0, top)
    return _finish(chart, figure, family)


def range_chart(labels: list[str], means: list[Decimal], lows: list[Decimal], highs: list[Decimal],
                title: str, axis: str) -> Chart:
    """Province means as bars with each province's lowest–highest city as a line."""
    chart = Chart(title, height_in=max(2.4, 0.9 + 0.32 * len(labels)))
    shown = [_number(v) for v in means]
    figure, axes, family = _figure(chart, [title, axis, *labels, *shown, "0123456789."])
    positions = list(range(len(labels)))
    bars = axes.barh(positions, [float(v) for v in means], color=BAR_COLOR)
    axes.bar_label(bars, labels=shown, fontsize=7, padding=2)
    axes.hlines(positions, [float(v) for v in lows], [float(v) for v in highs], color=MARK_COLOR)
    axes.set_yticks(positions, labels=labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel(axis)
    axes.set_title(title)
    return _finish(chart, figure, family)
