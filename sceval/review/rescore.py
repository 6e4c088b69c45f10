"""Rescoring from stored inputs: a revised catalog, review adjustments, rank intervals.

A counted city's entry in results.json (and the ledger's copy of it) keeps every input as read —
city values (usable ones; null where unusable), choice labels, the secretariat's feed values —
and every issue found. That is enough to score it again exactly, with the same Decimal half-up
rules (sceval.evaluate.scoring, reused), without re-reading any file:

- the indicators carrying an error are those of the stored error issues, except the rule checks
  that depend on the catalog's ranges (VAL_OUT_OF_RANGE, ratio rules …): those are checked again
  on the stored values under the catalog now used (sceval.evaluate.checks);
- an adjusted input (sceval.review.adjustments) replaces the stored value; when every city input
  of its indicator then has a value, the indicator's stored value errors no longer apply;
- points at stake: those of scoring, plus the secretariat's points when the run had no central
  feed (RUN_CENTRAL_MISSING) or a feed cell could not be read (CENTRAL_BAD), as ingest adds them.

``rescore_results`` is what both ``sceval rescore`` and ``sceval ingest`` (for cities with
adjustments) call, so the two can never disagree.
"""
from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path

from sctemplates.catalog import revision_of
from sctemplates.issues import issue
from sctemplates.model import Catalog

from sceval.evaluate import checks, scoring
from sceval.evaluate.parse import FILLED, INVALID, Parsed
from sceval.review import adjusted_completeness
from sceval.reports.status_words import scored_statuses
from sceval.results.model import CITY_ISSUE_KEYS, json_number, scored_with
from sceval.errors import ScevalError

RULE_CODES = frozenset({"VAL_OUT_OF_RANGE", "VAL_NOT_INTEGER", "RATIO_DEN_ZERO", "RATIO_NUM_GT_DEN"})
VALUE_CODE_PREFIXES = ("VAL_", "RATIO_", "OUTLIER")  # set aside by an adjustment (OUTLIER judged the old value)
RESULTS_FILE = "results.json"


class RescoreRefused(ValueError, ScevalError):
    """The new catalog asks the cities for different inputs: their answers cannot be reused."""


def check_revision(new: Catalog, old: Catalog) -> str:
    """'same' | 'rules'; RescoreRefused (Chinese) when the input contracts differ."""
    kind = revision_of(new, old)
    if kind == "inputs":
        raise RescoreRefused(
            f"新的指标目录（{new.source or '未命名'}，输入约定指纹 {new.input_contract_fingerprint()}）"
            f"与计分时使用的目录（输入约定指纹 {old.input_contract_fingerprint()}）要求城市填报的内容不同"
            "（输入项的名称、角色、单位或分档档次有变化），已回收的数据不能按新目录重新计分；"
            "请用新目录重新生成模板并重新收集")
    return kind


def catalogs_for(entry: dict, catalog: Catalog, optional: Catalog | None) -> list[Catalog]:
    uses_optional = optional is not None and entry.get("optional_total") is not None
    return [catalog] + ([optional] if uses_optional else [])


def _values(entry: dict, catalogs: list[Catalog], adjusted: dict) -> tuple[dict, dict]:
    """(city values, feed values) by input name, adjustments applied."""
    stored = entry.get("inputs") or {}
    values, feed = {}, {}
    for name, choices, city in _input_facts(tuple(catalogs)):
        value = adjusted[name] if name in adjusted else stored.get(name)
        if value is not None:
            if not choices and not isinstance(value, Decimal):
                value = Decimal(str(value))  # exact: the JSON number's own digits
            (values if city else feed)[name] = value
    return values, feed


values_of = _values  # the values an entry is scored with, for the batch checks (sceval.review.batch_checks)


