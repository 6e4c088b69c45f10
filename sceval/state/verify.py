"""`sceval verify`: the round recomputed from its state and compared with every output on disk.

The recomputation is the stored results rescored from their stored inputs with the adjustments
in force in the ledger (sceval.review.rescore, as ingest and adjust score them), ranked with the
run's own draws and seed; its views are built by the same code that writes them
(sceval.state.rebuild.build_views) into a scratch folder, then compared: results.json by value,
each workbook cell by cell (sceval.state.compare). A view left from an older state, edited by
hand, missing or superfluous is a disagreement; so is a ledger changed since the views were built.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sceval.state.compare import Disagreement, compare_json, compare_report, compare_workbooks
from sceval.state.manifest import RESULTS_FILE, ledger_token, read_manifest


@dataclass
class Verdict:
    out_dir: Path
    disagreements: list[Disagreement] = field(default_factory=list)
    compared: int = 0  # files compared

    @property
    def ok(self) -> bool:
        return not self.disagreements

    def summary(self) -> str:
        if self.ok:
            return f"一致：{self.out_dir} 中的 {self.compared} 个输出文件与按当前状态重新计算的结果完全一致"
        said = f"不一致：{self.out_dir} 中有 {len(self.disagreements)} 处与按当前状态重新计算的结果不同"
        reports = sorted({found.file for found in self.disagreements if found.file.endswith(".docx")})
        if not reports:
            return said
        # the work report is a draft officials edit: never rebuilt by a state change, only by `report`
        in_reports = sum(found.file in reports for found in self.disagreements)
        where = "这些不同全部" if in_reports == len(self.disagreements) else f"其中 {in_reports} 处"
        names = "、".join(Path(name).name for name in reports)
        return (f"{said}\n{where}在评价工作报告（{names}）中：报告是按此前的结果生成的初稿，"
                "调整、作废或重新计分后不会自动改写；请重新运行 sceval report 生成新的初稿（如已手工修改，请把修改誊到新稿）")


def recompute(out_dir: Path, ledger=None) -> dict:
    """results.json as the folder's state gives it now (RescoreProblem when there is none)."""
    from sceval.results.model import optional_of, scored_with
    from sceval.review.rescore import add_rank_stability, adjustments_for, read_results, rescore_results

    stored = read_results(out_dir)
    catalog, optional = scored_with(stored), optional_of(stored)
    adjustments = adjustments_for(out_dir, stored, [catalog] + ([optional] if optional else []), ledger)
    results = rescore_results(stored, catalog, optional, adjustments)
    block = stored.get("sensitivity") or {}
    add_rank_stability(results, catalog, block.get("draws", 1000), block.get("seed", 2016), block.get("noise"))
    return results


def verify_folder(out_dir, ledger=None) -> Verdict:
    from sceval.ledger.ledger import default_ledger_path
    from sceval.state.rebuild import build_views, existing_views

    out_dir = Path(out_dir)
    ledger = Path(ledger) if ledger else default_ledger_path(out_dir)
    verdict = Verdict(out_dir)
    results = recompute(out_dir, ledger)
    on_disk = {p.relative_to(out_dir).as_posix(): p for p in existing_views(out_dir)}
    workbooks = any(rel.endswith(".xlsx") for rel in on_disk)
    scratch = Path(tempfile.mkdtemp(prefix="sceval-verify-"))
    try:
        staged, _issues = build_views(results, scratch, out_dir, workbooks)
        verdict.disagreements += _ledger_changed(out_dir, ledger) + _cases_changed(out_dir)
        for rel, path in staged.items():
            verdict.disagreements += _compare(out_dir, rel, on_disk.get(rel), path, results)
            verdict.compared += 1
        verdict.disagreements += _superfluous(out_dir, on_disk, staged)
        verdict.disagreements += _reports(out_dir, results, verdict)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return verdict


def _compare(out_dir: Path, rel: str, shown: Path | None, recomputed: Path, results: dict) -> list[Disagreement]:
    name = str(out_dir / rel)
    if shown is None:
        return [Disagreement(name, "", "（文件不存在）", "应有此文件")]
    if rel == RESULTS_FILE:
        return compare_json(shown, results, name)
    return compare_workbooks(shown, recomputed, name)


def _reports(out_dir: Path, results: dict, verdict: Verdict) -> list[Disagreement]:
    """The tables of each report (.docx) sceval wrote into the folder."""
    found = []
    for path in sorted(out_dir.glob("*.docx")):
        found += compare_report(path, results, str(path))
        verdict.compared += 1
    return found


def _superfluous(out_dir: Path, on_disk: dict, staged: dict) -> list[Disagreement]:
    """A view on disk the state does not give (a stale feedback workbook), except the outputs of
    one command that verify cannot recompute (变动对比), checked by their recorded digest."""
    from sceval.state.manifest import file_digest

    listed = (read_manifest(out_dir) or {}).get("views") or {}
    found = []
    for rel, path in on_disk.items():
        if rel in staged:
            continue
        if rel in listed and rel.startswith("变动对比") and file_digest(path) == listed[rel]:
            continue
        found.append(Disagreement(str(path), "", "（存在）", "按当前状态不应有此文件（已过期）"))
    return found


def _ledger_changed(out_dir: Path, ledger: Path) -> list[Disagreement]:
    manifest = read_manifest(out_dir)
    if manifest is None:
        return []
    kept, now = manifest.get("ledger") or {}, ledger_token(ledger)
    if kept.get("submissions") == now.get("submissions"):
        return []
    return [Disagreement(str(ledger), "报送记录", "在各输出文件生成后有变化（ledger invalidate/use）",
                         "请重新回收（sceval ledger … --rerun 或 sceval ingest）后各输出文件才会反映这些变化")]


def _cases_changed(out_dir: Path) -> list[Disagreement]:
    """cases.json rewritten since the views were built (their 优秀案例 shows the earlier one)."""
    from sceval.cases.check import CASES_FILE
    from sceval.state.manifest import cases_changed

    manifest = read_manifest(out_dir)
    if manifest is None or not cases_changed(out_dir, manifest):
        return []
    return [Disagreement(str(out_dir / CASES_FILE), "", "在各输出文件生成后有变化",
                         "汇总表的优秀案例应按此文件重新生成（sceval rescore 或 sceval mail feedback 会重新生成）")]
