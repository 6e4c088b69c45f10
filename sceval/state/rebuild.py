"""Every view of an output folder rebuilt from its state, and committed as one set.

``rebuild_views`` is what every command that changes the state ends with (ingest, adjust and its
undo, rescore into a folder): from results.json's content and the stored returns it writes
results.json, the summary workbook and one feedback workbook per city with issues into a staging
folder, then replaces the folder's views together (sceval.state.commit). A feedback workbook of a
city that no longer has issues, or a summary of an older date, is removed in the same step. On
any failure the previous set stays, whole. ``verify`` calls the same function into a scratch
folder, so what is checked is what is written.
"""
from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sceval.state.outputs import FEEDBACK_DIR, feedback_jobs, summary_name, write_feedback_jobs
from sceval.results.model import write_results
from sceval.ledger.run_lock import WORK_DIR
from sceval.state.commit import check_replaceable, commit
from sceval.state.manifest import RESULTS_FILE, views_listed, write_manifest

# A feedback workbook sceval wrote (code_name_问题反馈.xlsx): removed when its city has no issues.
OUR_FEEDBACK = re.compile(r"^\d{6}_.+_问题反馈\.xlsx$")
# Where `sceval mail feedback|remind` put their drafts by default (sceval.cli.commands.mail).
DRAFT_FOLDERS = ("邮件/反馈", "邮件/催报")


@dataclass
class Views:
    """What a rebuild wrote: paths in the output folder, files removed, problems met."""

    results_path: Path
    summary_path: Path | None = None
    feedback_paths: list[Path] = field(default_factory=list)
    extra_paths: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    issues: list = field(default_factory=list)


def existing_views(out_dir: Path) -> list[Path]:
    """Every view the folder holds now: what a rebuild may replace or remove."""
    out_dir = Path(out_dir)
    found = {out_dir / RESULTS_FILE, *(out_dir / rel for rel in views_listed(out_dir))}
    found |= {path for path in (out_dir / FEEDBACK_DIR).glob("*.xlsx") if OUR_FEEDBACK.match(path.name)}
    return sorted(path for path in found if path.exists())


def check_views_replaceable(out_dir: Path) -> None:
    """OutputsLocked (exit 2) before a command changes anything, naming each locked view."""
    check_replaceable([*existing_views(out_dir), *_drafts(out_dir)])


def _drafts(out_dir: Path) -> list[Path]:
    return sorted(path for folder in DRAFT_FOLDERS for path in (Path(out_dir) / folder).glob("*.eml"))


def build_views(results: dict, staging: Path, inputs_dir: Path, workbooks: bool = True,
                jobs: int = 1, extra: dict[str, Callable[[Path], object]] | None = None) -> tuple[dict[str, Path], list]:
    """Every view of ``results`` written under ``staging``: relative path -> staged file, and the
    issues met (a feedback workbook that could not be written)."""
    staged, issues = {}, []
    if workbooks:
        from sceval.reports.summary.workbook import write_summary

        jobs_list = feedback_jobs(results, inputs_dir, staging)
        for path in write_feedback_jobs(jobs_list, issues, jobs):
            staged[path.relative_to(staging).as_posix()] = path
        name = summary_name(results)
        staged[name] = write_summary(_with_cases(results, inputs_dir), staging / name)
    for rel, write in (extra or {}).items():
        write(staging / rel)
        staged[rel] = staging / rel
    write_results(results, staging / RESULTS_FILE)
    staged[RESULTS_FILE] = staging / RESULTS_FILE  # last: the views before the state they show
    return staged, issues


def _with_cases(results: dict, out_dir: Path) -> dict:
    """The summary's 优秀案例 sheet reads the folder's cases.json: staged elsewhere, it is given."""
    from sceval.reports.summary.cases_sheet import cases_beside

    cases = cases_beside(Path(out_dir) / RESULTS_FILE)
    return {**results, "cases": cases} if cases else results


def rebuild_views(out_dir, results: dict, ledger_path: Path | None = None, workbooks: bool = True,
                  jobs: int = 1, extra: dict | None = None, inputs_from: Path | None = None) -> Views:
    """Write every view of ``results`` into ``out_dir`` as one set; call while holding the folder's
    run lock. ``extra``: relative path -> writer of another output of this command (变动对比);
    ``inputs_from``: the folder whose stored returns make the feedback (default ``out_dir``)."""
    out_dir = Path(out_dir)
    check_views_replaceable(out_dir)
    staging = out_dir / WORK_DIR / f"views-{uuid.uuid4().hex[:8]}"
    try:
        _carry_inputs(Path(inputs_from or out_dir), out_dir, results)
        staged, issues = build_views(results, staging / "new", out_dir, workbooks, jobs, extra)
        removed = [rel for rel in _old_views(out_dir) if rel not in staged]
        commit(out_dir, staged, removed, staging / "old")
        write_manifest(out_dir, [rel for rel in staged if rel != RESULTS_FILE], ledger_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _views(out_dir, staged, removed, issues, extra or {})


def _old_views(out_dir: Path) -> list[str]:
    """The views there now, and the mail drafts of an earlier state (their totals and attached
    feedback workbooks are that state's: sent now they would contradict the new results)."""
    found = {path.relative_to(out_dir).as_posix() for path in {*existing_views(out_dir), *_drafts(out_dir)}}
    return sorted(found - {RESULTS_FILE})


def _carry_inputs(source_dir: Path, out_dir: Path, results: dict) -> None:
    """Rescoring into another folder: the returns its feedback is made from go with it."""
    from sceval.state.outputs import INPUTS_DIR, stored_input

    if source_dir.resolve() == out_dir.resolve():
        return
    for entry in results.get("cities") or []:
        found = stored_input(source_dir, entry.get("sha256") or "")
        if found is not None and not (out_dir / INPUTS_DIR / found.name).exists():
            (out_dir / INPUTS_DIR).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found, out_dir / INPUTS_DIR / found.name)


def _views(out_dir: Path, staged: dict, removed: list[str], issues: list, extra: dict) -> Views:
    views = Views(out_dir / RESULTS_FILE, issues=issues, removed=[out_dir / rel for rel in removed])
    for rel in staged:
        if rel.startswith(FEEDBACK_DIR + "/"):
            views.feedback_paths.append(out_dir / rel)
        elif rel in extra:
            views.extra_paths.append(out_dir / rel)
        elif rel != RESULTS_FILE:
            views.summary_path = out_dir / rel
    return views


def removed_note(removed: list[Path]) -> str:
    """What the CLI says about outputs an earlier state left and this rebuild removed ("" if none)."""
    if not removed:
        return ""
    names = "、".join(path.name for path in removed[:5]) + ("等" if len(removed) > 5 else "")
    return (f"已删除不再适用的旧输出 {len(removed)} 个（无问题城市的反馈表、旧日期的汇总表、按旧结果写的邮件草稿；"
            f"缺少原报送副本而无法重新生成的反馈表请重新运行 sceval ingest 生成）：{names}")


def unrebuilt_note(out_dir: Path) -> str:
    """A report (附件4 初稿, edited by people, so never replaced) written into the folder from an
    earlier state: named, with what to do ("" when there is none)."""
    reports = sorted(Path(out_dir).glob("*.docx"))
    if not reports:
        return ""
    names = "、".join(path.name for path in reports)
    return f"注意：{names} 是按此前的结果生成的，未自动更新；请重新运行 sceval report 生成新的初稿"
