"""CLI commands for the submission ledger (registered by sceval.cli).

`sceval ledger` lists every submission ever received and the basis that decided which counts;
`sceval ledger invalidate SHA --why …` excludes one, after which the city's previous valid
submission counts; `sceval ledger use SHA --why …` (its mirror) makes one count whatever the
ordering rule (sceval.ledger.ordering) says. Either then rebuilds every view of the folder from
the newly counted returns (sceval.state.recount), or reruns the last ingest (--rerun).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from sceval.cli.common import load_file_or_exit, stop

LEDGER_OPTION = typer.Option(None, "--ledger", help="台账文件路径（默认 <输出目录>/ledger.sqlite）。")
OUT_OPTION = typer.Option(None, "--out", "-o", help="回收输出目录（台账位于其中的 ledger.sqlite）。")
# Without results.json in the folder there is nothing to rebuild: the ledger waits for ingest.
NO_RESULTS_NOTE = "注意：输出目录中还没有 results.json，台账的这一变化将在下次运行 sceval ingest 时生效。"
RERUN_OPTION = typer.Option(False, "--rerun", help="随即按上次的参数重新运行 sceval ingest（重新读取原始文件），而不是按已保存的报送副本重新计分。")


def _after_change(ctx: typer.Context, rerun: bool, ledger_path: Path, out: Optional[Path]) -> None:
    """Rebuild every view of the folder from the ledger's counting now (sceval.state.recount),
    or, with --rerun, run the last ingest again (the root command, sceval itself, runs it:
    cli/rerun.py never imports cli/app.py)."""
    folder = out or ledger_path.parent
    if rerun:
        from sceval.cli.rerun import rerun as run_again

        code = run_again(folder, ctx.find_root().command)
        if code:
            raise typer.Exit(code)
        return
    if not (folder / "results.json").is_file():
        typer.echo(NO_RESULTS_NOTE)
        return
    _rebuild(folder, ledger_path)


def _rebuild(folder: Path, ledger_path: Path) -> None:
    from sceval.review.rescore import RescoreProblem
    from sceval.ledger.run_lock import RunStopped
    from sceval.state.rebuild import removed_note, unrebuilt_note
    from sceval.state.recount import rebuild_after_ledger_change, unstored_note

    try:
        recount = rebuild_after_ledger_change(folder, ledger_path)
    except (RescoreProblem, RunStopped) as problem:  # kept: the stop alone would not say the ledger did change
        stop(f"台账已更改，但输出文件未能更新：{problem}", problem.exit_code)
    cities = "、".join(recount.switched) or "无城市"
    typer.echo(f"已按台账当前的计入报送重新计分（计入报送有变化的城市：{cities}），"
               f"并重新生成 results.json、汇总表和反馈表：{folder}")
    for note in (unstored_note(recount), removed_note(recount.views.removed), unrebuilt_note(folder)):
        if note:
            typer.secho(note, fg="yellow")


def _ledger_path(ledger: Optional[Path], out: Optional[Path]) -> Path:
    """The ledger file to open; exit 1 with a Chinese message when there is none yet."""
    from sceval.ledger.ledger import default_ledger_path

    path = ledger or default_ledger_path(out or Path("."))
    if not path.is_file():
        stop(f"尚无报送台账：{path} 不存在。请先运行 sceval ingest，或用 --ledger/--out 指定。", 1)
    return path


def _open(ledger: Optional[Path], out: Optional[Path]):
    """The ledger through the same guard as ingest: busy or read-only is LedgerProblem (exit 2,
    said with its code by the app); a damaged one is kept aside and rebuilt from results.json,
    and that is said."""
    from sceval.ledger.guard import open_ledger

    path, notes = _ledger_path(ledger, out), []
    opened = load_file_or_exit(open_ledger, path, path.parent / "results.json", notes, what="报送台账")
    for note in notes:
        typer.secho(note.message, fg="yellow", err=True)
    return opened


def show_ledger(ctx: typer.Context, ledger: Optional[Path] = LEDGER_OPTION,
                out: Optional[Path] = OUT_OPTION) -> None:
    """列出台账中的全部报送：收到时间、城市、状态、问题数、是否计入、SHA-256 和文件名。"""
    if ctx.invoked_subcommand:
        return
    from rich.console import Console

    with _open(ledger, out) as opened:
        Console().print(submissions_table(opened))


def submissions_table(ledger):
    """A rich table of every submission, oldest first."""
    from rich.table import Table

    from sceval.cli.console import shown
    from sceval.ledger.ordering import shown_time  # Beijing time, as 判定依据 and every view show it

    counting = {sub.sha256 for sub in ledger.counting().values()}

    table = Table(title=f"报送台账（{shown(ledger.path)}）")
    for header in ("收到时间（北京时间）", "城市", "状态", "错误/警告/提示", "计入", "判定依据", "SHA-256", "文件"):
        table.add_column(header)
    for sub in ledger.submissions():
        table.add_row(shown_time(sub.received_at), shown(_city(sub)), _status(sub, sub.sha256 in counting),
                      f"{sub.errors}/{sub.warnings}/{sub.infos}",
                      "✓" if sub.sha256 in counting else "", _basis(sub), sub.sha256[:12], shown(sub.file_name))
    return table


def _city(sub) -> str:
    name = (sub.results or {}).get("name", "") if isinstance(sub.results, dict) else ""
    return f"{sub.city_code or '未识别'} {name}".strip()


def _basis(sub) -> str:
    """'工作簿保存时间 2016-12-25 10:00': the basis that placed it, as of the last ingest."""
    from sceval.ledger.ordering import basis_text

    return basis_text(sub.order_basis, sub.order_time)


def _status(sub, counts: bool) -> str:
    if sub.invalidated:
        return "已作废"
    if sub.status == "rejected":
        return "无效"
    from sceval.ledger.ordering import BLANK

    if counts and sub.order_times.get(BLANK):  # the city's only return is a blank template: not scored
        return "有效（空白模板，未计分）"
    return "有效" if counts else "有效（已被替代）"


def invalidate_command(
    ctx: typer.Context,
    sha: str = typer.Argument(..., help="要作废的报送的 SHA-256（可只写开头几位，须唯一）。"),
    why: str = typer.Option(..., "--why", help="作废原因（记入台账）。"),
    ledger: Optional[Path] = LEDGER_OPTION,
    out: Optional[Path] = OUT_OPTION,
    rerun: bool = RERUN_OPTION,
) -> None:
    """作废一次报送；该城市此前最新的有效报送随即计入。"""
    def invalidate(opened):
        target = opened.invalidate(sha, why)
        typer.echo(f"已作废：{target.file_name}（城市 {target.city_code or '未识别'}，"
                   f"SHA-256 {target.sha256[:12]}），原因：{target.invalidated_why}")
        now = opened.counting().get(target.city_code or "")
        typer.echo(f"城市 {target.city_code} 现计入：{now.file_name}（SHA-256 {now.sha256[:12]}）"
                   if now else f"城市 {target.city_code or '未识别'} 现在没有可计入的有效报送。")

    _change(ctx, ledger, out, rerun, invalidate)


def use_command(
    ctx: typer.Context,
    sha: str = typer.Argument(..., help="要计入的报送的 SHA-256（可只写开头几位，须唯一）。"),
    why: str = typer.Option(..., "--why", help="指定原因（记入台账，并在 results.json 中显示）。"),
    ledger: Optional[Path] = LEDGER_OPTION,
    out: Optional[Path] = OUT_OPTION,
    rerun: bool = RERUN_OPTION,
) -> None:
    """指定某次报送为该城市计入的报送（不论各版本的时间先后；误作废的报送随即撤销作废）；与 invalidate 相对。"""
    def use(opened):
        restored = opened.find(sha).invalidated
        target = opened.use(sha, why)
        typer.echo(f"已{'撤销作废并' if restored else ''}指定：城市 {target.city_code} 计入 {target.file_name}（SHA-256 {target.sha256[:12]}），"
                   f"原因：{target.used_why}")

    _change(ctx, ledger, out, rerun, use)


def _change(ctx: typer.Context, ledger: Optional[Path], out: Optional[Path], rerun: bool, change) -> None:
    """Apply one ledger change (a SHA that fits no usable submission: exit 1, NoSuchSubmission or
    CannotCount), then rebuild the views from it (or rerun ingest). A view that cannot be replaced
    stops before the ledger changes (OutputsLocked, exit 2)."""
    from sceval.state.rebuild import check_views_replaceable

    check_views_replaceable(out or _ledger_path(ledger, out).parent)
    with _open(ledger, out) as opened:
        change(opened)
    _after_change(ctx, rerun, _ledger_path(ledger, out), out)  # the ledger is closed: the rebuild opens it


def register(app: typer.Typer) -> None:
    """Add `sceval ledger` and `sceval ledger invalidate` to the app."""
    group = typer.Typer(help="报送台账：查看收到的全部文件，作废某次报送。")
    group.callback(invoke_without_command=True)(show_ledger)
    group.command("invalidate")(invalidate_command)
    group.command("use")(use_command)
    app.add_typer(group, name="ledger")
