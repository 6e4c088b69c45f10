"""One returned workbook, start to finish: preflight, read, identify, parse, check, score.

``process_file`` is a pure top-level function of a small picklable task, so it runs the same in a
worker process or in-process, and always returns a FileOutcome: bad input is Issues, never an
exception that stops the batch.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sctemplates.issues import Issue, has_errors, issue
from sctemplates.layout import (
    FILER_DATE, FILER_FIELDS, OPTIONAL_TOTAL_SCORE, SHEET_BASE, SHEET_FILER, SHEET_OPTIONAL,
)
from sctemplates.model import Catalog
from sctemplates.roster import Roster

from sceval.evaluate import checks
from sceval.evaluate import intent
from sceval.evaluate import parse
from sceval.evaluate import scoring
from sceval.evaluate import unit_scale
from sceval.workbook import template_rows
from sceval.evaluate.identify import BLOCKING, Identity, identify
from sceval.evaluate.parse import RawCell
from sceval.workbook.book import EMPTY_CELL, Book, read_book
from sceval.results.model import ACCEPTED, REJECTED, CityResult, FileOutcome, kept_text
from sceval.workbook.xml_sheet import DamagedCell


@dataclass(frozen=True)
class FileTask:
    source: str  # path on disk
    display: str  # path shown to people
    sha256: str  # "" when not known yet: the worker hashes the bytes preflight reads anyway
    size: int
    received_at: str
    catalog: Catalog
    optional: Catalog | None = None
    roster: Roster | None = None
    central: dict = field(default_factory=dict)  # city code -> {input name: Decimal}
    timeout: int = 120  # seconds per file; 0 = no limit
    limits: object = None  # sceval.safety.Limits for preflight; None = its defaults
    message: dict | None = None  # the letter a mailed file came in (sceval.mail), else None
    member_date: str = ""  # the zip member's stored date, for the ordering rule
    central_issues: dict = field(default_factory=dict)  # city code -> [Issue] about its feed cells
    deadline: str = ""  # the province configuration's (YYYY-MM-DD); "" = the passport's (sceval.ledger.lateness)


# What every task of a run shares (catalogs, roster, central feed, time limit), set once per worker
# process by the pool's initializer instead of being pickled into each task.
_SHARED: dict = {}


def init_worker(shared: dict) -> None:
    """Set the shared context of a pool worker. Frozen with the rest of the worker's start-up
    heap, so the collector's full passes skip the catalogs, as they do in a single process (see
    sceval.pool.frozen_heap); the worker belongs to the pool alone, so nothing else is affected."""
    import gc

    _SHARED.clear()
    _SHARED.update(shared)
    gc.freeze()


def process_shared(task: FileTask) -> FileOutcome:
    """process_file for a slim task whose shared fields come from init_worker."""
    return process_file(replace(task, **_SHARED))


def process_file(task: FileTask) -> FileOutcome:
    outcome = FileOutcome(path=task.display, source=task.source, sha256=task.sha256,
                          size=task.size, received_at=task.received_at, message=task.message)
    try:  # the time limit is kept by the worker pool (sceval.ingest.pool), which ends a stuck worker
        _hang_for_tests(task.display)
        _run(task, outcome)
    except DamagedCell as exc:  # read lazily, so found while identifying or evaluating
        outcome.status, outcome.result = REJECTED, None
        outcome.issues.append(_damaged(task.display, exc))
    except Exception as exc:  # noqa: BLE001 - one broken file never stops the batch
        outcome.status, outcome.result = REJECTED, None
        outcome.issues.append(issue("FILE_UNREADABLE", f"文件 {task.display} 无法处理（{type(exc).__name__}: "
                                                       f"{str(exc)[:160]}）", file=task.display))
    if outcome.result is not None:
        outcome.result.make_json_ready()
    return outcome


def _damaged(display: str, exc: DamagedCell) -> Issue:
    return issue("FILE_UNREADABLE", f"文件 {display} 工作表“{exc.sheet}”单元格 {exc.ref} 的内容已损坏（{exc.detail}），"
                                    "无法读取。请用 Excel 或 WPS 打开后重新保存，再报送", file=display, sheet=exc.sheet, cell=exc.ref)


# Tests only (tests/sceval/windows/test_pool_timeouts.py): a file whose shown name ends with this
# variable's value sleeps, as a reader stuck in native code would, so the pool's limit can be seen
# ending a real worker. Nothing of a file's content can reach it.
HANG_FOR_TESTS = "SCEVAL_TEST_HANG_ON"


def _hang_for_tests(display: str) -> None:
    name = os.environ.get(HANG_FOR_TESTS)
    if name and display.endswith(name):
        time.sleep(3600)


def _preflight(path: str, limits=None, parts: dict[str, bytes] | None = None):
    from sceval.workbook.book import wanted_part
    from sceval.safety.preflight import Limits, inspect

    return inspect(path, limits or Limits(), parts, wanted_part)


def _streamed_sha256(path: str) -> str:
    """The hash of a file preflight did not read whole (too large, empty); "" if it cannot be read."""
    from sceval.safety.filenames import sha256_file

    try:
        return sha256_file(path)
    except OSError:
        return ""


def _run(task: FileTask, outcome: FileOutcome) -> None:
    parts: dict[str, bytes] = {}  # inflated once by preflight, read again by nobody
    found = _preflight(task.source, task.limits, parts)
    outcome.sha256 = outcome.sha256 or found.sha256 or _streamed_sha256(task.source)
    refusal = _convertible(task.source, found)
    if refusal is not None:  # .ods/.xls/.et: read a converted copy (the hash stays the original's)
        return _run_converted(task, outcome, refusal, found.issues)
    _read_and_score(task, outcome, task.source, found, parts)


def _convertible(source: str, found):
    from sceval.intake import convert_return
    from sceval.intake.file_kinds import ODS, sniff

    is_ods = found.kind == "zip" and any(i.code == "FILE_NOT_XLSX" for i in found.issues) and sniff(source) is ODS
    return convert_return.convertible(found.issues, is_ods)


def _run_converted(task: FileTask, outcome: FileOutcome, refusal: Issue, original: list[Issue]) -> None:
    from sceval.intake.convert_return import as_original, converted_copy, time_limit

    with converted_copy(task.source, refusal, task.display, time_limit(task.timeout)) as converted:
        # the refusal gives way to what the conversion says (converted, or why it failed)
        outcome.issues += [i.at(file=task.display) for i in original if i is not refusal]
        outcome.issues += converted.issues
        if not converted.path:
            return _note_times(task, outcome, None)
        parts: dict[str, bytes] = {}
        found = _preflight(converted.path, task.limits, parts)
        found.issues = as_original(found.issues, task.display)
        _read_and_score(task, outcome, converted.path, found, parts)


def _read_and_score(task: FileTask, outcome: FileOutcome, source: str, found, parts: dict) -> None:
    outcome.issues += [i.at(file=task.display) for i in found.issues]
    if has_errors(outcome.issues):
        return _note_times(task, outcome, None)
    book, problems = read_book(source, task.display, parts, found.members)
    parts.clear()
    outcome.issues += problems
    _note_times(task, outcome, book)
    if book is None:
        return
    ident = identify(book, task.catalog, task.roster, task.optional, task.display)
    outcome.issues += ident.issues
    outcome.city = ident.city
    outcome.issues += _mail_issues(task, ident.city)
    _note_lateness(task, outcome, ident)
    if ident.passport is not None:
        outcome.template_id = ident.passport.template_id
        outcome.province = (ident.passport.province_code, ident.passport.province_name)
    if ident.blocked or ident.city is None:
        return
    outcome.issues += _locked_content_edits(book, task, ident)
    if any(i.code in BLOCKING for i in outcome.issues):
        return
    outcome.result = _evaluate(book, task, ident, outcome.issues)
    outcome.status = ACCEPTED
    if any(i.code == "BLANK_TEMPLATE" for i in outcome.issues):
        from sceval.ledger.ordering import BLANK

        outcome.times[BLANK] = True  # never counts over a filled return of the city


def _note_times(task: FileTask, outcome: FileOutcome, book: Book | None) -> None:
    """The times that travel with the file (sceval.ledger.ordering), future or unusable ones
    dropped with an Issue each."""
    from datetime import datetime, timezone

    from sceval.ledger import ordering

    raw = {"saved": book.saved_at if book else "", "filed": _filer_day(book),
           "message": (task.message or {}).get("date", ""), "member": task.member_date,
           "mtime": task.received_at}
    outcome.times, found = ordering.sane_times(raw, datetime.now(timezone.utc), task.display)
    outcome.issues += found
    if not task.received_at:
        outcome.issues.append(ordering.missing_mtime(task.display))


def _note_lateness(task: FileTask, outcome: FileOutcome, ident: Identity) -> None:
    """SUBMISSION_LATE (and files[].late) for a return sent after the deadline."""
    from sceval.ledger.lateness import deadline_of, late_issue, lateness

    if ident.city is None:
        return
    outcome.late = lateness(outcome.times, deadline_of(task.deadline, ident.passport))
    if outcome.late:
        outcome.issues.append(late_issue(outcome.late, task.display))


def _filer_day(book: Book | None) -> str:
    """The 填报日期 as an ISO day, or "" (a bad date is the filer check's business, not ours)."""
    raw = book.named(FILER_DATE) if book is not None else None
    if raw is None or raw is EMPTY_CELL:
        return ""
    parsed = parse.parse_date(raw)
    return parsed.value if parsed.ok and parse.ISO_DATE.match(str(parsed.value)) else ""


def _mail_issues(task: FileTask, city) -> list[Issue]:
    """What the letter says once the city is known (sender not the city's contact, …)."""
    if task.message is None:
        return []
    from sceval.intake.mailbox.checks import mail_issues

    known = task.roster.by_code().get(city.code, city) if task.roster and city else city
    return mail_issues(task.message, known, task.display)


def _uses_optional(task: FileTask, ident: Identity) -> bool:
    return task.optional is not None and ident.optional_ok and ident.city.takes_optional


def _locked_content_edits(book: Book, task: FileTask, ident: Identity) -> list[Issue]:
    """Locked content (codes, names, weights) compared with the catalog."""
    found = template_rows.template_edits(book, ident.sheets.get(SHEET_BASE, SHEET_BASE), task.catalog, task.display,
                                         weights=not ident.rules_revised)  # old weights are printed
    if _uses_optional(task, ident):
        found += template_rows.template_edits(book, ident.sheets.get(SHEET_OPTIONAL, SHEET_OPTIONAL),
                                              task.optional, task.display)
    return found


def _locator(book: Book, display: str):
    def locate(name: str) -> dict:
        sheet, cell = book.names.get(name, ("", ""))
        return {"file": display, "sheet": sheet, "cell": cell}
    return locate


def _lookup(book: Book):
    def lookup(name: str):
        if name not in book.names:
            return None
        sheet, cell = book.names[name]
        return book.cell(sheet, cell), sheet, cell
    return lookup


def _evaluate(book: Book, task: FileTask, ident: Identity, issues: list[Issue]) -> CityResult:
    catalogs = [task.catalog] + ([task.optional] if _uses_optional(task, ident) else [])
    locate, feed = _locator(book, task.display), task.central.get(ident.city.code, {})
    result = CityResult()
    parsed_all: dict[str, parse.Parsed] = {}
    for catalog in catalogs:
        parsed = parse.parse_city_inputs(catalog, _lookup(book), task.display)
        parsed_all.update(parsed)
        issues += [i for p in parsed.values() for i in p.issues]
        issues += checks.check_inputs(catalog, parsed, locate)
        issues += intent.fraction_warnings(catalog, parsed, locate)
        issues += unit_scale.unit_scale_warnings(catalog, parsed, locate)
    blank = intent.blank_template_issue(task.catalog, parsed_all, task.display)
    issues += [blank] if blank else []
    feed_issues = task.central_issues.get(ident.city.code, [])
    issues += feed_issues  # before scoring: a feed cell that cannot be read marks its indicator bad
    for index, catalog in enumerate(catalogs):
        # Under revised rules the workbook's live scores follow the old weights: not compared.
        live = index == 1 or not ident.rules_revised
        _score_into(result, catalog, book, parsed_all, issues, feed, locate, optional=index == 1, live=live)
    result.points_at_stake += scoring.central_points(task.catalog, {i.indicator for i in feed_issues if i.is_error})
    result.completeness = _completeness(catalogs, parsed_all, issues, locate)
    _refused_optional_pending(result, task, ident, parsed_all, issues, locate)
    _texts_into(result, book, catalogs, task.display, issues, filer_sheet=SHEET_FILER in ident.sheets)
    result.inputs = _inputs_shown(catalogs, parsed_all, feed)
    return result


def _score_into(result: CityResult, catalog: Catalog, book: Book, parsed, issues, feed, locate,
                optional: bool, live: bool = True) -> None:
    values = {name: p.value for name, p in parsed.items() if p.ok}
    bad = frozenset(i.indicator for i in issues if i.is_error and i.indicator)
    sheet = scoring.score_catalog(catalog, scoring.ScoreInputs(values, bad, feed, locate))
    total_name = OPTIONAL_TOTAL_SCORE if optional else scoring.TOTAL_SCORE
    issues += sheet.issues
    cached = _cached_number(book)
    if live and cached(total_name):  # only a file saved by a recalculating office suite can disagree
        as_workbook = scoring.score_catalog(catalog, scoring.ScoreInputs(values, bad, {}, locate))
        issues += scoring.compare_cached(catalog, as_workbook, cached, locate, total_name)
    result.scores.update(sheet.scores)
    result.points_at_stake += sheet.points_at_stake
    result.measured.update(sheet.measured)
    for sub in catalog.sub_items():
        if sub.code in sheet.measured:
            result.cells[sub.code] = book.names.get(sub.inputs[0].name, ("", ""))
    if optional:
        result.optional_total = sheet.total
    else:
        result.total = sheet.total


def _refused_optional_pending(result: CityResult, task: FileTask, ident: Identity, parsed, issues, locate) -> None:
    """Optional indicators refused (ID_OTHER_OPTIONAL: an older definition) are the city's points
    still to come, shown as pending in every view — unlike a city that has none (issue 20, item 10)."""
    if task.optional is None or ident.optional_ok or not ident.city.takes_optional:
        return
    result.optional_pending = sum((second.weight for second in task.optional.second_levels()), Decimal(0))
    result.points_at_stake += result.optional_pending
    result.completeness = _completeness([task.catalog, task.optional], parsed, issues, locate)


def _cached_number(book: Book):
    def cached(name: str) -> Decimal | None:
        raw = book.named(name)
        if raw is None or isinstance(raw.value, bool) or not isinstance(raw.value, (int, float)):
            return None
        return parse.decimal_from_float(float(raw.value))
    return cached


def _completeness(catalogs, parsed, issues, locate) -> Decimal:
    required = sum(_city_input_count(c) for c in catalogs)
    if not required:
        return Decimal(100)
    weighted = sum(checks.completeness(c, parsed, issues, locate) * _city_input_count(c) for c in catalogs)
    return weighted / required


def _city_input_count(catalog: Catalog) -> int:
    return len(catalog.city_inputs())




def _texts_into(result: CityResult, book: Book, catalogs, display: str, issues: list[Issue],
                filer_sheet: bool = True) -> None:
    named = book.named
    for catalog in catalogs:
        for code, source, remark in catalog.text_names():
            for target, name in ((result.sources, source), (result.remarks, remark)):
                raw = named(name)
                if raw is None or raw is EMPTY_CELL:  # most are left blank: nothing to parse
                    continue
                text = parse.parse_text(raw)
                if text.ok:
                    target[code] = kept_text(text.value, _locator(book, display)(name), issues)
    filer = {}
    locate = _locator(book, display)
    for name in FILER_FIELDS:
        raw = book.named(name) or RawCell()
        where = locate(name)
        filer[name] = (parse.parse_date(raw, **where) if name == FILER_DATE
                       else parse.parse_text(raw, **where))
        issues += filer[name].issues
    result.filer = {name: kept_text(p.value, locate(name), issues) for name, p in filer.items() if p.ok}
    if filer_sheet:  # without the sheet, ID_FILER_SHEET_MISSING already says it all
        issues += checks.check_filer(filer, locate)


def _inputs_shown(catalogs, parsed, feed) -> dict[str, object]:
    shown = {}
    for catalog in catalogs:
        for _, _, item in catalog.inputs():
            if item.city_fills:
                value = parsed.get(item.name)
                shown[item.name] = value.value if value is not None and value.ok else None
            else:
                shown[item.name] = feed.get(item.name)
    return shown
