"""The demo's second round (issue 23): the same roster a year on, the first round as --previous.

Written under <out>/第二轮/ so the first round's outputs stay exactly as they were. Templates show
each city's previous values in the grey 上一轮填报值 column; the cities answer with their first
round's values (mistakes corrected) and: a few improve (ratios move toward their denominators),
one types a denominator with an extra digit (a tenfold jump, warned YOY_JUMP), one has a new
contact (the roster's contact and the filer change). Ingest compares with the first round; the
summary gains 与上一轮对比 and the report its comparison. Cities chosen by roster position.
"""
from __future__ import annotations

import dataclasses
import os
from decimal import Decimal
from pathlib import Path

from sctemplates.layout import file_name
from sctemplates.roster import Roster

from sceval.demo.fill import realistic_fill, write_fill

SECOND_DIR = "第二轮"
IMPROVING = (1, 4, 7)  # roster positions whose ratios rise
TYPO_CITY = 5  # one denominator typed with an extra digit
NEW_CONTACT_CITY = 3
NEW_CONTACT = ("新任联系人（虚构）", "newcontact@example.invalid", "0571-00000999")
ROUND_SUFFIX = "（第二轮）"
SECOND_TIME = 1513728000  # 2017-12-20 00:00 UTC: a year after the first round's returns


@dataclasses.dataclass
class SecondRound:
    out: Path
    templates: list = dataclasses.field(default_factory=list)
    drafts: list = dataclasses.field(default_factory=list)
    returns: list = dataclasses.field(default_factory=list)
    results: Path | None = None
    summary: Path | None = None
    report: Path | None = None


def run_second_round(first, catalog, roster: Roster, province, optional, jobs=None) -> SecondRound:
    """``first``: the first round's sceval.demo.round.DemoRun (its results.json and central feed)."""
    from sctemplates.render import render_all

    from sceval.demo.mail import write_drafts
    from sceval.previous.load import load_previous

    second = SecondRound(out=first.out / SECOND_DIR)
    previous = load_previous([first.results])
    config = dataclasses.replace(province, round_name=province.round_name + ROUND_SUFFIX)
    roster = with_new_contact(roster, NEW_CONTACT_CITY)
    second.templates = render_all(catalog, roster, second.out / "1_模板", optional=optional, province=config,
                                  jobs=jobs or 1, previous=previous)
    second.drafts = write_drafts(second.out, roster, second.out / "1_模板", config, catalog.data_cutoff)
    second.returns = _returns(second, catalog, roster, optional, first.notes)
    _ingest(second, first, catalog, roster, optional, previous, config, jobs)
    return second


def with_new_contact(roster: Roster, index: int) -> Roster:
    cities = list(roster.cities)
    contact, email, phone = NEW_CONTACT
    cities[index] = dataclasses.replace(cities[index], contact=contact, email=email, phone=phone)
    return dataclasses.replace(roster, cities=tuple(cities))


def _returns(second: SecondRound, catalog, roster: Roster, optional, notes: list[str]) -> list[Path]:
    inbox = second.out / "2_回收"
    paths = []
    for index, (city, template) in enumerate(zip(roster.cities, second.templates)):
        fill = realistic_fill([catalog, optional] if city.takes_optional else [catalog], seed=int(city.code),
                              city_name=city.name)
        said = _change(fill, catalog, index, city)
        if said:
            notes.append(f"第二轮 {city.name}：{said}")
        path = write_fill(template, inbox / file_name(city.code, city.name).replace(".xlsx", "（第二轮）.xlsx"), fill)
        os.utime(path, (SECOND_TIME + index * 3600,) * 2)
        paths.append(path)
    return paths


def _change(fill, catalog, index: int, city) -> str:
    if index in IMPROVING:
        return _improve(fill, catalog)
    if index == TYPO_CITY:
        return _typo(fill, catalog)
    if index == NEW_CONTACT_CITY:
        fill.values["SC_FILER_NAME"] = NEW_CONTACT[0]
        return f"联系人更换为{NEW_CONTACT[0]}（{NEW_CONTACT[1]}）"
    return ""


def _ratios(catalog):
    return [sub for sub in catalog.sub_items() if sub.method == "ratio"]


def _improve(fill, catalog) -> str:
    """Each ratio's numerator a third of the way to its denominator (whole numbers stay whole)."""
    for sub in _ratios(catalog):
        num, den = sub.input("numerator"), sub.input("denominator")
        before, whole = fill.values.get(num.name), fill.values.get(den.name)
        if isinstance(before, (int, float)) and isinstance(whole, (int, float)) and before < whole:
            raised = Decimal(str(before)) + (Decimal(str(whole)) - Decimal(str(before))) / 3
            fill.values[num.name] = int(raised) if num.integer else float(raised.quantize(Decimal("0.1")))
    return "各比例类指标的分子提高（建设进展）"


def _typo(fill, catalog) -> str:
    """The first integer denominator typed with an extra digit 7: more than tenfold."""
    sub = next(s for s in _ratios(catalog) if s.input("denominator").integer)
    name = sub.input("denominator").name
    fill.values[name] = fill.values[name] * 10 + 7
    return f"{sub.code} 分母多输入一位（{fill.values[name]}），应被提示 YOY_JUMP"


def _ingest(second: SecondRound, first, catalog, roster, optional, previous, config, jobs) -> None:
    from sceval.ingest.batch import IngestOptions, ingest
    from sceval.intake.central import load_central
    from sceval.reports.report import write_report

    result_dir = second.out / "4_回收结果"
    feed = load_central(first.central, catalog, roster)
    ingest([second.out / "2_回收"], result_dir, IngestOptions(
        catalog, central=feed.values, optional=optional, roster=roster, jobs=jobs,
        ledger_path=result_dir / "ledger.sqlite", feed_issues=feed.issues, central_issues=feed.city_issues,
        previous=previous, round_name=config.round_name))
    second.results = result_dir / "results.json"
    second.summary = next(iter(sorted(result_dir.glob("汇总_*.xlsx"))), None)
    second.report = write_report([second.results], province=config, out=result_dir / "评价工作报告.docx")
