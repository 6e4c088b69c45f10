"""`sceval cases check`: each case document's format, city, title, sections, 字数, 图表, sources
and advertising, as a CaseRecord; all of them as a CasesReport written to cases.json.

Bad input never stops the batch: whatever goes wrong with one file becomes an Issue on its record.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sctemplates.atomic import write_text_atomic
from sctemplates.display import neutral, one_line
from sctemplates.issues import Issue, issue
from sctemplates.roster import Roster

from sceval.cases import convert
from sceval.cases.findings import Read, all_findings
from sceval.cases.inputs import short
from sceval.cases.outline import outline
from sceval.cases.package import Package, ole_kind, open_package
from sceval.cases.stream import DocumentTooLarge
from sceval.cases.who import identify
from sceval.safety.ole import OLE_MAGIC
from sceval.safety.preflight import ZIP_MAGICS, Limits

CASES_FILE = "cases.json"
OK, WARNINGS, REJECTED = "ok", "warnings", "rejected"
CONVERTIBLE = ("ole2", "rtf")
TITLE_LIMIT = 300  # characters of a title or heading kept (a real title: < 60)


@dataclass
class CaseRecord:
    file: str
    sha256: str = ""
    city: dict | None = None
    city_basis: str | None = None
    city_sources: dict = field(default_factory=dict)  # passport | file_name | title | text -> city named
    title: str = ""
    characters: int = 0
    footnote_characters: int = 0
    textbox_characters: int = 0
    figures: int = 0
    tables: int = 0
    sections: list[dict] = field(default_factory=list)
    opening: str = ""
    issues: list[Issue] = field(default_factory=list)
    not_a_case: bool = False  # a PDF print of the fill-in workbook: not kept in cases.json

    @property
    def status(self) -> str:
        if any(item.is_error for item in self.issues):
            return REJECTED
        return WARNINGS if any(item.severity == "warning" for item in self.issues) else OK

    def as_dict(self) -> dict:
        return {"file": self.file, "sha256": self.sha256, "city": self.city, "city_basis": self.city_basis,
                "city_sources": self.city_sources,
                "title": self.title, "characters": self.characters,
                "footnote_characters": self.footnote_characters, "textbox_characters": self.textbox_characters,
                "figures": self.figures, "tables": self.tables, "sections": self.sections,
                "opening": self.opening, "status": self.status, "issues": [i.as_dict() for i in self.issues]}


@dataclass
class CasesReport:
    generated_at: str
    files: list[CaseRecord] = field(default_factory=list)
    path: Path | None = None  # cases.json, once written
    not_cases: list[str] = field(default_factory=list)  # PDF prints of the fill-in workbook, left out

    def as_dict(self) -> dict:
        return {"generated_at": self.generated_at, "files": [record.as_dict() for record in self.files]}


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def write_cases_json(report: CasesReport, out_dir) -> Path:
    target = Path(out_dir) / CASES_FILE
    write_text_atomic(target, json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    report.path = target
    return target


def check_cases(inputs, roster: Roster | None = None, out_dir=None, limits: Limits = Limits(),
                generated_at: str | None = None, exclude=None, every_named_file: bool = True,
                jobs: int | None = None) -> CasesReport:
    """Check every case document among ``inputs`` (files, folders, .zip, mail); cases.json in ``out_dir``.

    ``exclude``: a folder never searched; ``every_named_file``: see sceval.cases.inputs.case_documents;
    ``jobs``: processes (default: one per CPU); the records come back in the inputs' order either way.
    """
    from sceval.cases.inputs import case_documents

    report = CasesReport(generated_at=generated_at or now_iso())
    with tempfile.TemporaryDirectory(prefix="sceval-cases-") as work:
        documents, problems = case_documents(inputs, Path(work), exclude, every_named_file)
        budget = convert.Budget.for_run(limits.seconds)  # one clock for every conversion of the run
        checked = _with_link_notes(_check_all(documents, roster, limits, jobs or os.cpu_count() or 1, budget),
                                   documents)
        report.files = _once([r for r in checked if not r.not_a_case]) + problems
        report.not_cases = [r.file for r in checked if r.not_a_case]
    if out_dir is not None:
        write_cases_json(report, out_dir)
    return report


def _with_link_notes(records: list[CaseRecord], documents) -> list[CaseRecord]:
    """A document reached through a link (inside the inputs) says so, as the workbook walker does."""
    for record, document in zip(records, documents):
        if document.link_target:
            record.issues.insert(0, issue("FILE_LINK_FOLLOWED", f"“{short(record.file)}”是指向“{document.link_target}”"
                                                                "的符号链接，已读取其指向的文件", file=record.file))
    return records


def _once(records: list[CaseRecord]) -> list[CaseRecord]:
    """One record per document: the same bytes sent twice (saved to a folder and still in the
    mailbox) are one case, not two for the city; the first record names the copy (FILE_DUPLICATE)."""
    first: dict[str, CaseRecord] = {}
    kept = []
    for record in records:
        seen = first.get(record.sha256) if record.sha256 else None
        if seen is None:
            first.setdefault(record.sha256, record)
            kept.append(record)
            continue
        seen.issues.append(issue("FILE_DUPLICATE", f"文件“{short(record.file)}”与“{short(seen.file)}”内容完全相同，"
                                                   "只记录一次。", file=record.file))
    return kept


PARALLEL_FROM = 8  # fewer documents are checked faster than a pool starts
_SHARED: dict = {}


def _check_all(documents, roster, limits: Limits, jobs: int, budget: convert.Budget) -> list[CaseRecord]:
    if jobs <= 1 or len(documents) < PARALLEL_FROM or not hasattr(os, "fork"):
        return [check_case_file(d.path, d.display, roster, limits, budget) for d in documents]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_share, initargs=(roster, limits, budget)) as pool:
        return pool.map(_check_shared, [(d.path, d.display) for d in documents], chunksize=4)


def _share(roster, limits: Limits, budget: convert.Budget) -> None:
    _SHARED.update(roster=roster, limits=limits, budget=budget)  # once per worker, not once per document


def _check_shared(job: tuple[str, str]) -> CaseRecord:
    return check_case_file(job[0], job[1], _SHARED["roster"], _SHARED["limits"], _SHARED["budget"])


def check_case_file(path, display: str | None = None, roster: Roster | None = None,
                    limits: Limits = Limits(), budget: convert.Budget | None = None) -> CaseRecord:
    """One case document checked; never raises for a bad file."""
    display = display or os.path.basename(os.fspath(path))
    record = CaseRecord(file=display)
    try:
        data = _read_bounded(path, record, limits)
        if data is not None:
            record.sha256 = hashlib.sha256(data).hexdigest()
            if _kind(data) == "pdf":
                return _pdf(data, record, roster)
            package = _package(data, display, record, limits, budget or convert.Budget.for_run(limits.seconds))
            if package is not None and package.usable:
                _analyse(package, record, roster)
    except DocumentTooLarge as exc:
        record.issues.append(issue("CASE_BODY_TOO_LARGE", f"文件“{short(display)}”{exc.reason}，远超一篇案例的篇幅，"
                                                          "未读完，请精简后另存为 .docx 重新报送。", file=display))
    except Exception as exc:  # noqa: BLE001 — one broken document must not stop the batch
        record.issues.append(issue("CASE_UNREADABLE", f"文件“{short(display)}”无法读取（{type(exc).__name__}），"
                                                      "请用 Word 或 WPS 打开后另存为 .docx 重新报送。", file=display))
    return record


def _read_bounded(path, record: CaseRecord, limits: Limits) -> bytes | None:
    shown = short(record.file)
    if not os.path.isfile(path):
        record.issues.append(issue("CASE_UNREADABLE", f"文件“{shown}”不存在或不是普通文件。", file=record.file))
        return None
    size = os.path.getsize(path)
    if size == 0 or size > limits.max_bytes:
        said = "为空（0 字节）" if size == 0 else f"大小为 {size:,} 字节，超过上限 {limits.max_bytes:,} 字节"
        record.issues.append(issue("CASE_UNREADABLE", f"文件“{shown}”{said}，请重新发送。", file=record.file))
        return None
    with open(path, "rb") as stream:  # "rb": the input is never altered
        return stream.read()


def _kind(data: bytes) -> str:
    if data.startswith(ZIP_MAGICS):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole2"
    if data.startswith(b"%PDF"):
        return "pdf"
    return "rtf" if data.lstrip()[:5] == b"{\\rtf" else "other"


def _package(data: bytes, display: str, record: CaseRecord, limits: Limits, budget: convert.Budget) -> Package | None:
    kind = _kind(data)
    if kind == "ole2" and ole_kind(data) == "encrypted":
        return _refuse(record, "CASE_ENCRYPTED", "设置了打开密码（已加密），请取消密码后重新报送。")
    if kind == "ole2" and ole_kind(data) != "word":
        return _refuse(record, "CASE_NOT_DOCUMENT", "不是 Word 文档（可能是 Excel 或 PowerPoint 文件），请报送 .docx 格式的案例。")
    if kind in CONVERTIBLE:
        data = _converted(data, kind, record, budget)
        if data is None:
            return None
    elif kind != "zip":
        return _refuse(record, "CASE_NOT_DOCUMENT", "不是 Word 文档，请报送 .docx 格式的案例。")
    package = open_package(data, display, limits)
    record.issues += package.issues
    return package


def _pdf(data: bytes, record: CaseRecord, roster: Roster | None) -> CaseRecord:
    """A workbook print is not a case (dropped from cases.json); a PDF case gets its city from its name."""
    from sceval.cases.pdf import is_workbook_print
    from sceval.cases.who import city_sources

    if is_workbook_print(data, short(record.file)):
        record.not_a_case = True
        return record
    _refuse(record, "CASE_PDF", "是 PDF 文件：案例需要报送可编辑的 Word 文档（.docx），请一并报送 Word 版。")
    named = city_sources({}, record.file, "", "", roster).get("file_name")
    record.city, record.city_basis = (named, "file_name") if named else (None, None)
    record.city_sources = {"file_name": named} if named else {}
    return record


def _refuse(record: CaseRecord, code: str, said: str) -> None:
    record.issues.append(issue(code, f"文件“{short(record.file)}”{said}", file=record.file))
    return None


def _converted(data: bytes, kind: str, record: CaseRecord, budget: convert.Budget) -> bytes | None:
    # Named by content, not by the sender's suffix: a WPS 文字 .wps is a Word 97 file inside, and
    # under its own name LibreOffice would try the (unrelated) Microsoft Works filter.
    suffix = ".rtf" if kind == "rtf" else ".doc"
    seconds = budget.seconds()
    if seconds < 1:
        return _refuse(record, "CASE_CONVERT_BUDGET", f"是旧版 Word/WPS 文档，本次运行用于转换的时间（{convert.RUN_SECONDS} 秒）"
                                                      "已用完，未转换：请另存为 .docx 后重新报送，或单独检查该文件。")
    try:
        converted = convert.to_docx(data, suffix, seconds)
    except convert.ConversionUnavailable:
        return _refuse(record, "CASE_CONVERT_UNAVAILABLE", "是旧版 Word (.doc) 或 WPS 文字 (.wps) 文档，本机未安装"
                                                           " LibreOffice 无法转换：请另存为 .docx 后重新报送。")
    except convert.ConversionFailed as exc:
        return _refuse(record, "CASE_CONVERT_FAILED", f"是旧版 Word/WPS 文档，转换失败（{exc}）：请另存为 .docx 后重新报送。")
    record.issues.append(issue("CASE_CONVERTED", f"文件“{short(record.file)}”是旧版 Word/WPS 文档，已用 LibreOffice 转换为"
                                                 " .docx 后检查；请以 .docx 格式报送定稿。", file=record.file))
    return converted


def _analyse(package: Package, record: CaseRecord, roster: Roster | None) -> None:
    from sceval.cases.reader import read_case
    from sceval.cases.wordcount import count_paragraphs

    spec = outline()
    read, custom, notes = read_case(package, record.file, spec)
    # Shown as its bytes say and XML-safe everywhere it goes (cases.json, 优秀案例 sheet, report): item 19.
    record.title = one_line(read.body.paragraphs[read.title].text.strip(), TITLE_LIMIT) if read.title is not None else ""
    record.characters = read.characters
    record.footnote_characters = count_paragraphs(notes)
    record.textbox_characters = count_paragraphs(read.body.textboxes)
    record.figures, record.tables = len(read.body.figures), len(read.body.tables)
    record.sections = _sections(read, spec)
    record.opening = neutral(_opening(read, spec["opening_characters"]))
    body = " ".join(p.text for i, p in enumerate(read.body.paragraphs[:60]) if i != read.title)
    record.city, record.city_basis, found, record.city_sources = identify(custom, record.file, record.title,
                                                                          body, roster)
    record.issues += found + all_findings(read, spec)


def _sections(read: Read, spec) -> list[dict]:
    rows = []
    for section in spec.sections:
        heading = read.sections.get(section.key)
        paragraph = read.body.paragraphs[heading.index] if heading is not None else None
        rows.append({"name": section.name, "found": heading is not None,
                     "heading": one_line(paragraph.text.strip(), TITLE_LIMIT) if paragraph is not None else None,
                     "paragraph": paragraph.number if paragraph is not None else None})
    return rows


def _opening(read: Read, limit: int) -> str:
    """The first characters of body text after the title: no headings, no guidance."""
    headings = {h.index for h in read.headings} | set(read.guidance)
    start = (read.title + 1) if read.title is not None else 0
    text = ""
    for index in range(start, len(read.body.paragraphs)):
        if index not in headings and read.body.paragraphs[index].table is None:
            text += read.body.paragraphs[index].text.strip()
            if len(text) >= limit:
                return text[:limit] + "…"
    return text
