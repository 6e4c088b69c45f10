"""`sceval demo`: a whole evaluation round on the bundled 浙江省 demo province.

Renders the templates, fills them as cities would (deterministic seed; realistic values; typical
mistakes; one city that never replies; one corrected second submission; two returns arriving in
a zip of e-mail attachments; the drafts sent and every answer read from one mbox, see
sceval.demo.mail), writes and fills the secretariat's central feed, ingests everything
and writes results.json, the feedback workbooks and the summary workbook.
"""
from __future__ import annotations

import os
import random
import shutil
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sctemplates.catalog import load_catalog
from sctemplates.layout import file_name

from sceval.demo.cases import write_demo_cases
from sceval.demo.fill import plant_mistake, realistic_fill, write_fill
from sceval.demo.mail import pack_mailbox, write_drafts
from sceval.safety.filenames import sha256_file

# The demo province's inputs ship inside the package, so `sceval demo` works from an installed wheel.
INPUTS_DIR = Path(__file__).resolve().parent / "inputs"
DEMO_INPUTS = {
    "roster": "roster_330000_浙江省.csv",
    "province": "province_330000.yaml",
    "optional": "optional_330000_浙江省.xlsx",
}
# What each city does, by its position in the roster (data-driven: no city is named in code).
MISTAKES = {2: "missing", 3: "percent_for_count", 4: "out_of_range", 5: "formula_remark",
            10: "messy_text"}
SILENT_CITY = 8  # never replies
CORRECTED_CITY = 6  # first return has an error, a corrected one follows a day later
ZIPPED_CITIES = (0, 9)  # arrive together as one e-mail's zip of attachments
BASE_TIME = 1482192000  # 2016-12-20 00:00 UTC: returns arrive before the 2016-12-30 deadline
SAVED_BEFORE_SENDING = 20 * 60  # a filer saves the workbook, then mails it (seconds)


@dataclass
class DemoRun:
    out: Path
    templates: list[Path] = field(default_factory=list)
    drafts: list[Path] = field(default_factory=list)  # the province's .eml drafts, one per city
    returns: list[Path] = field(default_factory=list)
    central: Path | None = None
    results: Path | None = None
    summary: Path | None = None
    feedback: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ingest: object = None  # the IngestRun
    digests: dict = field(default_factory=dict)  # sha256 of every return before ingest
    report: Path | None = None  # 附件4 evaluation work report (.docx; a .pdf beside it with LibreOffice)
    rescored: Path | None = None  # results.json rescored under a revised catalog (sceval.demo.after)
    second: object = None  # the second round, first round as --previous (sceval.demo.second)


def load_demo_inputs(inputs: Path = INPUTS_DIR):
    """The demo province's roster, configuration and optional indicators, with the catalog."""
    from sctemplates.optional.definition import load_optional
    from sctemplates.province import load_province
    from sctemplates.roster import load_roster

    catalog = load_catalog()
    roster = load_roster(inputs / DEMO_INPUTS["roster"])
    province = load_province(inputs / DEMO_INPUTS["province"])
    optional = load_optional(inputs / DEMO_INPUTS["optional"], catalog)
    return catalog, roster, province, optional


def run_demo(out: Path, inputs: Path = INPUTS_DIR, jobs: int | None = None, progress=None) -> DemoRun:
    from sctemplates.render import render_all

    catalog, roster, province, optional = load_demo_inputs(inputs)
    _clear(out)
    run = DemoRun(out=out)
    run.templates = render_all(catalog, roster, out / "1_模板", optional=optional,
                               province=province, progress=progress, jobs=jobs or 1)
    run.drafts = write_drafts(out, roster, out / "1_模板", province, catalog.data_cutoff)
    run.returns = _city_returns(run, catalog, roster, optional)
    run.returns = [pack_mailbox(run.returns, out / "2_回收邮件", roster, province, SILENT_CITY, CORRECTED_CITY,
                                run.notes)]  # the cities answer by mail: one mbox (sceval.demo.mail)
    run.returns += write_demo_cases(out / "2_回收邮件" / "优秀案例", roster, province, run.notes)  # 附件3 cases
    run.central = _central_feed(out / "3_秘书处统一数据.xlsx", catalog, roster)
    run.digests = {path: sha256_file(path) for path in run.returns}
    _ingest(run, catalog, roster, optional, jobs)
    _after_returns(run)
    _report(run, province)
    from sceval.demo.second import run_second_round  # issue 23: a year on, in <out>/第二轮/

    run.second = run_second_round(run, catalog, roster, province, optional, jobs)
    return run


def _after_returns(run: DemoRun) -> None:
    """One review adjustment (rescored in place) and a revised catalog's rescoring (sceval.demo.after)."""
    from sceval.demo.after import adjust_one, rescore_revised

    adjust_one(run.results.parent, run.notes)
    run.rescored = rescore_revised(run.out, run.results.parent, run.notes)


