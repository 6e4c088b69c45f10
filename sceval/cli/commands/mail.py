"""`sceval mail drafts|remind|feedback`: one .eml per city, optionally sent through SMTP.

The drafts open in Outlook as unsent messages (and in Foxmail/Thunderbird as ordinary ones), so
an official can read each one before sending it; `--smtp` sends them instead. The SMTP password
(授权码) is read from the environment variable SCEVAL_SMTP_PASSWORD, never from the command line.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from sceval.cli.common import (CATALOG_OPTION, ROSTER_OPTION, bring_views_current, load_catalog_or_exit,
                               load_file_or_exit, load_province_or_exit, load_roster_or_exit, stop)
from sceval.cli.imap_options import FOLDER_OPTION, IMAP_OPTION, IMAP_USER_OPTION, SINCE_OPTION

mail_app = typer.Typer(help="邮件：各市的填报通知（附填报表）、催报、问题反馈，写成 .eml 草稿，可选经 SMTP 发送；从邮箱（IMAP）收取报送。",
                       no_args_is_help=True)
PROVINCE_OPTION = typer.Option(None, "--province", "-p", help="省级评价配置（YAML）：牵头部门、联系人、截止日期、落款。")
SMTP_OPTION = typer.Option(None, "--smtp", help="经此 SMTP 服务器发送（主机:端口，如 smtp.163.com:465；端口 465 自动使用 SSL）；不指定则只写草稿。")
STARTTLS_OPTION = typer.Option(False, "--starttls", help="连接后使用 STARTTLS 加密。")
USER_OPTION = typer.Option("", "--smtp-user", help="SMTP 用户名；授权码从环境变量 SCEVAL_SMTP_PASSWORD 读取。")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(mail_app, name="mail")


def _province(path: Optional[Path], roster):
    from sctemplates.province import default_province

    return default_province(roster) if path is None else load_province_or_exit(path)


def _results(out: Path) -> dict:
    """results.json of an ingest's output folder."""
    from sceval.mail.letters import read_results

    return load_file_or_exit(read_results, out, what="计分结果文件")


def _roster_or_results(roster_path: Optional[Path], results: dict):
    from sctemplates.roster import City, Roster

    if roster_path is not None:
        return load_roster_or_exit(roster_path), True
    cities = tuple(City(c["code"], c["name"], c.get("kind", "")) for c in results["roster"])
    return Roster(results["province"]["code"], results["province"]["name"], cities), False


def _finish(outgoing, folder: Path, suffix: str, problems, smtp, starttls: bool, user: str) -> None:
    from sceval.mail.compose import write_all

    for item in problems:
        typer.secho(f"{item.code} {item.message}", fg="yellow", err=True)
    failed = []  # one city's unwritable message never costs the others theirs (issue 21)
    written = write_all(outgoing, folder, suffix, failed)
    for item in failed:
        typer.secho(f"{item.code} {item.message}", fg="yellow", err=True)
    typer.echo(f"已写出 {len(written)} 封邮件（.eml）到 {folder}")
    if smtp:
        _send([item.message for item in written], smtp, starttls, user)


def _send(messages, smtp: str, starttls: bool, user: str) -> None:
    import smtplib

    from sceval.mail.smtp import SmtpSettings, send_all

    try:
        for line in send_all(messages, SmtpSettings.parse(smtp, starttls, user)):
            typer.echo(line)
    except (ValueError, OSError, smtplib.SMTPException) as exc:
        typer.secho(f"无法经 {smtp} 发送：{exc}", fg="red", err=True)
        raise typer.Exit(1) from None


