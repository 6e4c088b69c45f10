"""What counts: identical files once, each outcome recorded in the ledger once, and per city the
one submission that counts (the ledger decides; without one, the newest accepted file). "Newest"
is sceval.ledger.ordering's rule — the times that travel with a file, never the disk's alone — and
each file's row says which basis decided (order_basis, order_time).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sctemplates.issues import issue
from sctemplates.roster import Roster

from sceval.ledger import ordering
from sceval.results.model import (
    ACCEPTED, BLANK, COUNTED, DUPLICATE, EMPTY_CELL_CODES, INVALIDATED, REJECTED, SUPERSEDED, FileOutcome,
    is_blank_return,
)


class FirstCopies:
    """Passes each outcome on, in the batch's order, as a DUPLICATE when an earlier file of the
    batch had the very same bytes: identical files count once (the copy is read, then dropped)."""

    def __init__(self, then):
        self.then, self.seen = then, {}

    def __call__(self, outcome: FileOutcome) -> FileOutcome:
        first = self.seen.setdefault(outcome.sha256, outcome) if outcome.sha256 else outcome
        if first is not outcome:
            outcome = FileOutcome(path=outcome.path, sha256=outcome.sha256, size=outcome.size,
                                  received_at=outcome.received_at, status=DUPLICATE, message=outcome.message,
                                  times=outcome.times)
            outcome.issues.append(issue("FILE_DUPLICATE", f"文件 {outcome.path} 与 {first.path} 内容完全相同，只记录一次",
                                        file=outcome.path))
        return self.then(outcome)


@dataclass
class Decision:
    """Which outcome counts per city; cities counted from an earlier run come from the ledger."""

    counted: dict[str, FileOutcome] = field(default_factory=dict)
    corrected: set[str] = field(default_factory=set)
    earlier: dict[str, dict] = field(default_factory=dict)  # city -> its results.json entry


def choose_counted(outcomes: list[FileOutcome], ledger=None, roster: Roster | None = None) -> Decision:
    """The ledger (an open sceval.ledger.Ledger) decides when given; else the newest accepted file."""
    decision = _ledger_decision(ledger, outcomes, roster) if ledger is not None else _newest_accepted(outcomes)
    _quiet_blanks(outcomes)
    return decision


def counted_status(issues) -> str:
    """The files[] status of the return that stands for its city: "blank" when it is a blank
    template (the city is then not scored, sceval.results.model.counted_entry), else "counted"."""
    return BLANK if is_blank_return(issues) else COUNTED


def _quiet_blanks(outcomes: list[FileOutcome]) -> None:
    """A blank template, set aside or the city's only return, keeps only its own row's words
    (EMPTY_CELL_CODES): the city must fill the template, not fix 80 cells one by one."""
    for outcome in outcomes:
        if outcome.status in (SUPERSEDED, BLANK) and outcome.times.get(ordering.BLANK):
            outcome.issues = [i for i in outcome.issues if i.code not in EMPTY_CELL_CODES]


class OutcomeKeeper:
    """Takes outcomes as workers finish them: records each in the ledger at once, and keeps the full
    result only of each city's newest accepted file, so memory stays flat however many
    resubmissions a batch holds (the ledger keeps every file's results)."""

    def __init__(self, ledger=None):
        self.ledger = ledger
        self.newest: dict[str, FileOutcome] = {}

    def __call__(self, outcome: FileOutcome) -> FileOutcome:
        if self.ledger is not None and outcome.sha256 and outcome.status in (ACCEPTED, REJECTED):
            self.ledger.record(ledger_record(outcome))
        if outcome.status == ACCEPTED and outcome.city is not None:
            self._keep_newest(outcome)
        return outcome

    def _keep_newest(self, outcome: FileOutcome) -> None:
        current = self.newest.get(outcome.city.code)  # later arrivals win ties, as in ordering.newest
        if current is None or ordering.compare(outcome.times, current.times).newer >= 0:
            if current is not None:
                current.result = None
            self.newest[outcome.city.code] = outcome
        else:
            outcome.result = None


def _accepted_by_city(outcomes: list[FileOutcome]) -> dict[str, list[FileOutcome]]:
    """Each city's accepted files in arrival (batch) order: the ordering rule's tie-break."""
    by_city: dict[str, list[FileOutcome]] = {}
    for outcome in outcomes:
        if outcome.status == ACCEPTED and outcome.city is not None:
            by_city.setdefault(outcome.city.code, []).append(outcome)
    return by_city


def _newest_accepted(outcomes: list[FileOutcome]) -> Decision:
    decision = Decision()
    for code, files in _accepted_by_city(outcomes).items():
        choice = ordering.choose([f.times for f in files])
        chosen = decision.counted[code] = files[choice.index]
        chosen.status = counted_status(chosen.issues)
        for index, older in enumerate(files):
            older.order_basis, older.order_time = ordering.place_of(choice, index, older.times)
            if older is not chosen:
                older.status = SUPERSEDED
                older.issues.append(_superseded(older, chosen, choice.verdicts[index]))
                if not older.times.get(ordering.BLANK):  # a blank template set aside is no correction
                    decision.corrected.add(code)
        _note_newer_rejected(outcomes, chosen)
    _place_the_rest(outcomes)
    return decision


def _superseded(older: FileOutcome, chosen: FileOutcome, verdict: ordering.Verdict):
    if verdict.basis == ordering.BLANK:
        return issue("SUBMISSION_SUPERSEDED", f"文件 {older.path} 是未填写数据的空白模板，"
                                              f"以该市已填报的报送 {chosen.path} 为准，本文件不计入", file=older.path)
    return issue("SUBMISSION_SUPERSEDED", f"文件 {older.path} 已被更新的报送 {chosen.path} 取代"
                                          f"（{ordering.reason(verdict, chosen.times)}），不再计入", file=older.path)


def _place_the_rest(outcomes: list[FileOutcome]) -> None:
    """Files no version was weighed against (rejected, duplicates) are placed on their own best time."""
    for outcome in outcomes:
        if not outcome.order_basis:
            outcome.order_basis, outcome.order_time = ordering.own_basis(outcome.times)


def _note_newer_rejected(outcomes: list[FileOutcome], chosen: FileOutcome) -> None:
    after = False
    for other in outcomes:
        after = after or other is chosen
        if other.status != REJECTED or other.city != chosen.city:
            continue
        verdict = ordering.compare(other.times, chosen.times)
        if verdict.newer > 0 or (verdict.newer == 0 and after):
            chosen.issues.append(issue("SUBMISSION_NEWER_INVALID", f"该城市更新的报送 {other.path}"
                                       f"（{ordering.reason(verdict, other.times)}）有错误无法采用，"
                                       f"仍以较早的报送 {chosen.path} 为准", file=chosen.path))


def _ledger_decision(ledger, outcomes: list[FileOutcome], roster: Roster | None) -> Decision:
    from sceval.ledger.ledger import ledger_issues

    ledger.note_order()
    counting, invalidated = ledger.counting(), ledger.invalidated()
    notes = ledger_issues(ledger)
    decision = Decision()
    for outcome in outcomes:
        outcome.issues += [i for i in notes.get(outcome.sha256, []) if i not in outcome.issues]
        _apply_ledger_status(outcome, counting, invalidated, decision)
        _apply_ledger_place(outcome, ledger)
    for code, sub in counting.items():
        if code not in decision.counted and sub.results:
            decision.earlier[code] = _with_notes(sub.results, notes.get(sub.sha256, []))
        if any(s.counts_as_valid and s.sha256 != sub.sha256 and not s.order_times.get(ordering.BLANK)
               for s in ledger.history(code)):
            decision.corrected.add(code)
    return decision


def _apply_ledger_status(outcome: FileOutcome, counting: dict, invalidated: set, decision: Decision) -> None:
    if outcome.status != ACCEPTED or outcome.city is None:
        return
    current = counting.get(outcome.city.code)
    if outcome.sha256 in invalidated:
        outcome.status = INVALIDATED
    elif current is not None and current.sha256 == outcome.sha256:
        outcome.status = counted_status(outcome.issues)
        if outcome.result is not None:  # else its stored results are used, as for an earlier run
            decision.counted[outcome.city.code] = outcome
    else:
        outcome.status = SUPERSEDED



def _with_notes(entry: dict, notes: list) -> dict:
    """A city entry stored by an earlier run, with what the ledger says of it now (chosen by a
    person, a newer return that cannot be used), so the city's row says why it counts."""
    from sceval.results.model import CITY_ISSUE_KEYS

    known = {(i.get("code"), i.get("message")) for i in entry.get("issues") or []}
    added = [{k: getattr(n, k) for k in CITY_ISSUE_KEYS} for n in notes if (n.code, n.message) not in known]
    return {**entry, "issues": list(entry.get("issues") or []) + added} if added else entry


def _apply_ledger_place(outcome: FileOutcome, ledger) -> None:
    recorded = ledger.get(outcome.sha256) if outcome.sha256 else None
    if recorded is not None and recorded.order_basis:
        outcome.order_basis, outcome.order_time = recorded.order_basis, recorded.order_time
    else:
        outcome.order_basis, outcome.order_time = ordering.own_basis(outcome.times)


def ledger_record(outcome: FileOutcome) -> dict:
    """What the ledger keeps of one file (idempotent by sha256): its results.json city entry."""
    from sceval.results.model import city_entry

    entry = city_entry(outcome.city, outcome, False) if outcome.city and outcome.result else None
    return {"sha256": outcome.sha256, "size": outcome.size, "path": outcome.path,
            "received_at": outcome.received_at, "city": outcome.city.code if outcome.city else None,
            "status": ACCEPTED if outcome.status == ACCEPTED else REJECTED,
            "issues": [i.as_dict() for i in outcome.issues], "results": entry, "message": outcome.message,
            "times": outcome.times}
