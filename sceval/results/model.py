"""What one run found, per file and per city, and results.json — the public output of ingest.

results.json (UTF-8, keep this shape stable; scores are JSON numbers with 2 decimals)::

    {"catalog": <sctemplates.export.catalog_as_dict(catalog)>,  # the whole catalog it was scored
                                                                 # with (edition, fingerprint, …)
     "optional_catalog": <sctemplates.export.catalog_as_dict(optional)> | null,
     "province": {"code", "name"},
     "roster": [{"code", "name", "kind"}],
     "generated_at": ISO-8601 UTC,
     "files": [{"path", "sha256", "size", "received_at",
                "status": "counted" | "blank" | "superseded" | "rejected" | "duplicate" | "invalidated",
                "city": code | null,
                "order_basis": "saved" | "filed" | "message" | "member" | "mtime" | "manual" | "future" | "arrival",
                "order_time": the file's own time on that basis (ISO; a day for "filed") | "",
                "issues": [Issue.as_dict()]}],              # order_*: sceval.ledger.ordering
     "cities": [{"code", "name", "kind",
                 "status": "submitted" | "has_errors" | "corrected" | "rejected" | "blank" | "missing",
                 "file", "sha256", "received_at",
                 "total", "optional_total",            # null when missing / no optional indicators
                 "scores": {"L1": …, "L1P1": …, "L1P1-A1": …, "ZX": …, "ZXP1-A1": …},
                 "points_at_stake",                    # points lost to errors/missing city inputs
                 "completeness",                       # % of required city inputs validly filled
                 "inputs": {defined name: number | choice label | null},
                 "sources": {sub-item code: text}, "remarks": {code: text},
                 "filer": {field name: text},
                 "issues": [{"code", "severity", "sheet", "cell", "indicator", "message"}]}]}

"message" (files[] and cities[], added with mail ingest; only for a file that came by e-mail):
{"from", "to", "date" (ISO UTC), "subject", "message_id", "attachment"} of the letter it came in,
plus "forwarded_from" (addresses) when it was forwarded. Rows for letters without a return
(MAIL_NO_ATTACHMENT, MAIL_BOUNCE, MAIL_NOT_A_RETURN, …) carry it too.
A letter fetched over IMAP (sceval mail fetch, ingest --imap) adds "imap": {"folder", "uid", "uidvalidity"}.

Added with rescoring (sceval.review.rescore): cities[].rank (1 = best; equal totals share the
better rank), cities[].rank_interval [5th, 95th percentile rank] and cities[].rank_median under
perturbed provisional weights (null for cities not scored, and with --draws 0), the top-level
"sensitivity": {"draws", "noise", "seed", "varied": [codes of the weights perturbed]}, and, for
a city with review adjustments, cities[].adjustments: [{"id", "input", "original", "adjusted",
"why", "by", "at"}] (sceval.review.adjustments); value errors an adjustment made moot are kept
aside in cities[].issues_adjusted_away (an undo brings them back).

With --previous (issue 23, sceval.previous.compare): cities[].previous {"round", "total", "rank",
"scores" (first level), "status"} | null and cities[].change (total − previous total, half-up),
and the optional top-level "round_name" (--round-name) the next round shows as its previous round.
"optional_pending" (cities[], issue 20; only when the city's optional indicators were refused,
ID_OTHER_OPTIONAL): the optional points still to score; they are part of points_at_stake, and
optional_total is null.

"late" (files[], issue 20; only for a file sent after the deadline): {"days", "deadline",
"basis": "message" | "filed" | "saved" | "member", "day"} (sceval.ledger.lateness); the file and
its city also carry SUBMISSION_LATE.

"run_issues" (added after the first release): [Issue.as_dict()] about the run itself — the
secretariat's central feed file (CENTRAL_BAD, CENTRAL_UNKNOWN_CITY) and SCORE_PROVISIONAL.

Every roster city appears in "cities"; one with no counted file has status "missing" and null
scores. A city whose counting file superseded an older accepted one is "corrected". A city that
sent files but none could be used (all rejected: a .xls, a locked weight edited, …) is
"rejected" (added in the second release): null scores like "missing", but "file", "sha256" and
"received_at" name its newest rejected file and "issues" say why it could not be used.

"blank" (cities[] and files[]): the return that stands for the city is a blank template
(BLANK_TEMPLATE) — it replied with the template it was sent and nothing filled in. The city is
not scored: null scores like "missing" (never ranked, in no statistic), but "file", "sha256",
"received_at" and "message" name that file and "issues" keep BLANK_TEMPLATE and what else was
said of it (not one VAL_MISSING per empty cell). Its files[] row is "blank", not "counted":
nothing of it counts. A later filled return counts as usual; the blank is then "superseded".
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

from sctemplates.atomic import write_text_atomic
from sctemplates.display import TEXT_LIMIT, bounded, neutral
from sctemplates.issues import Issue, has_errors
from sctemplates.methods import round_score
from sctemplates.model import Catalog
from sctemplates.roster import City, Roster

ACCEPTED, REJECTED = "accepted", "rejected"  # before the ledger decides
COUNTED, SUPERSEDED, DUPLICATE, INVALIDATED = "counted", "superseded", "duplicate", "invalidated"
BLANK = "blank"  # files[] and cities[]: the city's return is a blank template, so nothing counts
CITY_ISSUE_KEYS = ("code", "severity", "sheet", "cell", "indicator", "message")
BLANK_TEMPLATE = "BLANK_TEMPLATE"
# What an empty template says about every empty cell: nothing the city must fix cell by cell —
# it must fill the template — so a blank template keeps only its own words (BLANK_TEMPLATE, …).
EMPTY_CELL_CODES = frozenset({"VAL_MISSING", "FILER_MISSING", "ATTEST_MISSING", "CENTRAL_MISSING"})


def is_blank_return(issues) -> bool:
    """Whether a return's issues (Issues or their dicts) say it is a blank template."""
    return any((i.get("code") if isinstance(i, dict) else i.code) == BLANK_TEMPLATE for i in issues or ())


