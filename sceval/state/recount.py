"""After `sceval ledger use` / `ledger invalidate`: every view rebuilt from the newly counted returns.

The ledger decides which submission counts; when that changes for a city, its entry in
results.json is replaced by the ledger's record of the newly counted submission — the city entry
the per-file pipeline produced when ingest read that return, with what the ledger now says of it
(chosen by a person, superseded …) — exactly as ingest does for a city counted in an earlier run
(sceval.ledger.counting). Then the round is rescored like ``sceval rescore`` (adjustments in
force, ranks) and every view is rebuilt as one set (sceval.state.rebuild). A feedback workbook
needs the return itself, kept in ``.sceval-inputs/<sha256>.*``; a city whose newly counted return
is not stored there (a folder from before returns were stored) loses its feedback workbook, and
that is said, rather than keeping a workbook of the submission that no longer counts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sceval.results.model import BLANK, INVALIDATED, SUPERSEDED


@dataclass
class Recount:
    """What a rebuild after a ledger change did: the cities whose counted return changed, those
    whose feedback workbook could not be rebuilt (return not stored), and the views written."""

    switched: list[str] = field(default_factory=list)
    unstored: list[str] = field(default_factory=list)
    views: object = None  # sceval.state.rebuild.Views


def rebuild_after_ledger_change(out_dir, ledger_path: Path) -> Recount:
    """Rescore ``out_dir`` from the ledger's counting now and rebuild every view (hold no lock:
    this takes the folder's run lock). RescoreProblem without results.json; RunStopped (exit 2)
    when the folder is busy or a view cannot be replaced (then nothing changed)."""
    from sceval.ledger.ledger import Ledger
    from sceval.review.rescore import read_results
    from sceval.ledger.run_lock import RunFolder

    out_dir, recount = Path(out_dir), Recount()
    with RunFolder(out_dir):
        results = read_results(out_dir)
        with Ledger(ledger_path) as ledger:
            recount.switched = _recount(results, ledger)
        recount.unstored = _unstored(out_dir, results, recount.switched)
        recount.views = _rescore_and_rebuild(out_dir, results, ledger_path)
    return recount


def _recount(results: dict, ledger) -> list[str]:
    """Each city entry whose counted submission changed replaced by the ledger's record of the
    one counted now (or a missing entry when none is left); the codes of those cities."""
    from sceval.ledger.notes import ledger_issues

    ledger.note_order()  # as ingest does: a person's choice shows as order_basis "manual"
    counting, notes = ledger.counting(), ledger_issues(ledger)
    switched, cities = [], []
    for entry in results.get("cities") or []:
        now = counting.get(entry.get("code"))
        if _switched(entry, now):
            _mark_files(results, entry.get("sha256"), now, ledger)
            entry = _entry_of(entry, now, notes, ledger)
            switched.append(entry["code"])
        cities.append(entry)
    results["cities"] = cities
    return switched


def _switched(entry: dict, now) -> bool:
    if now is None:  # nothing valid is left: only a city with a counted return changes
        return bool(entry.get("scores")) or entry.get("status") == BLANK
    return now.sha256 != entry.get("sha256") and bool(now.results)


def _entry_of(entry: dict, now, notes: dict, ledger) -> dict:
    """The city's entry as ingest builds it for a return counted in an earlier run."""
    from sctemplates.roster import City

    from sceval.ledger import ordering
    from sceval.ledger.counting import _with_notes
    from sceval.results.model import _json_safe, city_entry, counted_entry

    if now is None:
        return city_entry(City(entry["code"], entry["name"], entry.get("kind", "")), None, False)
    new = counted_entry(_json_safe(_with_notes(now.results, notes.get(now.sha256, []))))
    corrected = any(s.counts_as_valid and s.sha256 != now.sha256 and not s.order_times.get(ordering.BLANK)
                    for s in ledger.history(entry["code"]))
    if corrected and new.get("status") == "submitted":
        new["status"] = "corrected"
    return new


def _mark_files(results: dict, before: str | None, now, ledger) -> None:
    """The rows of results.json's file list for the two submissions: what counts now."""
    from sceval.ledger.counting import counted_status

    for row in results.get("files") or []:
        if row.get("sha256") not in {before, getattr(now, "sha256", None)} or not row.get("sha256"):
            continue
        recorded = ledger.get(row["sha256"])
        if recorded is None:
            continue
        row["status"] = counted_status(now.issues) if now is not None and row["sha256"] == now.sha256 else (
            INVALIDATED if recorded.invalidated else SUPERSEDED)
        row["order_basis"], row["order_time"] = recorded.order_basis, recorded.order_time


def _unstored(out_dir: Path, results: dict, switched: list[str]) -> list[str]:
    """Cities switched to a return with issues that the folder holds no copy of."""
    from sceval.state.outputs import stored_input

    return [f"{c['code']} {c['name']}" for c in results.get("cities") or []
            if c["code"] in switched and c.get("issues") and c.get("sha256")
            and stored_input(out_dir, c["sha256"]) is None]


def _rescore_and_rebuild(out_dir: Path, stored: dict, ledger_path: Path):
    """The round scored again (as sceval rescore does: adjustments in force, ranks with the run's
    own draws and seed) and every view rebuilt as one set."""
    from sceval.review.rescore import add_rank_stability, adjustments_for, rescore_results
    from sceval.results.model import now_iso, optional_of, scored_with
    from sceval.state.rebuild import rebuild_views

    catalog, optional = scored_with(stored), optional_of(stored)
    adjustments = adjustments_for(out_dir, stored, [catalog] + ([optional] if optional else []), ledger_path)
    results = rescore_results(stored, catalog, optional, adjustments)
    results["generated_at"] = now_iso()
    block = stored.get("sensitivity") or {}
    add_rank_stability(results, catalog, block.get("draws", 1000), block.get("seed", 2016), block.get("noise"))
    return rebuild_views(out_dir, results, ledger_path)


def unstored_note(recount: Recount) -> str:
    """What the CLI says about feedback workbooks that could not be rebuilt ("" when none)."""
    if not recount.unstored:
        return ""
    return (f"注意：{'、'.join(recount.unstored)} 现计入的报送在输出目录中没有保存副本（.sceval-inputs，"
            "早于保存副本的版本生成的目录），其问题反馈表无法重新生成，已删除旧的反馈表；"
            "如需反馈表，请加 --rerun 或用原来的参数重新运行 sceval ingest")
