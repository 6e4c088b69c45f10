"""The consolidated summary workbook (汇总表): one province, or a national merge of several.

`write_summary` merges results dicts (the public shape of results.json) with rosters, then each
sheet module lays out the same derived data; the file is written atomically.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sctemplates.atomic import atomic_path
from sctemplates.model import Catalog

from sceval.reports.summary.cases_sheet import cases_for, write_cases_sheet
from sceval.reports.summary.charts import write_charts
from sceval.reports.summary.data import SummaryData, build_summary_data
from sceval.reports.summary.embedded import embedded_results, write_embedded
from sceval.reports.summary.lists import write_issues, write_raw_data, write_submissions
from sceval.reports.summary.matrix import write_catalog_matrices, write_optional_sheet
from sceval.reports.summary.overview import write_overview
from sceval.reports.summary.previous_sheet import write_previous_sheet
from sceval.reports.summary.stability import write_stability
from sceval.reports.summary.style import Styles
from sceval.reports.summary.trace import write_trace

PROVISIONAL_NOTE = ("注：指标目录中部分分项的权重或计分方法为暂定值（非官方），得分仅供参考；"
                    "官方值公布后请更新目录并重新计分。")


def _heading(data: SummaryData) -> str:
    if data.national:
        return f"新型智慧城市评价汇总表（全国，{len(data.provinces)} 个省份）"
    names = [p.name for p in data.provinces]
    return f"{names[0] if names else ''}新型智慧城市评价汇总表"


def title_lines(data: SummaryData, today: dt.date | None = None) -> list[tuple[str, str]]:
    """The lines at the top of every sheet: heading, date and catalog, provisional warnings."""
    from sceval.ledger.ordering import BEIJING, shown_time

    today = today or dt.datetime.now(BEIJING).date()  # the day in Beijing, as every time shown
    catalog = data.catalog
    facts = (f"生成日期：{today.isoformat()}　　指标目录：{catalog.title}（{catalog.edition}版，"
             f"指纹 {catalog.fingerprint()}）")
    if data.generated_at:
        facts += f"　　计分时间：{shown_time(data.generated_at)}（北京时间）"
    lines = [(_heading(data), "title"), (facts, "note")]
    if catalog.provisional:
        lines.append((PROVISIONAL_NOTE, "warn"))
    others = data.fingerprints() - {catalog.fingerprint(), ""}
    if others:
        lines.append((f"注意：部分结果文件的指标目录指纹（{'、'.join(sorted(others))}）"
                      "与当前目录不一致，请核对。", "warn"))
    return lines


def write_summary(results: dict | list[dict], out_path: str | Path, rosters=None,
                  catalog: Catalog | None = None) -> Path:
    """Write the summary workbook for one results dict or a national merge of several.

    ``rosters``: a Roster or a list of them (sctemplates.roster); their cities that appear in no
    results are listed as 未报送. ``catalog`` defaults to the one the results were scored with.
    """
    import xlsxwriter

    data = build_summary_data(results, catalog or scored_catalog(results), rosters)
    title = title_lines(data)
    out_path = Path(out_path)
    with atomic_path(out_path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False,
                                                  "strings_to_numbers": False,
                                                  "strings_to_urls": False})
        styles = Styles(workbook)
        _write_sheets(workbook, data, styles, title)
        cases = cases_for(results, out_path)
        write_cases_sheet(workbook, cases, styles, title)  # 优秀案例, when checked
        write_embedded(workbook, embedded_results(results, cases))  # for merges and analysts
        workbook.set_properties({"title": _heading(data), "comments": "sceval"})
        workbook.close()
    return out_path


def scored_catalog(results: dict | list[dict]) -> Catalog:
    """The catalog the (first) results were scored with; the bundled one only for results.json
    written before it carried its catalog (the title then warns if the fingerprints differ)."""
    from sctemplates.catalog import load_catalog

    from sceval.results.model import catalog_of

    for one in results if isinstance(results, list) else [results]:
        found = catalog_of(one)
        if found is not None:
            return found
    return load_catalog()


def _write_sheets(workbook, data: SummaryData, styles: Styles, title: list) -> None:
    write_overview(workbook, data, styles, title)
    write_catalog_matrices(workbook, data, styles, title)
    write_raw_data(workbook, data, styles, title)
    write_optional_sheet(workbook, data, styles, title)
    write_issues(workbook, data, styles, title)
    write_submissions(workbook, data, styles, title)
    write_trace(workbook, data, styles, title)
    write_charts(workbook, data, styles, title)
    write_stability(workbook, data, styles, title)  # 排名稳定性, when the results carry rank intervals
    write_previous_sheet(workbook, data, styles, title)  # 与上一轮对比, when the results carry a previous round
