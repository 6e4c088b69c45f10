"""Test helpers for ingest: render real templates, fill them by defined name, run one file.

Everything is real: templates come from sctemplates.render, values are written with openpyxl
(the way a filled copy is saved), and files are read back by the real reader.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sctemplates.catalog import load_catalog
from sctemplates.model import Catalog
from sctemplates.province import default_province
from sctemplates.render.city import render_city
from sctemplates.roster import City, Roster
from sceval.demo.round import INPUTS_DIR as DEMO_INPUTS_DIR

ROOT = Path(__file__).resolve().parents[2]
ROSTER_CSV = DEMO_INPUTS_DIR / "roster_330000_浙江省.csv"
GENERATED_AT = "2016-11-01T08:00:00+00:00"


def zhejiang() -> Roster:
    from sctemplates.roster import load_roster

    return load_roster(ROSTER_CSV)


def render(catalog: Catalog, city: City, roster: Roster, folder: Path, optional=None) -> Path:
    path = Path(folder) / f"template_{city.code}.xlsx"
    return render_city(catalog, city, default_province(roster), path, optional=optional,
                       generated_at=GENERATED_AT)


def valid_values(catalog: Catalog) -> dict[str, object]:
    """A complete, valid return: every ratio 1/2, every choice its last (full) label."""
    values: dict[str, object] = {}
    for _second, sub, item in catalog.inputs():
        if not item.city_fills:
            continue
        if item.choices:
            values[item.name] = item.choices[-1].label
        elif item.role == "denominator":
            values[item.name] = 200
        elif item.role == "numerator":
            values[item.name] = 100
        else:
            values[item.name] = 1.7  # a rate: half of a 3.4 target
    values.update(filer_values())
    return values


def filer_values() -> dict[str, object]:
    from sctemplates.layout import ATTEST_CHOICE

    return {"SC_FILER_NAME": "王明", "SC_FILER_DEPT": "市发展和改革委员会", "SC_FILER_PHONE": "0571-88888888",
            "SC_FILER_EMAIL": "sc@example.cn", "SC_FILER_DATE": "2016-12-20",
            "SC_FILER_ATTEST": ATTEST_CHOICE}


def fill(template: Path, out: Path, values: dict[str, object], edit=None) -> Path:
    """Save a copy of ``template`` with values written into named cells; ``edit(wb)`` may tamper."""
    import openpyxl

    book = openpyxl.load_workbook(template)
    for name, value in values.items():
        for sheet, coord in book.defined_names[name].destinations:
            book[sheet][coord.replace("$", "")].value = value
    if edit is not None:
        edit(book)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def filled_returns(catalog: Catalog, cities, roster: Roster, folder: Path) -> dict[str, Path]:
    """city code -> a complete, valid return of each city, named "<code>_<name>.xlsx" in ``folder``."""
    values = valid_values(catalog)
    return {city.code: fill(render(catalog, city, roster, folder), folder / f"{city.code}_{city.name}.xlsx", values)
            for city in cities}


def first_sub(catalog: Catalog, method: str):
    return next(sub for sub in catalog.sub_items() if sub.method == method)


def base_catalog() -> Catalog:
    return load_catalog()


def d(text: str) -> Decimal:
    return Decimal(text)