def _report(run: DemoRun, province) -> None:
    """The round ends with the evaluation work report, from results.json (and cases.json if any)."""
    from sceval.reports.report import to_pdf, write_report

    cases = run.results.with_name("cases.json")
    run.report = write_report([run.results], cases=cases if cases.is_file() else None, province=province,
                              out=run.results.with_name("评价工作报告.docx"))
    try:
        to_pdf(run.report)  # None without LibreOffice: the .docx is the deliverable
    except RuntimeError as exc:
        run.notes.append(f"评价工作报告未能转换为 PDF：{exc}")


def _clear(out: Path) -> None:
    """Start from an empty output folder, so a re-run shows exactly one round."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)


def _city_returns(run: DemoRun, catalog, roster, optional) -> list[Path]:
    inbox = run.out / "2_回收邮件"
    returns = []
    for index, (city, template) in enumerate(zip(roster.cities, run.templates)):
        if index == SILENT_CITY:
            run.notes.append(f"{city.name}：未报送")
            continue
        returns += _one_city(run, index, city, template, inbox, catalog, optional)
    zipped = {roster.cities[i].code for i in ZIPPED_CITIES if i < len(roster.cities)}
    return _zip_some(run, returns, inbox, zipped)


def _one_city(run, index, city, template, inbox, catalog, optional) -> list[Path]:
    catalogs = [catalog, optional] if city.takes_optional else [catalog]
    fill = realistic_fill(catalogs, seed=int(city.code), city_name=city.name)
    kind = MISTAKES.get(index)
    if kind:
        plant_mistake(fill, catalog, kind, offset=index)
        run.notes.append(f"{city.name}：{'；'.join(fill.mistakes)}")
    name = file_name(city.code, city.name).replace(".xlsx", "（已填）.xlsx")
    paths = [_write_return(template, inbox / name, fill, hours=index)]
    if index == CORRECTED_CITY:
        wrong = realistic_fill(catalogs, seed=int(city.code), city_name=city.name)
        plant_mistake(wrong, catalog, "out_of_range", offset=index)
        paths[0] = _write_return(template, inbox / name, wrong, hours=index)
        corrected = inbox / name.replace("（已填）", "（更正）")
        paths.append(_write_return(template, corrected, fill, hours=index + 24))
        run.notes.append(f"{city.name}：先报送的版本有误，次日报送更正版")
    return paths


def _write_return(template: Path, path: Path, fill, hours: int) -> Path:
    stamp = BASE_TIME + hours * 3600
    write_fill(template, path, fill, saved_at=stamp - SAVED_BEFORE_SENDING)  # saved, then mailed
    os.utime(path, (stamp, stamp))  # received-at: when the e-mail arrived
    return path


def _zip_some(run: DemoRun, returns: list[Path], inbox: Path, codes: set[str]) -> list[Path]:
    """Put some returns into one zip, as a province forwards an e-mail's attachments."""
    chosen = [p for p in returns if p.name[:6] in codes]
    if not chosen:
        return returns
    archive = inbox / "转发邮件附件.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in chosen:
            bundle.write(path, path.name)
            path.unlink()
    os.utime(archive, (BASE_TIME + 12 * 3600,) * 2)
    run.notes.append(f"{'、'.join(p.name.split('_')[1] for p in chosen)}：随同一封邮件以压缩包报送")
    return [p for p in returns if p not in chosen] + [archive]


def _central_feed(path: Path, catalog, roster) -> Path:
    """The secretariat's feed: L1P7-A2-like central rates and the survey score, per city."""
    from sceval.intake.central import write_central_template
    from sceval.demo.fill import fill_central

    write_central_template(roster, path, catalog)
    rng = random.Random(2016)
    values = {}
    for index, city in enumerate(roster.cities):
        if index == SILENT_CITY:
            continue
        values[city.code] = {
            item.name: Decimal(str(round(rng.uniform(*_feed_range(item)), 2)))
            for _, _, item in catalog.inputs() if not item.city_fills
        }
    fill_central(path, values)
    return path


def _feed_range(item) -> tuple[float, float]:
    # Survey scores of the first national round ran 54.9–71.0; central rates spread wider.
    return (54.9, 71.0) if item.source == "survey" else (35.0, 90.0)


def _ingest(run: DemoRun, catalog, roster, optional, jobs) -> None:
    from sceval.intake.central import load_central
    from sceval.ingest.batch import IngestOptions, ingest

    result_dir = run.out / "4_回收结果"
    feed = load_central(run.central, catalog, roster)
    outcome = ingest([run.out / "2_回收邮件"], result_dir, IngestOptions(catalog, central=feed.values,
                     optional=optional, roster=roster, jobs=jobs,
                     ledger_path=result_dir / "ledger.sqlite", feed_issues=feed.issues,
                     central_issues=feed.city_issues))
    run.results = result_dir / "results.json"
    run.summary = next(iter(sorted(result_dir.glob("汇总_*.xlsx"))), None)
    run.feedback = sorted((result_dir / "反馈").glob("*.xlsx")) if (result_dir / "反馈").exists() else []
    run.ingest = outcome
