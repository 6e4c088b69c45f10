"""Regenerate the demo province's workbooks from their reviewable text sources.

    .venv/bin/python workbooks/make_demo_inputs.py

writes, next to this script:
  - roster_330000_浙江省.xlsx   the .xlsx twin of roster_330000_浙江省.csv
  - optional_330000_浙江省.xlsx  the optional indicators of optional_330000_浙江省.yaml, in the
                                 Attachment-2 layout, then checks it with the library.
"""
from __future__ import annotations

import datetime
import sys
from pathlib import Path

import yaml

from sctemplates.atomic import atomic_path
from sctemplates.catalog import load_catalog
from sctemplates.methods import METHODS
from sctemplates.optional.definition import check_optional
from sctemplates.optional.workbook import write_optional_template
from sctemplates.roster import load_roster

HERE = Path(__file__).resolve().parent
ROSTER_CSV = HERE / "roster_330000_浙江省.csv"
OPTIONAL_YAML = HERE / "optional_330000_浙江省.yaml"
# A fixed timestamp (the notice's date) keeps regenerated files byte-for-byte identical.
CREATED = datetime.datetime(2016, 11, 22)


def write_roster_xlsx(csv_path: Path, target: Path) -> Path:
    """The roster CSV as a one-sheet workbook with codes stored as text (as provinces keep them)."""
    import xlsxwriter

    roster = load_roster(csv_path)
    with atomic_path(target) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        book.set_properties({"title": "城市名单", "created": CREATED})
        sheet = book.add_worksheet("城市名单")
        for col, header in enumerate(("代码", "名称", "类型")):
            sheet.write_string(0, col, header)
        for row, city in enumerate(roster.cities, start=1):
            for col, value in enumerate((city.code, city.name, city.kind)):
                sheet.write_string(row, col, value)
        book.close()
    return target


def optional_rows(indicators: list[dict]) -> list[dict]:
    """The YAML tree as one row per sub-item; second-level facts on the first row only."""
    rows = []
    for second in indicators:
        for index, sub in enumerate(second["sub_items"]):
            row = _sub_row(sub)
            if index == 0:
                row.update(second_code=second["code"], second_name=second["name"],
                           second_weight=second["weight"], definition=second["definition"])
            rows.append(row)
    return rows


def _sub_row(sub: dict) -> dict:
    first = sub.get("numerator") or sub.get("value") or {}
    second = sub.get("denominator") or {}
    scale = "；".join(f"{label}:{fraction}" for label, fraction in sub.get("scale") or [])
    return {
        "sub_code": sub["code"], "sub_name": sub["name"], "sub_weight": sub["weight"],
        "method": METHODS[sub["method"]].label, "calc": sub["calc"],
        "in1_label": first.get("label", ""), "in1_unit": first.get("unit", ""),
        "in2_label": second.get("label", ""), "in2_unit": second.get("unit", ""),
        "scale": scale, "target": sub.get("target", ""),
    }


def write_optional_example(source: Path, target: Path) -> Path:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    return write_optional_template(target, optional_rows(data["indicators"]), title=data["title"], created=CREATED)


def main() -> int:
    print(write_roster_xlsx(ROSTER_CSV, HERE / "roster_330000_浙江省.xlsx"))
    target = write_optional_example(OPTIONAL_YAML, HERE / "optional_330000_浙江省.xlsx")
    result = check_optional(target, load_catalog())
    for item in result.issues:
        print(item.code, item.cell, item.message)
    print(target, "有效" if result.ok else "无效")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
