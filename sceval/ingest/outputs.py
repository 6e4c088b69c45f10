"""What a run writes besides results.json: one feedback workbook per city with issues, and the
summary workbook, with the names officials see.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from sctemplates.issues import Issue, issue
from sctemplates.roster import City, Roster

from sceval.ingest.pool import map_in_workers
from sceval.ingest.results import REJECTED, FileOutcome, now_iso

FEEDBACK_DIR = "反馈"


def roster_from_outcomes(outcomes: list[FileOutcome]) -> Roster:
    """Without a roster: the cities that were identified, under the most common province."""
    cities = {o.city.code: o.city for o in outcomes if o.city is not None}
    provinces = Counter(o.province for o in outcomes if o.city is not None and o.province[0])
    code, name = provinces.most_common(1)[0][0] if provinces else ("", "")
    return Roster(code, name, tuple(sorted(cities.values(), key=lambda c: c.code)))


def feedback_name(city: City) -> str:
    return f"{city.code}_{city.name}_问题反馈.xlsx"


def write_feedback_all(run, out_dir: Path, jobs: int = 1) -> list[Path]:
    """One feedback workbook per city with issues; openpyxl is slow, so workers share the load."""
    jobs_list = [(o.source, o.issues, out_dir / FEEDBACK_DIR / feedback_name(o.city), o.path)
                 for o in _feedback_outcomes(run)]
    done = map_in_workers(_feedback_job, jobs_list, jobs)
    run.issues += [found for _path, found in done if found is not None]
    return [path for path, _found in done if path is not None]


def _feedback_job(job) -> tuple[Path | None, Issue | None]:
    from sceval.reports.feedback import write_feedback

    source, issues, target, shown = job
    try:
        return Path(write_feedback(source, issues, target)), None
    except Exception as exc:  # noqa: BLE001 - one feedback failing must not lose the others
        return None, issue("FILE_UNREADABLE", f"无法为 {shown} 生成问题反馈表（{exc}）", file=shown)


def _feedback_outcomes(run) -> list[FileOutcome]:
    """The counted file of each city with issues; else the newest identified rejected file."""
    chosen = {code: o for code, o in run.counted.items() if o.issues}
    for outcome in sorted(run.outcomes, key=lambda o: o.received_at):
        if outcome.status == REJECTED and outcome.city and outcome.city.code not in run.counted and outcome.source:
            chosen[outcome.city.code] = outcome
    return list(chosen.values())


def summary_name(results: dict) -> str:
    day = (results.get("generated_at") or now_iso())[:10].replace("-", "")
    return f"汇总_{results['province']['name'] or '未知省份'}_{day}.xlsx"


def write_summary_beside(results: dict, out_dir: Path) -> Path:
    from sceval.reports.summary.workbook import write_summary

    target = out_dir / summary_name(results)
    write_summary(results, target)
    return target
