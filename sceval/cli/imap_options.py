"""The IMAP options shared by `sceval mail fetch` and `sceval ingest --imap`, and the fetch itself.

The password (授权码) comes from the environment variable SCEVAL_IMAP_PASSWORD or an
interactive prompt that does not echo it — never from the command line, where it would be kept
in the shell history and shown in the process list. Every failure is a ScevalError (ImapFailure or
the CLI's own stop): exit 2 with its code and a Chinese message, said by the app.
"""
from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import List, Optional

import typer

from sctemplates.display import neutral

from sceval.cli.common import stop

IMAP_OPTION = typer.Option(None, "--imap", help="IMAP 服务器（主机或主机:端口），如 imap.163.com、imap.qq.com、mail.单位.gov.cn；"
                                                "端口 993 为 SSL，其他端口使用 STARTTLS。授权码从环境变量 SCEVAL_IMAP_PASSWORD 读取，未设置时提示输入。")
IMAP_USER_OPTION = typer.Option("", "--imap-user", show_default=False, help="邮箱账号（完整邮箱地址）。")
FOLDER_OPTION = typer.Option(None, "--folder", help="收取的文件夹（可多次指定，中文名照写），默认“INBOX”（收件箱）。")
SINCE_OPTION = typer.Option(None, "--since", help="只收取该日期（YYYY-MM-DD）及以后收到的邮件。")


def fetch_or_exit(imap: str, user: str, folders: Optional[List[str]], since: Optional[str], out: Path):
    """Fetch into the Maildir ``out`` with a progress bar; the FetchReport."""
    from sceval.intake.mailbox.imap.fetch import fetch_mail

    settings = _settings(imap, user)
    with _progress_bar() as progress:  # ImapFailure: a ScevalError, said with its code by the app
        report = fetch_mail(settings, password_or_exit(), out, tuple(folders or ("INBOX",)),
                            _since(since), progress=progress)
    _say(report)
    return report


def list_folders_or_exit(imap: str, user: str) -> None:
    from sceval.intake.mailbox.imap.fetch import list_folders

    names = list_folders(_settings(imap, user), password_or_exit())
    typer.echo(f"{imap} 中的文件夹（--folder 按此填写）：")
    for name in names:
        typer.echo(f"  {neutral(name)}")  # the server's names: bidi and control characters shown harmless


def password_or_exit() -> str:
    from sceval.intake.mailbox.imap.connect import PASSWORD_VARIABLE

    password = os.environ.get(PASSWORD_VARIABLE, "")
    if not password:
        try:
            password = typer.prompt("邮箱授权码（输入时不显示）", default="", hide_input=True, show_default=False)
        except typer.Abort:  # no terminal to ask on (input closed) or Ctrl-C: no code, exit 2 below
            password = ""
    if not password:
        stop(f"IMAP_NO_PASSWORD 没有授权码：请设置环境变量 {PASSWORD_VARIABLE}，或在提示时输入。"
             "163/QQ 邮箱的授权码在网页版“设置 › POP3/SMTP/IMAP”中开启 IMAP 服务后获取")
    return password


def _settings(imap: str, user: str):
    from sceval.intake.mailbox.imap.connect import ImapSettings

    if not user:
        stop("IMAP_LOGIN 请用 --imap-user 指定邮箱账号（完整邮箱地址）")
    return ImapSettings.parse(imap, user)


def _since(text: Optional[str]) -> Optional[date]:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        stop(f"--since 应为日期 YYYY-MM-DD（如 2016-12-01），而不是“{text}”")


class _progress_bar:
    """A rich progress bar per folder, fed by fetch_mail's (folder, done, total) callback."""

    def __enter__(self):
        from rich.progress import Progress

        self._bar = Progress(transient=False)
        self._bar.__enter__()
        self._tasks: dict = {}
        return self._update

    def _update(self, folder: str, done: int, total: int) -> None:
        if folder not in self._tasks:
            from sceval.cli.console import shown

            self._tasks[folder] = self._bar.add_task(f"收取 {shown(folder)}", total=max(total, 1))
        self._bar.update(self._tasks[folder], completed=done if total else 1)

    def __exit__(self, *exc):
        return self._bar.__exit__(*exc)


def _say(report) -> None:
    for folder in report.folders:
        again = "（服务器重建了该文件夹的编号，已重新核对，重复邮件未再保存）" if folder.refetched else ""
        known = f"，{folder.duplicates} 封此前已保存" if folder.duplicates else ""
        typer.echo(f"{neutral(folder.name)}：新收取 {folder.stored} 封{known}{again}")
        if folder.too_large:
            typer.secho(f"{neutral(folder.name)}：{len(folder.too_large)} 封邮件超过大小上限，未下载（UID "
                        f"{', '.join(map(str, folder.too_large[:10]))}）", fg="yellow", err=True)
    typer.echo(f"邮件已保存到 {report.maildir}（共新收取 {report.stored} 封）")

