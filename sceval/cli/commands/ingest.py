"""`sceval ingest`: read returned workbooks, check, score, write results.json and summaries.

Exit code 0 whenever every file was processed, even when returns carry data errors (they are
reported, not fatal); 1 when the run itself has an error the official must fix and re-run (e.g.
returns carry optional indicators but no --optional was given, or a cell of the central feed could
not be read: results are written, the city's row shows the error and its points pending); 2 when the run cannot proceed (bad arguments, unreadable catalog, roster,
optional indicators or central feed, output folder not writable, another run using the same --out,
the ledger locked by another program or read-only, the disk full: sceval.ledger.run_lock.RunStopped)
and nothing of the previous results is changed. docs/interfaces.md lists them.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer

from sceval.cli.common import CATALOG_OPTION, load_file_or_exit, stop
from sceval.cli.imap_options import FOLDER_OPTION, IMAP_OPTION, IMAP_USER_OPTION, SINCE_OPTION

EXIT_RUN_ERROR = 1  # exit 2 (cannot run) is every ScevalError's, said by the app
MAILDIR_NAME = "邮箱"  # --imap: where the mailbox is fetched to, inside --out
RUN_LEVEL_SHOWN = ("RUN_OPTIONAL_MISSING", "RUN_CENTRAL_MISSING",
                   "RUN_OUT_INSIDE_INPUT", "RUN_OUTPUT_SKIPPED", "LEDGER_REBUILT", "RUN_STALE_REMOVED")  # said once, here, not per city


def _load_central(path: Optional[Path], catalog, roster):
    """The central feed (sceval.intake.central.CentralFeed), or None; an unusable file stops the
    run here, before any city is scored (CentralUnusable, exit 2: the file and why)."""
    from sceval.intake.central import load_central

    feed = load_file_or_exit(load_central, path, catalog, roster, what="秘书处统一数据文件")
    for item in feed.all_issues() if feed else ():
        if item.severity != "info":
            typer.secho(f"{item.code} {item.message}", fg="red" if item.is_error else "yellow", err=True)
    return feed


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".sceval-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        stop(f"输出目录 {out} 不可写：{exc}")


def print_run_table(run, console=None) -> None:
    """City, status, total, errors, warnings — one row per roster city."""
    from rich.console import Console
    from rich.table import Table

    from sceval.cli.console import shown

    console = console or Console()
    table = Table(title="回收与计分结果")
    for heading in ("城市代码", "城市", "状态", "总分", "自选", "错误", "警告", "文件"):
        table.add_column(heading, overflow="fold")  # a long file name wraps, never cut with …
    for city in run.results.get("cities", []):
        counts = {"error": 0, "warning": 0}
        for item in city["issues"]:
            counts[item["severity"]] = counts.get(item["severity"], 0) + 1
        table.add_row(shown(city["code"]), _city_shown(city), _status_word(city["status"]),
                      _shown(city["total"]), _optional_shown(city), str(counts["error"]),
                      str(counts["warning"]), shown(_file_shown(city["file"])) if city["file"] else "")
    console.print(table)
    rejected = [f for f in run.results.get("files", []) if f["status"] == "rejected"]
    for entry in rejected:
        console.print(f"[red]未计入[/red] {rejected_line(entry)}")


def rejected_line(entry: dict) -> str:
    """A rejected file once: its name (a mail's 邮件“主题”（发件人，日期） names the sender already),
    then the reason without the name repeated (issue 20, item 12: the description came three times)."""
    from sceval.cli.console import shown

    path = entry["path"]
    reason = next((i["message"] for i in entry["issues"] if i["severity"] == "error"),
                  entry["issues"][0]["message"] if entry["issues"] else "")  # MAIL_* rows are warnings
    # A mail's row: [a.eml › ]邮件“…”（…） › 附件名 — the reason may repeat any leading part of it.
    parts = path.split(" › ")
    names = [" › ".join(parts[:end]) for end in range(len(parts), 0, -1)]
    for said in (f"{prefix}{name}" for name in names for prefix in ("", "文件 ", "邮件文件 ")):
        if reason.startswith(said):
            reason = reason[len(said):].lstrip(" ：:，,")
            break
    sender = (entry.get("message") or {}).get("from", "")
    sent = f"（发件人：{shown(sender)}）" if sender and sender not in path else ""
    return f"{shown(path)}{sent}：{shown(reason)}"


def _file_shown(path: str) -> str:
    """The file as the city sent it: ``附件.zip › member`` (the member's whole name: "回复[/red].xlsx"
    holds a "/"), else the file's own name without the province's folder."""
    if ".zip/" not in path:
        return Path(path).name
    archive, member = path.split(".zip/", 1)
    return f"{Path(archive + '.zip').name} › {member}"


def _city_shown(city: dict) -> str:
    """The city's name, and the sender when its counted return came by e-mail (issue 13, item 10)."""
    from sceval.cli.console import shown

    sender = (city.get("message") or {}).get("from", "")
    return shown(city["name"]) + (f"\n[dim]发件人：{shown(sender)}[/dim]" if sender else "")


def _status_word(status: str) -> str:
    """The summary's word for the status (one vocabulary), coloured when the city needs a call."""
    from sceval.reports.status_words import city_status_label, statuses_to_chase

    word = city_status_label(status)
    if status not in statuses_to_chase():
        return word
    return f"[yellow]{word}[/yellow]" if status == "missing" else f"[red]{word}[/red]"


def _print_run_issues(run) -> int:
    """The run's own problems, once each; returns how many are errors."""
    shown = [i for i in run.issues if i.code in RUN_LEVEL_SHOWN]
    for item in shown:
        typer.secho(f"{item.code} {item.message}", fg="red" if item.severity == "error" else "yellow", err=True)
    return sum(1 for i in shown if i.severity == "error")


def _with_mailbox(inputs: list[Path], out: Path, imap, user: str, folders, since) -> list[Path]:
    """--imap: the mailbox's new messages are fetched into the run's own Maildir (<输出目录>/邮箱,
    kept, so the next run fetches only what is new), which is then read like any saved mail."""
    if not imap:
        if not inputs:
            stop("请给出回收的文件、文件夹或保存的邮件，或用 --imap 直接从邮箱收取")
        return inputs
    from sceval.cli.imap_options import fetch_or_exit

    return [*inputs, fetch_or_exit(imap, user, folders, since, out / MAILDIR_NAME).maildir]
def _round_name(config, earlier) -> str:
    """The round as the province's configuration names it (a next round's --previous shows it);
    "" (named by its date) when the configuration still carries the previous round's name."""
    name = config.round_name if config else ""
    return "" if earlier is not None and name in earlier.rounds else name


def _bytes(megabytes: float) -> int:
    return int(megabytes * 1024 * 1024)


def _default_ledger(out: Path) -> Path:
    from sceval.ledger.ledger import default_ledger_path

    return default_ledger_path(out)


def _optional_shown(city: dict) -> str:
    """'待补 4.42' when the optional indicators were refused (issue 20, item 10), never blank."""
    pending = city.get("optional_pending")
    return f"待补 {pending:.2f}" if pending is not None else _shown(city["optional_total"])


def _shown(value) -> str:
    return "" if value is None else f"{value:.2f}"


def ingest_command(
    ctx: typer.Context,
    inputs: List[Path] = typer.Argument(None, help="回收的工作簿、文件夹（递归）、.zip 压缩包，或保存的邮件（.eml、mbox、Maildir 文件夹、Outlook .msg）；用 --imap 时可省略。"),
    out: Path = typer.Option(..., "--out", "-o", help="输出目录：results.json、汇总表、反馈表。"),
    central: Optional[Path] = typer.Option(None, "--central", help="秘书处统一数据文件（.xlsx）。"),
    optional: Optional[Path] = typer.Option(None, "--optional", help="本省自选指标定义文件（.xlsx），须是生成模板时用的同一份；漏给时自选指标不计分，本次回收以退出码 1 结束。"),
    roster: Optional[Path] = typer.Option(None, "--roster", help="城市名单（CSV 或 .xlsx），列为“代码,名称,类型”（类型：地级市、副省级市、直辖市、计划单列市、兵团、自治州、地区、盟）。"),
    catalog: Optional[Path] = CATALOG_OPTION,
    jobs: int = typer.Option(os.cpu_count() or 1, "--jobs", "-j", min=1, help="并行进程数。"),
    ledger: Optional[Path] = typer.Option(None, "--ledger", help="报送台账文件（记录历次报送），默认为输出目录下的 ledger.sqlite。"),
    timeout: int = typer.Option(120, "--timeout", min=0, help="单个文件的处理时限（秒），0 为不限。"),
    max_size: float = typer.Option(20, "--max-size", min=0.01, help="单个文件大小上限（MB），超过则拒收。"),
    max_archive: float = typer.Option(200, "--max-archive-size", min=1,
                                      help="单个压缩包解压后的总量上限（MB），超过则拒收。"),
    max_inflated: float = typer.Option(1024, "--max-run-inflated", min=1,
                                       help="一次回收从所有压缩包解压的总量上限（MB）。"),
    draws: int = typer.Option(1000, "--draws", min=0, help="排名稳定性：对暂定权重随机扰动（±25%）的抽样次数，0 为不计算。"),
    seed: int = typer.Option(2016, "--seed", help="排名稳定性抽样的随机种子（相同种子结果相同）。"),
    previous: Optional[List[Path]] = typer.Option(None, "--previous", help="上一轮的 results.json（可多次给出，如省里的和秘书处的）：每市记录上一轮总分、名次和变动，逐项与上一轮数值比较。"),
    mapping: Optional[Path] = typer.Option(None, "--mapping", help="上一轮与本轮指标目录版本不同时的版本对照文件（YAML，见 sceval catalog diff）。"),
    round_name: str = typer.Option("", "--round-name", help="本轮名称（写入 results.json 的 round_name；下一轮以本结果为 --previous 时显示）；不给时取 --province 配置中的 round_name。"),
    imap: Optional[str] = IMAP_OPTION, imap_user: str = IMAP_USER_OPTION,
    folder: Optional[List[str]] = FOLDER_OPTION, since: Optional[str] = SINCE_OPTION,
    province: Optional[Path] = typer.Option(None, "--province", help="省级评价配置（YAML）：按其中的截止日期 deadline 判断逾期报送；不给时按各模板下发时的截止日期。"),
) -> None:
    """回收填报表：读取、识别、校验、计分，输出 results.json、汇总表和各市问题反馈表。"""
    from sceval.cli.common import (load_catalog_or_exit, load_optional_or_exit, load_previous_or_exit,
                                   load_province_or_exit, load_roster_or_exit, warn_if_provisional)
    from sceval.cli.rerun import remember
    from sceval.ingest.batch import IngestOptions, ingest
    from sceval.safety.preflight import Limits

    loaded = load_catalog_or_exit(catalog)
    city_roster = load_roster_or_exit(roster)
    optional_catalog = load_optional_or_exit(optional, loaded)
    feed = _load_central(central, loaded, city_roster)
    earlier = load_previous_or_exit(previous, mapping, catalog)
    config = load_province_or_exit(province)  # without one, each template's own deadline is used
    _check_writable(out)
    inputs = _with_mailbox(list(inputs or []), out, imap, imap_user, folder, since)
    limits = Limits(max_bytes=_bytes(max_size), max_archive_inflated=_bytes(max_archive),
                    max_run_inflated=_bytes(max_inflated))
    # RunStopped (output folder busy, ledger locked, disk full): a ScevalError, said with its code by the app
    run = ingest(inputs, out, IngestOptions(loaded, central=feed and feed.values, optional=optional_catalog,
                 roster=city_roster, jobs=jobs, ledger_path=ledger or _default_ledger(out), timeout=timeout,
                 limits=limits, feed_issues=feed.issues if feed else [],
                 central_issues=feed.city_issues if feed else {}, draws=draws, seed=seed,
                 previous=earlier, deadline=config.deadline if config else "",
                 round_name=round_name or _round_name(config, earlier)))
    remember(ctx, out)  # for `sceval ledger invalidate --rerun`
    print_run_table(run)
    run_errors = _print_run_issues(run)
    warn_if_provisional(loaded)
    typer.echo(f"结果已写入 {run.results_path}")
    if run.summary_path:
        typer.echo(f"汇总表：{run.summary_path}")
    if run.feedback_paths:
        typer.echo(f"问题反馈表 {len(run.feedback_paths)} 份：{out / '反馈'}")
    say_removed(run.removed_paths, out)
    if run_errors or (feed is not None and feed.has_errors):
        raise typer.Exit(EXIT_RUN_ERROR)


def register(app: typer.Typer) -> None:
    """Add this module's command to the app."""
    app.command("ingest")(ingest_command)


def say_removed(removed, out: Path) -> None:
    """What a rebuild of the folder's views removed, and the report it cannot rebuild."""
    from sceval.state.rebuild import removed_note, unrebuilt_note

    for note in (removed_note(removed), unrebuilt_note(out)):
        if note:
            typer.echo(note)
