"""This round against the previous one: results.json ``previous`` and ``change`` per city, and the
year-on-year warnings on each input (a tenfold jump, a changed sign, a number gone empty).

Run by ingest after ranking (sceval.ingest.batch); the thresholds come from the catalog
(``rules.YearOnYear``). A warning also goes on the counted file's issues, so the city's feedback
workbook lists it.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sctemplates.issues import Issue, issue
from sctemplates.methods import round_score
from sctemplates.render.previous import PreviousCity

from sceval.results.model import CITY_ISSUE_KEYS, json_number
from sceval.previous.load import PreviousRound, round_name
from sceval.previous.rules import year_on_year_rules
from sceval.reports.status_words import scored_statuses

YOY_CODES = ("YOY_JUMP", "YOY_SIGN", "YOY_EMPTIED")


def compare_with_previous(run, previous: PreviousRound, catalog) -> None:
    """Add ``previous``, ``change`` and the year-on-year warnings to every city of ``run.results``."""
    this_round = round_name({**run.results, "_path": ""})
    labels = {item.name: (item.label, (sub or second).code) for second, sub, item in catalog.inputs()
              if item.city_fills}
    order: dict[str, list[str]] = {}
    for name, (_label, code) in labels.items():
        order.setdefault(code, []).append(name)
    rules = previous.rules or year_on_year_rules()
    for entry in run.results.get("cities") or []:
        earlier = previous.cities.get(entry.get("code"))
        entry["previous"] = previous_field(earlier)
        entry["change"] = change(entry.get("total"), earlier)
        if earlier is None or entry.get("status") not in scored_statuses():
            continue
        found = year_on_year(entry.get("inputs") or {}, earlier, previous, labels, this_round,
                             _cells(run, entry, order), rules)
        _attach(run, entry, found)


def previous_field(earlier: PreviousCity | None) -> dict | None:
    if earlier is None:
        return None
    return {"round": earlier.round, "total": json_number(earlier.total), "rank": earlier.rank,
            "scores": {code: json_number(value) for code, value in earlier.scores.items()},
            "status": earlier.status}


def change(total, earlier: PreviousCity | None):
    """This total minus the previous one, exact (Decimal of the 2-decimal texts), half-up."""
    if total is None or earlier is None or earlier.total is None:
        return None
    return json_number(round_score(Decimal(str(total)) - earlier.total))


def refresh_changes(results: dict) -> None:
    """``change`` again for every city that carries a previous round (after a rescoring)."""
    for entry in results.get("cities") or []:
        before = (entry.get("previous") or {}).get("total")
        if before is not None:
            entry["change"] = None if entry.get("total") is None else json_number(
                round_score(Decimal(str(entry["total"])) - Decimal(str(before))))


def year_on_year(inputs: dict, earlier: PreviousCity, previous: PreviousRound, labels: dict,
                 this_round: str, cells, rules) -> list[Issue]:
    found = []
    for name, (label, code) in labels.items():
        if name not in previous.input_names:
            continue  # new in this edition: nothing to compare with
        said = _judge(_number(inputs.get(name)), _number(earlier.inputs.get(name)), rules)
        if said:
            kind, why = said
            text = (f"输入项“{label}”（{name}）本轮（{this_round}）为 {_shown(inputs.get(name))}，"
                    f"上一轮（{earlier.round}）为 {_shown(earlier.inputs.get(name))}：{why}，请核实")
            found.append(issue(kind, text, indicator=code, **cells(code, name)))
    return found


def _judge(now: Decimal | None, before: Decimal | None, rules) -> tuple[str, str] | None:
    if before is None:
        return None
    if now is None:
        return ("YOY_EMPTIED", "上一轮有数值，本轮为空") if rules.to_empty else None
    if rules.sign_change and now * before < 0:
        return "YOY_SIGN", "正负号改变"
    if now == 0 or before == 0:
        return None  # no ratio to a zero: growing from nothing is common
    ratio = max(abs(now), abs(before)) / min(abs(now), abs(before))
    if ratio > rules.max_ratio:
        way = "增大" if abs(now) > abs(before) else "缩小"
        return "YOY_JUMP", f"{way}超过 {rules.max_ratio:f} 倍"
    return None


def _number(value) -> Decimal | None:
    """A stored input as an exact number; None for empty, a choice label or text."""
    if value is None or isinstance(value, (bool, str)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _shown(value) -> str:
    return "空" if value is None or value == "" else str(value)


def _cells(run, entry: dict, order: dict[str, list[str]]):
    """(sub-item code, input name) -> {"sheet", "cell"} of the input in the counted file: its
    sub-item's first input cell, moved down by the input's place (inputs sit on consecutive rows,
    the template contract of sctemplates.render.indicator_sheet)."""
    outcome = run.counted.get(entry.get("code"))
    placed = outcome.result.cells if outcome is not None and outcome.result is not None else {}

    def where(code: str, name: str) -> dict:
        if not placed.get(code, ("", ""))[1]:
            return {"file": entry.get("file") or ""}
        sheet, first = placed[code]
        return {"file": entry.get("file") or "", "sheet": sheet, "cell": _below(first, order[code].index(name))}

    return where


def _below(cell: str, rows: int) -> str:
    letters = cell.rstrip("0123456789")
    return f"{letters}{int(cell[len(letters):]) + rows}" if cell[len(letters):] else cell


def _attach(run, entry: dict, found: list[Issue]) -> None:
    kept = [i for i in entry.get("issues") or [] if i.get("code") not in YOY_CODES]
    entry["issues"] = kept + [{k: getattr(i, k) for k in CITY_ISSUE_KEYS} for i in found]
    outcome = run.counted.get(entry.get("code"))
    if outcome is not None and outcome.sha256 == entry.get("sha256"):
        outcome.issues = [i for i in outcome.issues if i.code not in YOY_CODES] + found
