"""`sceval report`: the evaluation work report (附件4) as an editable Word draft."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from sceval.cli.common import bring_views_current, load_file_or_exit, load_province_or_exit, load_results_or_exit


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


def _read_cases(path: Path) -> dict:
    """cases.json of `sceval cases check`; ValueError when it is JSON of something else."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise ValueError(f"{path} 不是优秀案例检查结果（缺少 files）")
    return data


def report_command(
    results: List[Path] = typer.Argument(..., help="一个或多个计分结果文件（results.json）；多个即全国汇总报告。"),
    cases: Optional[Path] = typer.Option(None, "--cases", help="优秀案例检查结果（sceval cases check 生成的 cases.json；默认用 results.json 旁的 cases.json）。"),
    province: Optional[Path] = typer.Option(None, "--province", "-p", help="省级评价配置（YAML），用于评价工作组织一节。"),
    out: Path = typer.Option(Path("评价工作报告.docx"), "--out", "-o", help="输出的报告（.docx）。"),
    pdf: bool = typer.Option(False, "--pdf", help="同时用 LibreOffice 转换为 PDF（放在报告旁边）。"),
) -> None:
    """由计分结果生成新型智慧城市评价工作报告（附件4）初稿：组织概况、经验总结、优秀案例。"""
    from sceval.cli.unwritable import exit_when_unwritable
    from sceval.office import soffice
    from sceval.reports.report.writer import to_pdf, write_report

    for path in results:  # a results folder's views brought up to its state first (sceval.state)
        bring_views_current(path.parent)
    loaded = load_results_or_exit(list(results))  # the same checks as `sceval summary`
    beside = results[0].with_name("cases.json")
    if cases is None and len(results) == 1 and beside.is_file():  # `sceval ingest` puts it there
        cases = beside
        typer.echo(f"使用计分结果旁的优秀案例检查结果：{beside}")
    cases_data = load_file_or_exit(_read_cases, cases, what="优秀案例检查结果")
    config = load_province_or_exit(province)
    with exit_when_unwritable("评价工作报告"):
        path = write_report(loaded, cases=cases_data, province=config, out=out)
    typer.echo(f"已生成评价工作报告：{path}")
    if pdf:
        if soffice() is None:
            typer.echo("未找到 LibreOffice（soffice；可用环境变量 SCEVAL_SOFFICE 指定其位置），未生成 PDF；"
                       "可用 Word 或 WPS 打开报告后另存为 PDF。", err=True)
            return
        try:
            typer.echo(f"已生成 PDF：{to_pdf(path)}")
        except RuntimeError as exc:  # the .docx is written; only the conversion failed
            typer.echo(f"未能生成 PDF：{exc}", err=True)
            raise typer.Exit(1) from None