@dataclass
class CityResult:
    scores: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = Decimal(0)
    optional_total: Decimal | None = None
    points_at_stake: Decimal = Decimal(0)
    completeness: Decimal = Decimal(0)
    inputs: dict[str, object] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    remarks: dict[str, str] = field(default_factory=dict)
    filer: dict[str, str] = field(default_factory=dict)
    measured: dict[str, Decimal] = field(default_factory=dict)  # for batch outliers
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # sub-item -> (sheet, cell) of its first input
    optional_pending: Decimal | None = None  # optional points refused (ID_OTHER_OPTIONAL), still to score

    # The parent only writes scores and inputs out as JSON (results.json, the ledger) and computes
    # on ``measured`` alone (outliers). So every processed file's result, in a worker or in-process
    # alike (the types never depend on --jobs), ends with its scores and inputs as their JSON values
    # (``json_ready``: what city_entry would write), converted in parallel by the workers; pickling
    # Decimals one by one, and converting them in the parent, was a tenth of its work per file.
    json_ready: bool = False

    def make_json_ready(self) -> None:
        """Scores as 2-decimal JSON numbers and inputs as JSON values, once, after scoring."""
        if not self.json_ready:
            self.scores = {code: json_number(value) for code, value in self.scores.items()}
            self.inputs = {name: input_value(value) for name, value in self.inputs.items()}
            self.json_ready = True

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["measured"] = {code: str(value) for code, value in self.measured.items()}  # exact text
        return state

    def __setstate__(self, state: dict) -> None:
        state["measured"] = {code: Decimal(value) for code, value in state["measured"].items()}
        self.__dict__.update(state)


@dataclass
class FileOutcome:
    """One file's journey; picklable, returned by the worker."""

    path: str  # as shown to people (archive members as archive.zip/member.xlsx)
    source: str = ""  # where the bytes are on disk now (a temp copy for archive members)
    sha256: str = ""
    size: int = 0
    received_at: str = ""
    status: str = REJECTED
    city: City | None = None
    template_id: str = ""
    province: tuple[str, str] = ("", "")  # (code, name) from the passport
    issues: list[Issue] = field(default_factory=list)
    result: CityResult | None = None
    message: dict | None = None  # the letter it came in (sceval.mail): from, to, date, subject, …
    times: dict = field(default_factory=dict)  # basis -> time that travels with it (sceval.ledger.ordering)
    order_basis: str = ""  # which basis decided its place among the city's versions
    order_time: str = ""  # its own time on that basis
    late: dict | None = None  # sent after the deadline: {"days", "deadline", "basis", "day"} (sceval.ledger.lateness)

    @property
    def has_errors(self) -> bool:
        return has_errors(self.issues)

    def as_dict(self) -> dict:
        return {"path": self.path, "sha256": self.sha256, "size": self.size,
                "received_at": self.received_at, "status": self.status,
                "city": self.city.code if self.city else None,
                "order_basis": self.order_basis, "order_time": self.order_time,
                "issues": [i.as_dict() for i in self.issues], **self._message_field(),
                **({"late": self.late} if self.late else {})}

    def _message_field(self) -> dict:
        return {"message": self.message} if self.message else {}