@mail_app.command("drafts")
def drafts_command(
    roster: Path = typer.Option(..., "--roster", "-r", help="城市名单（含联系人、邮箱列）。"),
    templates: Path = typer.Option(..., "--templates", "-t", help="sceval render 生成的填报表所在文件夹。"),
    out: Path = typer.Option(..., "--out", "-o", help="邮件草稿（.eml）的输出文件夹。"),
    province: Optional[Path] = PROVINCE_OPTION, catalog: Optional[Path] = CATALOG_OPTION,
    smtp: Optional[str] = SMTP_OPTION, starttls: bool = STARTTLS_OPTION, smtp_user: str = USER_OPTION,
) -> None:
    """为每个城市生成一封附有其填报表的通知邮件草稿。"""
    from sceval.mail.letters import template_drafts

    city_roster = load_roster_or_exit(roster)
    config = _province(province, city_roster)
    problems = []
    found = template_drafts(city_roster, templates, config, load_catalog_or_exit(catalog).data_cutoff, problems)
    _finish(found, out, "填报通知", problems, smtp, starttls, smtp_user)


@mail_app.command("remind")
def remind_command(
    out: Path = typer.Option(..., "--out", "-o", help="sceval ingest 的输出目录（含 results.json）。"),
    roster: Optional[Path] = ROSTER_OPTION, province: Optional[Path] = PROVINCE_OPTION,
    drafts: Optional[Path] = typer.Option(None, "--drafts", help="催报邮件的输出文件夹，默认 <输出目录>/邮件/催报。"),
    smtp: Optional[str] = SMTP_OPTION, starttls: bool = STARTTLS_OPTION, smtp_user: str = USER_OPTION,
) -> None:
    """给未报送、报送未能采用或仅报回空白模板的城市写催报邮件，说明缺什么、为什么。"""
    from sceval.mail.letters import reminders

    results = _results(out)
    city_roster, _ = _roster_or_results(roster, results)
    problems = []
    found = reminders(results, _province(province, city_roster), city_roster, problems)
    _finish(found, drafts or out / "邮件" / "催报", "催报", problems, smtp, starttls, smtp_user)


@mail_app.command("feedback")
def feedback_command(
    out: Path = typer.Option(..., "--out", "-o", help="sceval ingest 的输出目录（含 results.json 和 反馈/）。"),
    roster: Optional[Path] = ROSTER_OPTION, province: Optional[Path] = PROVINCE_OPTION,
    drafts: Optional[Path] = typer.Option(None, "--drafts", help="反馈邮件的输出文件夹，默认 <输出目录>/邮件/反馈。"),
    smtp: Optional[str] = SMTP_OPTION, starttls: bool = STARTTLS_OPTION, smtp_user: str = USER_OPTION,
) -> None:
    """给每个有问题反馈表的城市写邮件，附上反馈表，正文说明待更正的分值。"""
    from sceval.mail.letters import feedback_letters

    bring_views_current(out)  # never mail a feedback workbook older than the results (sceval.state)
    city_roster, _ = _roster_or_results(roster, _results(out))
    problems = []
    found = feedback_letters(out, _province(province, city_roster), city_roster, problems)
    _finish(found, drafts or out / "邮件" / "反馈", "问题反馈", problems, smtp, starttls, smtp_user)


@mail_app.command("fetch")
def fetch_command(
    imap: str = typer.Option(..., "--imap", help=IMAP_OPTION.help),
    imap_user: str = IMAP_USER_OPTION, folder: Optional[List[str]] = FOLDER_OPTION,
    since: Optional[str] = SINCE_OPTION,
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="保存邮件的 Maildir 文件夹（sceval ingest 可直接读取）；再次收取只取新邮件。"),
    list_only: bool = typer.Option(False, "--list-folders", help="只列出邮箱中的文件夹（中文名称），不收取。"),
) -> None:
    """从邮箱（IMAP，只读）收取城市报送的邮件到 Maildir 文件夹：不标为已读，不移动、不删除服务器上的邮件。"""
    from sceval.cli.imap_options import fetch_or_exit, list_folders_or_exit

    if list_only:
        list_folders_or_exit(imap, imap_user)
        return
    if out is None:
        stop("请用 --out 指定保存邮件的文件夹")
    fetch_or_exit(imap, imap_user, folder, since, out)
