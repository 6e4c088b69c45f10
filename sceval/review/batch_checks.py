"""The checks across the batch, from the values results.json keeps: ingest and rescore agree.

Outliers (sceval.evaluate.outliers) and pasted copies (sceval.evaluate.copies) judge a city
against the other counted cities, so they change whenever any city's values change: an
adjustment, a rescore, a ledger switch, a partial ingest whose other cities come from the ledger.
``refresh_batch_checks`` recomputes them over every scored city of a results dict from the
values it keeps (the values as read, with the adjustments in force), and replaces the earlier
ones; a warning that still holds keeps the cell it was placed on (ingest knew the cell). Ingest
calls it after scoring, and so does every rescore (sceval.review.rescore.rescore_results): one
rule, so ``verify`` agrees after ingest, adjust and rescore. Without a central feed, the
secretariat's cells are said once for the run (RUN_CENTRAL_MISSING), never on a city's row.
"""
from __future__ import annotations

from sctemplates.model import Catalog

OUTLIER, COPIED, CENTRAL_MISSING = "OUTLIER", "INPUT_COPIED", "CENTRAL_MISSING"
BATCH_CODES = frozenset({OUTLIER, COPIED})
LOCATION_KEYS = ("sheet", "cell")


def refresh_batch_checks(results: dict, catalog: Catalog, optional: Catalog | None,
                         measured_by_file: dict[str, dict] | None = None) -> None:
    """Every scored city's batch warnings recomputed in place (each entry replaced by a copy, so
    a caller's dicts are never changed).

    ``measured_by_file``: ingest's fractions achieved by file sha256, as its workers scored the
    very values the entry keeps, under the same catalogs; used for an entry of that file with no
    adjustment, instead of scoring it again (the serial part of an ingest). ``verify`` recomputes
    without them, so a difference would show."""
    from sceval.review.rescore import central_given, scored_entries

    scored = scored_entries(results)
    entries = {entry["code"]: _Scored(entry, catalog, optional, measured_by_file or {}) for entry in scored}
    found = _outliers(entries, catalog, optional)
    for code, more in _copies(entries).items():
        found.setdefault(code, []).extend(more)
    drop = BATCH_CODES | ({CENTRAL_MISSING} if not central_given(results) else frozenset())
    replaced = {id(entry): _with(entry, found.get(entry["code"], []), drop) for entry in scored}
    results["cities"] = [replaced.get(id(entry), entry) for entry in results.get("cities") or []]


def _with(entry: dict, found: list, drop: frozenset) -> dict:
    """The entry with its batch warnings replaced by ``found``. One that went away (an adjusted
    value) is kept aside with its cell in ``issues_adjusted_away``, so that an undo puts it back
    on the cell ingest found it on (sceval.review.rescore)."""
    aside = entry.get("issues_adjusted_away") or []
    before = {(i.get("code"), i.get("indicator")): i for i in (entry.get("issues") or []) + aside
              if i.get("code") in BATCH_CODES}
    new = [_placed(one, before) for one in found]
    gone = [i for key, i in before.items() if i.get("cell") and key not in {(n["code"], n["indicator"]) for n in new}]
    replaced = {**entry, "issues": [i for i in entry.get("issues") or [] if i.get("code") not in drop] + new}
    replaced.pop("issues_adjusted_away", None)
    away = [i for i in aside if i.get("code") not in BATCH_CODES] + gone
    return {**replaced, "issues_adjusted_away": away} if away else replaced


def _placed(new, before: dict) -> dict:
    """The warning as a results.json issue, on the cell an earlier one of the same kind named."""
    from sceval.results.model import CITY_ISSUE_KEYS

    found = {key: getattr(new, key) for key in CITY_ISSUE_KEYS}
    earlier = before.get((new.code, new.indicator)) or {}
    found.update({key: earlier[key] for key in LOCATION_KEYS if earlier.get(key)})
    return found


class _Scored:
    """A scored entry with the catalogs and values it is scored with, worked out once for both
    checks (turning every stored number into a Decimal is most of their cost)."""

    def __init__(self, entry: dict, catalog: Catalog, optional: Catalog | None, measured_by_file: dict):
        from sceval.review.rescore import catalogs_for, values_of

        self.entry = entry
        self.catalogs = catalogs_for(entry, catalog, optional)
        adjusted = {a["input"]: a["adjusted"] for a in entry.get("adjustments") or []}
        self.values, self.feed = values_of(entry, self.catalogs, adjusted)  # as read, adjustments in force
        self.measured = None if adjusted else measured_by_file.get(entry.get("sha256"))


def _outliers(entries: dict[str, _Scored], catalog: Catalog, optional: Catalog | None) -> dict[str, list]:
    """city code -> OUTLIER issues, from each sub-item's fraction achieved as scoring measures it."""
    from sceval.evaluate.outliers import find_outliers

    measured = {code: city.measured if city.measured is not None else _measured(city)
                for code, city in entries.items()}
    names = {sub.code: sub.name for c in (catalog, optional) if c for sub in c.sub_items()}  # as ingest names them
    return find_outliers(measured, lambda city, sub: {"file": entries[city].entry.get("file") or ""}, names)


def _measured(city: _Scored) -> dict:
    """Each sub-item's fraction achieved, as scoring measures it from the values kept."""
    from sceval.evaluate import scoring

    bad = frozenset(i["indicator"] for i in city.entry.get("issues") or []
                    if i.get("severity") == "error" and i.get("indicator"))
    measured = {}
    for scored in city.catalogs:
        measured.update(scoring.score_catalog(scored, scoring.ScoreInputs(city.values, bad, city.feed)).measured)
    return measured


def _copies(entries: dict[str, _Scored]) -> dict[str, list]:
    """city code -> INPUT_COPIED issues (the only place they are found: they name no cell)."""
    from sceval.evaluate.copies import Return, find_copies, numeric_inputs

    returns = []
    for code, city in entries.items():
        names = [item.name for c in city.catalogs for _code, item in c.city_inputs()]  # cached per catalog
        entry = city.entry
        returns.append(Return(code, entry.get("name") or "", entry.get("file") or "", numeric_inputs(city.values, names)))
    return find_copies(returns)
