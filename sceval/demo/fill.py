"""Fill rendered templates as cities would: realistic values, deterministic, with typical mistakes.

Used by `sceval demo`, the benchmark and tests. Values are written by defined name with
openpyxl, the way a city's Excel would store them; a mistake replaces one value with what
people really type (a percentage where a count belongs, a pasted out-of-range number, …).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sctemplates.layout import ATTEST_CHOICE, FILER_FIELDS, remark_name, source_name
from sctemplates.model import Catalog, Input, SubItem

# Typical denominators by unit: (low, high) of a prefecture-level city's count.
TYPICAL_SIZE = {
    "项": (800, 2500), "个": (60, 3000), "家": (20, 400), "人": (200_000, 900_000),
    "户": (20_000, 120_000), "所": (300, 1500), "间": (8_000, 40_000), "件": (2_000, 30_000),
    "路": (10_000, 120_000), "万人次": (2_000, 30_000), "万人": (200, 1_000),
    "万户": (60, 350), "亿元": (800, 6_000), "公里": (1_500, 12_000), "万平方米": (300, 2_500),
}
MISTAKE_LABELS = {
    "missing": "漏填一个数量",
    "percent_for_count": "数量栏填了百分比“85%”",
    "out_of_range": "粘贴了大于分母的分子",
    "formula_remark": "说明栏以“=”开头",
    "messy_text": "全角数字带千位分隔符和空格",
}
SOURCES = ("市统计局年报", "主管部门业务台账", "市大数据管理局平台统计", "行业主管部门报表")


@dataclass
class CityFill:
    """What one city writes: cell values by defined name, plus the mistakes it made."""

    values: dict[str, object] = field(default_factory=dict)
    mistakes: list[str] = field(default_factory=list)


def _ratio_values(sub: SubItem, rng: random.Random, quality: float) -> dict[str, object]:
    num_input, den_input = sub.input("numerator"), sub.input("denominator")
    low, high = TYPICAL_SIZE.get(den_input.unit, (100, 1000))
    den = Decimal(rng.randint(low, high)) if den_input.integer else Decimal(rng.randint(low * 10, high * 10)) / 10
    share = min(Decimal("1.1") if sub.method == "capped_ratio" else Decimal(1),
                Decimal(str(round(rng.betavariate(2 + 6 * quality, 3), 3))) * Decimal("1.3"))
    num = den * share
    num = num.to_integral_value() if num_input.integer else num.quantize(Decimal("0.1"))
    return {num_input.name: _plain(num), den_input.name: _plain(den)}


def _plain(value: Decimal):
    """A Decimal as the number a spreadsheet stores (int when whole)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _choice_value(item: Input, rng: random.Random, quality: float) -> str:
    weights = [1 + quality * 4 * i for i in range(len(item.choices))]
    return rng.choices([c.label for c in item.choices], weights=weights)[0]


def sub_item_values(sub: SubItem, rng: random.Random, quality: float) -> dict[str, object]:
    """Realistic values for one city-filled sub-item (empty for central items)."""
    if sub.method in ("ratio", "capped_ratio"):
        return _ratio_values(sub, rng, quality)
    if sub.method == "graded":
        item = sub.input("choice")
        return {item.name: _choice_value(item, rng, quality)}
    if sub.method == "rate":
        item = sub.input("value")
        return {item.name: round(rng.uniform(-1.0, 5.0), 2)}
    return {}


def realistic_fill(catalogs: list[Catalog], seed: int, city_name: str) -> CityFill:
    """Values for every city input of the given catalogs, plus sources, remarks and filer."""
    rng = random.Random(seed)
    quality = rng.uniform(0.2, 0.9)
    fill = CityFill()
    for catalog in catalogs:
        for sub in catalog.sub_items():
            fill.values.update(sub_item_values(sub, rng, quality))
            if any(i.city_fills for i in sub.inputs):
                fill.values[source_name(sub.code)] = rng.choice(SOURCES)
    fill.values.update(_filer(city_name, rng))
    return fill


def _filer(city_name: str, rng: random.Random) -> dict[str, object]:
    values = dict(zip(FILER_FIELDS, (
        f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice(['明', '静', '伟', '芳', '磊', '婷'])}",
        f"{city_name}发展和改革委员会",
        f"0{rng.randint(570, 579)}-{rng.randint(80000000, 89999999)}",
        f"smartcity{rng.randint(100, 999)}@example.cn",
        "2016-12-20",
        ATTEST_CHOICE,
    )))
    return values


def first_input(catalog: Catalog, method: str, role: str) -> Input:
    """The first city input of a method kind, for planting a mistake (data-driven, no codes)."""
    for sub in catalog.sub_items():
        if sub.method == method:
            return sub.input(role)
    raise LookupError(f"catalog has no {method} sub-item")


def plant_mistake(fill: CityFill, catalog: Catalog, kind: str, offset: int = 0) -> None:
    """Replace one value with a typical mistake of ``kind``; record it in ``fill.mistakes``."""
    ratios = [s for s in catalog.sub_items() if s.method == "ratio"]
    sub = ratios[offset % len(ratios)]
    num, den = sub.input("numerator").name, sub.input("denominator").name
    if kind == "missing":
        fill.values[num] = None
    elif kind == "percent_for_count":
        fill.values[num] = "85%"
    elif kind == "out_of_range":
        fill.values[num] = (fill.values[den] or 0) * 3 + 7
    elif kind == "formula_remark":
        fill.values[remark_name(sub.code)] = "=口径同上年，数据待统计局复核"
    elif kind == "messy_text":
        fill.values[den] = _fullwidth(f"{fill.values[den]:,}") + " "
    else:
        raise ValueError(kind)
    fill.mistakes.append(f"{sub.code} {MISTAKE_LABELS[kind]}")


def _fullwidth(text: str) -> str:
    return text.translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．"))


def write_fill(template: Path, out: Path, fill: CityFill, saved_at: float | None = None) -> Path:
    """Save a copy of ``template`` with ``fill`` written into its named cells; ``saved_at`` (POSIX
    seconds): the save time its docProps/core.xml records, else this run's (openpyxl's)."""
    import openpyxl

    book = openpyxl.load_workbook(template)
    for name, value in fill.values.items():
        if name not in book.defined_names:
            continue
        for sheet, coord in book.defined_names[name].destinations:
            cell = book[sheet][coord.replace("$", "")]
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text a city typed, not a formula
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    if saved_at is not None:
        _set_saved_time(out, saved_at)
    return out


def _set_saved_time(path: Path, saved_at: float) -> None:
    """dcterms:modified as the filer's office suite would have written it. openpyxl stamps the
    time of this run, years after the demo round's mail dates: a workbook saved after the mail
    that carried it is a wrong clock (TIME_SAVED_AFTER_MAIL), not how a city returns its file."""
    import re
    import zipfile
    from datetime import datetime, timezone

    stamp = datetime.fromtimestamp(saved_at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\2", data)
            target.writestr(info, data)


def fill_central(path: Path, values: dict[str, dict[str, Decimal]]) -> Path:
    """Type the secretariat's values into a central-feed template, as the secretariat would."""
    import openpyxl

    from sceval.intake.central import CODE_KEY, FIRST_DATA_ROW, KEY_ROW, SHEET

    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    keys = [cell.value for cell in sheet[KEY_ROW + 1]]
    code_col = keys.index(CODE_KEY)
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW + 1):
        for name, value in values.get(str(row[code_col].value), {}).items():
            if name in keys:
                row[keys.index(name)].value = float(value)
    book.save(path)
    return path