def kept_text(value, where: dict, issues: list[Issue]):
    """A remark, source or filer text as results.json keeps it: bidi controls neutralised and at
    most TEXT_LIMIT characters, with TEXT_TOO_LONG naming the cell when cut (sctemplates.display)."""
    if not isinstance(value, str):
        return value
    if len(value) > TEXT_LIMIT:
        from sctemplates.issues import issue

        place = f"工作表“{where.get('sheet', '')}”单元格 {where.get('cell', '')} " if where.get("cell") else ""
        issues.append(issue("TEXT_TOO_LONG", f"文件 {where.get('file', '')} {place}的文字有 {len(value):,} 个字符，"
                                             f"超过 {TEXT_LIMIT:,} 字符，结果中只保留前 {TEXT_LIMIT:,} 个字符", **where))
    return bounded(neutral(value), TEXT_LIMIT)


def json_number(value):
    """A Decimal score as a JSON number with 2 decimals (output only, never computed on)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(round_score(value))
    return value


def input_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def city_entry(city: City, outcome: FileOutcome | None, corrected: bool) -> dict:
    entry = {"code": city.code, "name": city.name, "kind": city.kind}
    if outcome is None or outcome.result is None:
        return {**entry, **_missing_fields()}
    result = outcome.result
    status = "has_errors" if outcome.has_errors else ("corrected" if corrected else "submitted")
    return counted_entry({
        **entry, "status": status, "file": outcome.path, "sha256": outcome.sha256,
        "received_at": outcome.received_at, "total": json_number(result.total),
        "optional_total": json_number(result.optional_total),
        "scores": {code: json_number(v) for code, v in result.scores.items()},
        "points_at_stake": json_number(result.points_at_stake),
        "completeness": json_number(result.completeness),
        "inputs": {name: input_value(v) for name, v in result.inputs.items()},
        "sources": result.sources, "remarks": result.remarks, "filer": result.filer,
        "issues": [{k: getattr(i, k) for k in CITY_ISSUE_KEYS} for i in outcome.issues],
        **({"message": outcome.message} if outcome.message else {}),
        **({"optional_pending": json_number(result.optional_pending)} if result.optional_pending is not None else {}),
    })


def counted_entry(entry: dict) -> dict:
    """The entry of a city's counted return; a blank template's becomes "blank": the file is named,
    nothing is scored. Also for entries stored before this status (the ledger of an earlier run),
    which were scored as "has_errors" with one error per empty cell."""
    if entry.get("status") == BLANK or not is_blank_return(entry.get("issues")):
        return entry
    named = {key: entry.get(key) for key in ("file", "sha256", "received_at")}
    issues = [i for i in entry.get("issues") or [] if i.get("code") not in EMPTY_CELL_CODES]
    return {"code": entry["code"], "name": entry["name"], "kind": entry.get("kind", ""), **_missing_fields(),
            "status": BLANK, **named, "issues": issues,
            **({"message": entry["message"]} if entry.get("message") else {})}


def rejected_entry(city: City, rejected: FileOutcome) -> dict:
    """A city whose only files were rejected: sent, but unusable — never shown as "missing"."""
    return {"code": city.code, "name": city.name, "kind": city.kind, **_missing_fields(),
            "status": REJECTED, "file": rejected.path, "sha256": rejected.sha256,
            "received_at": rejected.received_at,
            "issues": [{k: getattr(i, k) for k in CITY_ISSUE_KEYS} for i in rejected.issues]}


def _name_rejected_cities(outcomes: list[FileOutcome], roster: Roster) -> None:
    """A rejected file that never got as far as its passport (a .xls, a broken zip member) is
    still shown against the city its name says, e.g. 321000_扬州市….xls."""
    from sceval.evaluate.identify import city_from_file_name

    for outcome in outcomes:
        if outcome.status == REJECTED and outcome.city is None:
            outcome.city = city_from_file_name(outcome.path, roster)


def _newest_rejected(outcomes: list[FileOutcome]) -> dict[str, FileOutcome]:
    newest: dict[str, FileOutcome] = {}
    for outcome in outcomes:
        if outcome.status != REJECTED or outcome.city is None:
            continue
        kept = newest.get(outcome.city.code)
        if kept is None or outcome.received_at >= kept.received_at:
            newest[outcome.city.code] = outcome
    return newest


def _missing_fields() -> dict:
    return {"status": "missing", "file": None, "sha256": None, "received_at": None, "total": None,
            "optional_total": None, "scores": None, "points_at_stake": None, "completeness": None,
            "inputs": {}, "sources": {}, "remarks": {}, "filer": {}, "issues": []}


def build_results(catalog, optional, roster: Roster, outcomes: list[FileOutcome],
                  counted: dict[str, FileOutcome], corrected: set[str], generated_at: str = "",
                  earlier: dict[str, dict] | None = None, run_issues: list[Issue] = ()) -> dict:
    """``earlier``: city -> entry of a file counted in an earlier run (from the ledger);
    ``run_issues``: issues of the run itself (the central feed file, provisional scoring)."""
    from sctemplates.export import catalog_as_dict

    _name_rejected_cities(outcomes, roster)
    rejected = _newest_rejected(outcomes)
    return {
        "catalog": catalog_as_dict(catalog),
        "optional_catalog": catalog_as_dict(optional) if optional is not None else None,
        "province": {"code": roster.province_code, "name": roster.province_name},
        "roster": [{"code": c.code, "name": c.name, "kind": c.kind} for c in roster.cities],
        "generated_at": generated_at or now_iso(),
        "files": [o.as_dict() for o in outcomes],
        "cities": [_city(c, counted, corrected, earlier or {}, rejected)
                   for c in roster.cities],
        "run_issues": [i.as_dict() for i in run_issues],
    }


def _city(city: City, counted: dict, corrected: set[str], earlier: dict[str, dict],
          rejected: dict[str, FileOutcome]) -> dict:
    if city.code not in counted and city.code not in earlier and city.code in rejected:
        return rejected_entry(city, rejected[city.code])
    if city.code not in counted and city.code in earlier:
        entry = counted_entry(_json_safe(earlier[city.code]))
        if city.code in corrected and entry.get("status") == "submitted":
            entry["status"] = "corrected"
        return entry
    return city_entry(city, counted.get(city.code), city.code in corrected)


def _json_safe(value):
    """An entry read back from the ledger (Decimals) as plain JSON values again."""
    if isinstance(value, Decimal):
        return input_value(value)
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value


def catalog_of(results: dict):
    """The Catalog a results dict was scored with; None for results.json written before it carried
    the whole catalog (then the caller says which catalog it uses instead)."""
    from sctemplates.catalog_json import catalog_from_json, is_full_catalog

    data = results.get("catalog")
    return catalog_from_json(data) if is_full_catalog(data) else None


def scored_with(results: dict) -> Catalog:
    """The catalog results were scored with (the bundled one for results.json that predates it)."""
    from sctemplates.catalog import load_catalog

    return catalog_of(results) or load_catalog()


def optional_of(results: dict) -> Catalog | None:
    from sctemplates.catalog_json import catalog_from_json, is_full_catalog

    data = results.get("optional_catalog")
    return catalog_from_json(data, "results.json optional_catalog") if is_full_catalog(data) else None


def write_results(results: dict, path) -> None:
    write_text_atomic(path, results_text(results))


def results_text(results: dict) -> str:
    """results.json with one file or city per line: readable and diffable, yet written by json's
    C encoder (an indented dump runs in pure Python, ~5× slower for 340 cities)."""
    def compact(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    lines = []
    for key, value in results.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n    ".join(compact(item) for item in value)
            lines.append(f"  {compact(key)}: [\n    {items}\n  ]")
        else:
            lines.append(f"  {compact(key)}: {compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"
