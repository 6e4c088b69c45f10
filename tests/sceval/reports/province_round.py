"""A whole 江苏省 round for the report tests: render, fill, ingest, for real.

Six cities: 南京 (realistic), 无锡 (every input at its best: scores at their maxima), 徐州
(pasted 南京's numbers), 苏州 (inside a zip of attachments, one count typed as text "8,710"),
扬州 (its only return a password-protected .xls), 淮安 (its only return has a locked weight edited), 连云港
(sends nothing); and a 浙江 city's return sent to 江苏 by mistake. Optional indicators are the demo's, rendered for 江苏.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from sctemplates.layout import file_name
from sctemplates.roster import City, Roster

from sceval.demo.fill import CityFill, fill_central, realistic_fill, write_fill
from sceval.demo.round import load_demo_inputs
from tests.sceval.hostile import write_encrypted

JIANGSU = Roster("320000", "江苏省", (
    City("320100", "南京市", "副省级市"), City("320200", "无锡市", "地级市"),
    City("320300", "徐州市", "地级市"), City("320500", "苏州市", "地级市"),
    City("320700", "连云港市", "地级市"), City("320800", "淮安市", "地级市"),
    City("321000", "扬州市", "地级市"),
))
ZIP_NAME = "转发附件.zip"


@dataclass
class ProvinceRound:
    catalog: object
    optional: object
    roster: Roster
    inbox: Path
    out: Path
    run: object  # sceval.ingest.batch.IngestRun

    def city(self, code: str) -> dict:
        return next(c for c in self.run.results["cities"] if c["code"] == code)


def best_fill(catalogs, city_name: str) -> CityFill:
    """Every input at its best: full ratios, top grades, rates at their targets."""
    fill = realistic_fill(catalogs, seed=1, city_name=city_name)
    for catalog in catalogs:
        for sub in catalog.sub_items():
            for item in sub.inputs:
                if not item.city_fills:
                    continue
                if item.choices:
                    fill.values[item.name] = item.choices[-1].label
                elif item.role in ("numerator", "denominator"):
                    fill.values[item.name] = 400
                elif item.role == "value":  # a rate: at its target, the full weight
                    fill.values[item.name] = float(dict(sub.params)["target"])
    return fill


def TEXT_COUNT_INPUT(catalog):
    """The denominator 苏州 types as "8,710" (text with a thousands separator)."""
    return next(s for s in catalog.sub_items() if s.method == "ratio").input("denominator")


def _edit_a_weight(path: Path, catalog) -> Path:
    """The city "corrects" a locked weight (the first sub-item's, column C of its row)."""
    import openpyxl

    from sctemplates.layout import SHEET_BASE

    book = openpyxl.load_workbook(path)
    code = next(catalog.sub_items()).code
    row = next(r[0].row for r in book[SHEET_BASE].iter_rows() if r[0].value == code)
    book[SHEET_BASE][f"C{row}"].value = 99
    book.save(path)
    return path


def _other_province_return(catalog, folder: Path, inbox: Path) -> Path:
    """温州's return (浙江's template) that landed in 江苏's inbox."""
    from sctemplates.render import render_all

    from sceval.demo.round import load_demo_inputs as demo

    _, zhejiang, province, optional = demo()
    wenzhou = Roster(zhejiang.province_code, zhejiang.province_name, (zhejiang.cities[2],))
    (template,) = render_all(catalog, wenzhou, folder, optional=optional, province=province)
    fill = realistic_fill([catalog, optional], seed=330300, city_name=wenzhou.cities[0].name)
    return write_fill(template, inbox / template.name, fill)


def _central(path: Path, catalog, roster: Roster) -> dict:
    from sceval.intake.central import read_central, write_central_template
    from decimal import Decimal

    write_central_template(roster, path, catalog)
    values = {c.code: {item.name: Decimal("100") if c.code == "320200" else Decimal("66.5")
                       for _, _, item in catalog.inputs() if not item.city_fills}
              for c in roster.cities}
    fill_central(path, values)
    return read_central(path, catalog, roster)


def run_round(root: Path, optional_given: bool = True, central_given: bool = True) -> ProvinceRound:
    from sctemplates.render import render_all

    from sceval.ingest.batch import IngestOptions, ingest

    catalog, _, _, optional = load_demo_inputs()
    templates = dict(zip((c.code for c in JIANGSU.cities),
                         render_all(catalog, JIANGSU, root / "模板", optional=optional)))
    inbox = root / "回收"
    inbox.mkdir(parents=True)
    catalogs = [catalog, optional]
    nanjing = realistic_fill(catalogs, seed=320100, city_name="南京市")
    fills = {"320100": nanjing, "320200": best_fill(catalogs, "无锡市"),
             "320300": CityFill(values=dict(nanjing.values)),
             "320500": realistic_fill(catalogs, seed=320500, city_name="苏州市")}
    fills["320500"].values[TEXT_COUNT_INPUT(catalog).name] = "8,710"
    for code, fill in fills.items():
        name = file_name(code, next(c.name for c in JIANGSU.cities if c.code == code))
        write_fill(templates[code], inbox / name, fill)
    _edit_a_weight(write_fill(templates["320800"], inbox / file_name("320800", "淮安市"),
                              realistic_fill(catalogs, seed=320800, city_name="淮安市")), catalog)
    suzhou = next(inbox.glob("320500_*"))
    with zipfile.ZipFile(inbox / ZIP_NAME, "w") as bundle:
        bundle.write(suzhou, suzhou.name)
    suzhou.unlink()
    # a password-protected .xls: refused whether or not LibreOffice could convert an open one
    encrypted = write_encrypted(root)
    encrypted.rename(inbox / "321000_扬州市_填报表.xls")
    _other_province_return(catalog, root / "浙江模板", inbox)
    feed, feed_issues = _central(root / "统一数据.xlsx", catalog, JIANGSU) if central_given else (None, [])
    out = root / "结果"
    run = ingest([inbox], out, IngestOptions(catalog, central=feed, roster=JIANGSU,
                                             optional=optional if optional_given else None,
                                             jobs=1, ledger_path=out / "ledger.sqlite",
                                             feed_issues=feed_issues))
    return ProvinceRound(catalog, optional, JIANGSU, inbox, out, run)