@functools.lru_cache(maxsize=8)
def _input_facts(catalogs: tuple[Catalog, ...]) -> tuple[tuple[str, bool, bool], ...]:
    """(name, is a choice, the city fills it) of every input: once per rescoring, not per city."""
    return tuple((item.name, bool(item.choices), item.city_fills) for c in catalogs for _, _, item in c.inputs())


@functools.lru_cache(maxsize=32)
def _central_points(catalog: Catalog, codes: frozenset | None) -> Decimal:
    return scoring.central_points(catalog, codes)


def _cleared_indicators(catalogs: list[Catalog], values: dict, adjusted: dict) -> set[str]:
    """Indicators with an adjusted input whose city inputs all have a value now."""
    cleared = set()
    for catalog in catalogs:
        for code, item in catalog.city_inputs():
            if item.name in adjusted:
                owner = [i for c, i in catalog.city_inputs() if c == code]
                if all(i.name in values for i in owner):
                    cleared.add(code)
    return cleared


def _kept_issues(entry: dict, cleared: set[str]) -> tuple[list[dict], list[dict]]:
    """(issues that still hold, value errors an adjustment set aside). The set-aside ones stay in
    the entry (``issues_adjusted_away``) so that an undo, rescoring in place, brings them back."""
    kept, away = [], []
    for found in (entry.get("issues") or []) + (entry.get("issues_adjusted_away") or []):
        if found.get("code") in RULE_CODES or found.get("code") in ("ADJUST_APPLIED", "ADJUST_STALE"):
            continue  # checked again below / said again by the adjustments
        if found.get("indicator") in cleared and str(found.get("code", "")).startswith(VALUE_CODE_PREFIXES):
            away.append(found)
            continue
        kept.append(found)
    return kept, away


def _rule_issues(catalogs: list[Catalog], entry: dict, values: dict) -> list[dict]:
    """The range and ratio checks again, on the values now used; a stored issue of the same code
    at the same indicator is kept as it was (it names the sheet and cell)."""
    before = {(i.get("code"), i.get("indicator")): i for i in entry.get("issues") or [] if i.get("code") in RULE_CODES}

    def locate(name: str) -> dict:
        return {"file": entry.get("file") or ""}

    found = []
    for catalog in catalogs:
        parsed = {item.name: Parsed(values[item.name], FILLED) if item.name in values else Parsed(None, INVALID)
                  for _, item in catalog.city_inputs()}
        for new in checks.check_inputs(catalog, parsed, locate):
            found.append(before.get((new.code, new.indicator))
                         or {k: getattr(new, k) for k in CITY_ISSUE_KEYS})
    return found


def check_facts(catalog: Catalog) -> list:
    """What the range and ratio checks depend on: when these are unchanged and no value is, the
    stored rule issues still hold and need not be checked again (rescoring 340 cities < 1 s)."""
    facts = [(item.name, item.integer, item.min, item.max) for _, item in catalog.city_inputs()]
    return facts + [(sub.code, sub.method) for sub in catalog.sub_items()]


def _stored_rule_issues(entry: dict) -> list[dict]:
    return [i for i in entry.get("issues") or [] if i.get("code") in RULE_CODES]


