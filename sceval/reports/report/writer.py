"""write_report: the 附件4 evaluation work report as an editable Word draft (and a PDF beside it).

The library entry point that ``sceval report`` and the tests call. Inputs are results.json dicts
(one per province: several make the national variant), cases.json, and the province's
configuration; the .docx is written atomically, the PDF converted by LibreOffice when present.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from sctemplates.atomic import atomic_path

from sceval.office import run_headless, soffice

from sceval.reports.report.chapter_one import province_config, write_chapter_one
from sceval.reports.report.chapter_three import write_chapter_three
from sceval.reports.report.chapter_two import write_scores
from sceval.reports.report.document import Writer, new_document
from sceval.reports.report.facts import ReportFacts, build_facts, outline
from sceval.reports.report.fonts import BUNDLED
from sceval.reports.report.quality import write_quality

PDF_TIMEOUT_SECONDS = 180


def _load_json(value) -> dict | None:
    if value is None or isinstance(value, dict):
        return value
    return json.loads(Path(value).read_text(encoding="utf-8"))


def _load_province(value):
    if value is None or not isinstance(value, (str, Path)):
        return value
    from sctemplates.province import load_province

    return load_province(value)


def build_report(results_list, cases=None, province=None) -> tuple[object, Writer, ReportFacts]:
    """The document in memory, its writer (numbered tables, charts placed) and the facts."""
    from sceval.reports.report.ledger_view import read_ledger

    given = [results_list] if isinstance(results_list, (dict, str, Path)) else list(results_list)
    facts = build_facts([_load_json(r) for r in given], _load_json(cases), _load_province(province))
    for round_, item in zip(facts.provinces, given):
        round_.ledger = None if isinstance(item, dict) else read_ledger(Path(item))
    document = new_document()
    writer = Writer(document)
    _title(writer, facts)
    write_chapter_one(writer, facts)
    write_scores(writer, facts)
    write_quality(writer, facts)
    write_chapter_three(writer, facts)
    return document, writer, facts


def _title(writer: Writer, facts: ReportFacts) -> None:
    text = outline()
    if facts.national:
        title = text["national_title"].format(edition=facts.edition)
    else:
        title = text["title"].format(round=province_config(facts.provinces[0]).round_name)
    writer.document.add_heading(title, level=0)
    writer.paragraph(text["subtitle"])


def write_report(results_list, cases=None, province=None, out="评价工作报告.docx", pdf: bool = False) -> Path:
    """Write the report to ``out`` (.docx); with ``pdf`` also a PDF beside it when LibreOffice is
    installed. Returns the .docx path."""
    document, writer, _facts = build_report(results_list, cases, province)
    out = Path(out)
    with atomic_path(out) as tmp:
        document.save(str(tmp))
    if pdf:
        to_pdf(out)
    return out


def to_pdf(docx: Path, timeout: int = PDF_TIMEOUT_SECONDS) -> Path | None:
    """The PDF beside ``docx`` (same name, .pdf), or None when LibreOffice is not installed.

    soffice works on a copy in a private folder with its own user profile (parallel runs never
    share LibreOffice's lock), in its own process group so a timeout ends soffice.bin as well.
    """
    program = soffice()
    if program is None:
        return None
    target = docx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="sceval-report-") as folder:
        work = Path(folder)
        source = work / "report.docx"
        shutil.copyfile(docx, source)
        # LibreOffice also loads fonts from its profile's user/fonts: with the bundled font there,
        # a machine without any CJK system font still gets Chinese glyphs in the PDF.
        (work / "profile" / "user" / "fonts").mkdir(parents=True)
        shutil.copy(BUNDLED, work / "profile" / "user" / "fonts")
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(work / "out"), str(source)]
        if not run_headless(command, timeout):
            raise RuntimeError(f"LibreOffice 转换 PDF 超过 {timeout} 秒：{docx}")
        produced = work / "out" / "report.pdf"
        if not produced.is_file():
            raise RuntimeError(f"LibreOffice 未能将 {docx} 转换为 PDF")
        with atomic_path(target) as tmp:
            shutil.copyfile(produced, tmp)
    return target
