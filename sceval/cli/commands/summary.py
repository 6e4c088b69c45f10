"""CLI commands for summary (registered by sceval.cli)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer


def _load_results_or_exit(paths: list[Path]) -> list[dict]:
    from sceval.reports.summary.cases_sheet import cases_beside

    results = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            typer.echo(f"无法读取计分结果文件 {path}：{exc.strerror or exc}", err=True)
            raise typer.Exit(2) from None
        except UnicodeDecodeError:
            typer.echo(f"无法读取计分结果文件 {path}：不是 UTF-8 编码的文本文件", err=True)
            raise typer.Exit(2) from None
        except json.JSONDecodeError as exc:
            typer.echo(f"无法读取计分结果文件 {path}：JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）", err=True)
            raise typer.Exit(2) from None
        if not isinstance(data, dict) or "cities" not in data:
            typer.echo(f"{path} 不是计分结果文件（缺少 cities）", err=True)
            raise typer.Exit(2)
        data.setdefault("cases", cases_beside(path))  # 优秀案例: the cases.json ingest left beside it
        results.append(data)
    _refuse_repeated_provinces(paths, results)
    return results


def _refuse_repeated_provinces(paths: list[Path], results: list[dict]) -> None:
    """The same province twice would list every city twice and skew the national ranking."""
    seen: dict[str, Path] = {}
    for path, data in zip(paths, results):
        province = data.get("province") or {}
        code = str(province.get("code", "")) if isinstance(province, dict) else ""
        if code and code in seen:
            typer.echo(f"{seen[code]} 与 {path} 都是{province.get('name', '')}（{code}）的计分结果，"
                       "同一省份只能指定一个 results.json（请选用最新一次回收的结果）", err=True)
            raise typer.Exit(2)
        seen[code] = path


def summary_command(
    results: List[Path] = typer.Argument(..., help="一个或多个计分结果文件（results.json）；多个即全国汇总。"),
    roster: Optional[List[Path]] = typer.Option(None, "--roster", "-r", help="城市名单（可多次指定）；名单中未报送的城市列为“未报送”。"),
    out: Path = typer.Option(..., "--out", "-o", help="输出的汇总工作簿（.xlsx）。"),
    catalog: Optional[Path] = typer.Option(None, "--catalog", "-c", help="指标目录；默认使用计分结果中记录的目录"
                                           "（早期版本的 results.json 未记录目录时使用内置 2016 版）。"),
) -> None:
    """由计分结果生成汇总工作簿（总览、各级得分、原始数据、问题清单、提交情况、得分明细、图表）。"""
    from sceval.cli.common import load_catalog_or_exit, load_rosters_or_exit
    from sceval.reports.summary.workbook import write_summary

    loaded = _load_results_or_exit(list(results))
    rosters = load_rosters_or_exit(list(roster or []))
    scored = load_catalog_or_exit(catalog) if catalog else None  # else: the one in results.json
    path = write_summary(loaded if len(loaded) > 1 else loaded[0], out, rosters=rosters or None, catalog=scored)
    typer.echo(f"已生成汇总表：{path}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("summary")(summary_command)