def rescore_entry(entry: dict, catalog: Catalog, optional: Catalog | None = None,
                  central_given: bool = True, adjusted: dict | None = None,
                  notes: list[dict] = (), recheck: bool = True) -> dict:
    """A counted city's entry scored again under ``catalog``; ``adjusted``: input name -> value
    a reviewer set (sceval.review.adjustments); ``notes``: issue dicts saying so; ``recheck``
    False: the checks' rules are those the entry was checked with (sceval.review.rescore.check_facts)."""
    adjusted = adjusted or {}
    catalogs = catalogs_for(entry, catalog, optional)
    values, feed = _values(entry, catalogs, adjusted)
    issues, away = _kept_issues(entry, _cleared_indicators(catalogs, values, adjusted))
    rules = _rule_issues(catalogs, entry, values) if recheck or adjusted else _stored_rule_issues(entry)
    issues += rules + list(notes)
    bad = frozenset(i["indicator"] for i in issues if i.get("severity") == "error" and i.get("indicator"))
    new = dict(entry)  # shallow: only scores, totals and issues are replaced, never changed in place
    new["scores"], at_stake = {}, Decimal(0)
    for index, scored in enumerate(catalogs):
        sheet = scoring.score_catalog(scored, scoring.ScoreInputs(values, bad, feed))
        # score_catalog rounds every level half-up to cents already: float() only spells them for JSON
        new["scores"].update({code: float(value) for code, value in sheet.scores.items()})
        new["optional_total" if index else "total"] = json_number(sheet.total)
        at_stake += sheet.points_at_stake
    feed_bad = {i["indicator"] for i in issues if i.get("code") == "CENTRAL_BAD" and i.get("severity") == "error"}
    at_stake += _central_points(catalog, frozenset(feed_bad))
    if not central_given:
        at_stake += _central_points(catalog, None)
    if entry.get("optional_pending") is not None:  # refused optional indicators stay pending (issue 20)
        at_stake += Decimal(str(entry["optional_pending"]))
    new["points_at_stake"] = json_number(at_stake)
    new["issues"] = issues
    new.pop("issues_adjusted_away", None)
    if away:
        new["issues_adjusted_away"] = away
    new["status"] = _status(new.get("status"), issues)
    adjusted_completeness.apply(new, entry, catalogs, values, adjusted)
    return new


def _status(before: str, issues: list[dict]) -> str:
    """As ingest decides it: any error makes has_errors; without, a corrected city stays corrected
    (a has_errors one whose errors an adjustment cleared shows as submitted)."""
    if before not in scored_statuses():
        return before
    if any(i.get("severity") == "error" for i in issues):
        return "has_errors"
    return "submitted" if before == "has_errors" else before


def central_given(results: dict) -> bool:
    """Whether the run that wrote ``results`` had a central feed (ingest says RUN_CENTRAL_MISSING)."""
    return not any(i.get("code") == "RUN_CENTRAL_MISSING" for i in results.get("run_issues") or [])


def scored_entries(results: dict) -> list[dict]:
    return [c for c in results.get("cities") or [] if c.get("status") in scored_statuses() and c.get("scores")]


def rescore_results(results: dict, catalog: Catalog, optional: Catalog | None = None,
                    adjustments: dict | None = None, only_adjusted: bool = False, also=frozenset()) -> dict:
    """A copy of ``results`` with every counted city scored again under ``catalog`` (or, with
    ``only_adjusted``, only the cities with adjustments: ingest's own scores are the others').

    ``adjustments``: city code -> list of sceval.review.adjustments.Adjustment in force;
    ``also``: codes of cities scored again even without adjustments."""
    from sctemplates.export import catalog_as_dict

    from sceval.review.adjustments import (
        adjusted_values, adjustment_fields, adjustment_note, input_owners, stale_note,
    )

    adjustments = adjustments or {}
    given = central_given(results)
    new = dict(results)
    new["catalog"] = catalog_as_dict(catalog)
    scored = {id(entry) for entry in scored_entries(results)}
    recheck = check_facts(catalog) != check_facts(scored_with(results))
    cities = []
    for entry in results.get("cities") or []:
        mine = adjustments.get(entry.get("code"), [])
        if id(entry) in scored and (mine or not only_adjusted or entry.get("code") in also):
            owners = input_owners(catalogs_for(entry, catalog, optional))
            stale = [a for a in mine if a.sha256 and a.sha256 != entry.get("sha256")]
            mine = [a for a in mine if a.input in owners and a not in stale]
            notes = [adjustment_note(a, entry, owners) for a in mine] + [stale_note(a, entry) for a in stale]
            entry = rescore_entry(entry, catalog, optional, given, adjusted_values(mine, owners), notes, recheck)
            entry.pop("adjustments", None)
            if mine:
                entry["adjustments"] = adjustment_fields(mine, entry)
        cities.append(entry)
    new["cities"] = cities
    from sceval.review.batch_checks import refresh_batch_checks  # outliers, copies: on the values now used

    refresh_batch_checks(new, catalog, optional)
    from sceval.previous.compare import refresh_changes  # a new total moves the change against the previous round

    refresh_changes(new)
    return new


def catalog_changed_note(kind: str, catalog: Catalog) -> list[dict]:
    if kind != "rules":
        return []
    found = issue("ID_RULES_REVISED", f"已按修订后的指标目录（{catalog.source or '新目录'}，指纹 {catalog.fingerprint()}）"
                                     "根据已回收的数据重新计分；各城市填报的数据未变")
    return [found.as_dict()]


def add_rank_stability(results: dict, catalog: Catalog, draws: int, seed: int,
                       noise: float | None = None) -> None:
    """cities[].rank, rank_interval [5 %, 95 %] and rank_median (null for cities not scored), and
    the top-level ``sensitivity`` (sceval.evaluate.sensitivity; ``draws`` 0: ranks only)."""
    from sceval.evaluate import sensitivity
    from sctemplates.roster import reports_apart

    noise = sensitivity.DEFAULT_NOISE if noise is None else noise
    province = (results.get("province") or {}).get("code") or ""  # a 计划单列市 is ranked by the nation, not here
    scored = [c for c in scored_entries(results) if not reports_apart(c.get("kind") or "", province)]
    stability = sensitivity.rank_stability(catalog, [Decimal(str(c["total"])) for c in scored],
                                           [c["scores"] for c in scored], draws, noise, seed)
    for entry in results.get("cities") or []:  # last, in one order whatever the path (embedded JSON compares as text)
        for key in ("rank", "rank_interval", "rank_median"):
            entry.pop(key, None)
        entry.update(rank=None, rank_interval=None, rank_median=None)
    for index, entry in enumerate(scored):
        entry["rank"] = stability.ranks[index]
        if draws:  # --draws 0: ranks only, no intervals
            entry.update(rank_median=stability.medians[index],
                         rank_interval=[stability.lows[index], stability.highs[index]])
    results["sensitivity"] = {"draws": draws, "noise": noise, "seed": seed,
                              "varied": list(stability.varied) if draws else []}


# --- a results folder rescored into another (sceval rescore, sceval adjust) --------------------

class RescoreProblem(ValueError, ScevalError):
    """The results folder cannot be rescored (no results.json, unreadable): Chinese message."""


def read_results(results_dir: Path) -> dict:
    path = Path(results_dir) / RESULTS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RescoreProblem(f"{results_dir} 中没有 {RESULTS_FILE}：请指定 sceval ingest 的输出目录") from None
    except (OSError, ValueError) as exc:
        raise RescoreProblem(f"无法读取 {path}（{exc}）") from exc


def adjustments_for(results_dir: Path, results: dict, catalogs: list[Catalog], ledger=None) -> dict:
    """The adjustments in force: from the folder's ledger, else as results.json recorded them
    (a folder written by rescore has no ledger of its own)."""
    from sceval.review.adjustments import Adjustment, read_in_force
    from sceval.ledger.ledger import default_ledger_path

    ledger = Path(ledger) if ledger else default_ledger_path(results_dir)
    if ledger.is_file():
        return read_in_force(ledger, catalogs)
    found = {}
    for entry in results.get("cities") or []:
        for a in entry.get("adjustments") or []:
            found.setdefault(entry["code"], []).append(Adjustment(
                a.get("id", 0), entry["code"], a["input"], a["adjusted"] if isinstance(a["adjusted"], str)
                else Decimal(str(a["adjusted"])), a.get("why", ""), a.get("by", ""), a.get("at", ""),
                entry.get("sha256") or ""))
    return found
