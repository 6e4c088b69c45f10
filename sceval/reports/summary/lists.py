"""Long tables of the summary: 原始数据 (inputs as written), 问题清单 (issues), 提交情况
(who returned what, and which file counts)."""
from __future__ import annotations

from sctemplates.issues import issue_codes
from sctemplates.layout import FILER_FIELDS

from sceval.ledger.lateness import late_text
from sceval.reports.summary.data import FILE_STATUS_LABELS, SEVERITY_LABELS, CityRow, SummaryData
from sceval.reports.summary.style import (
    Styles, print_setup, write_headers, write_text, write_title, write_value,
)

RAW_SHEET = "原始数据"
ISSUES_SHEET = "问题清单"
SUBMISSIONS_SHEET = "提交情况"


def _lead(data: SummaryData) -> list[str]:
    return (["省份"] if data.national else []) + ["城市代码", "城市名称"]


def _lead_cells(data: SummaryData, province: str, code: str, name: str) -> list[str]:
    return ([province] if data.national else []) + [code, name]


def _raw_columns(data: SummaryData) -> list[tuple[str, str, str]]:
    """(header, kind, key): every input, then each sub-item's 数据来源 and 说明, then the filer."""
    columns = []
    for second in data.catalog.second_levels():
        leaves = [(second.code, second.inputs)] if second.method else []
        leaves += [(sub.code, sub.inputs) for sub in second.sub_items]
        for code, inputs in leaves:
            for item in inputs:
                unit = f"（{item.unit}）" if item.unit else ""
                columns.append((f"{code}\n{item.label}{unit}", "inputs", item.name))
            columns.append((f"{code}\n数据来源", "sources", code))
            columns.append((f"{code}\n说明", "remarks", code))
    columns += [(label, "filer", name) for name, label in FILER_FIELDS.items()]
    return columns


def write_raw_data(workbook, data: SummaryData, styles: Styles, title: list) -> None:
    ws = workbook.add_worksheet(RAW_SHEET)
    head = write_title(ws, styles, title + [("原始数据：各城市填报的原始数值、数据来源和说明"
                                             "（文字按原样以文本保存）", "note")])
    lead, columns = _lead(data), _raw_columns(data)
    write_headers(ws, head, lead + ["状态"] + [c[0] for c in columns], styles.header)
    ws.set_row(head, 75)
    start = len(lead) + 1
    for row, city in enumerate((r for r in data.rows if r.record), start=head + 1):
        cells = _lead_cells(data, city.province_name, city.code, city.name) + [city.status_label]
        for col, value in enumerate(cells):
            write_text(ws, row, col, value, styles.text)
        for col, (_, kind, key) in enumerate(columns, start=start):
            write_value(ws, row, col, (city.record.get(kind) or {}).get(key), styles)
    ws.set_column(0, start - 1, 10)
    ws.set_column(start, start + len(columns) - 1, 14)
    ws.freeze_panes(head + 1, start)
    print_setup(ws, head, start - 1)  # a data dump, filtered on screen: printed one page wide


def _issue_key(item: dict) -> tuple:
    return tuple(str(item.get(k, "")) for k in ("code", "sheet", "cell", "indicator", "message"))


def _filed_under(file: dict, item: dict) -> str:
    """The file an issue is about: a note on the secretariat's central feed names the feed file,
    not the city's return it was found for."""
    if str(item.get("code", "")).startswith("CENTRAL_") and item.get("file"):
        return item["file"]
    return file.get("path", "")


def _issue_rows(data: SummaryData) -> list[tuple]:
    """(province, city code, city name, file, issue) for every file's issues, then the city-level
    issues not already listed with a file (e.g. missing central data)."""
    names = {(r.province_code, r.code): r.name for r in data.rows}
    rows, seen = [], set()
    for province in data.provinces:
        for file in province.files:
            code = file.get("city") or ""
            for item in file.get("issues") or []:
                seen.add((province.code, code, _issue_key(item)))
                rows.append((province.name, code, names.get((province.code, code), ""),
                             _filed_under(file, item), item))
    for city in data.rows:
        for item in city.issues:
            if (city.province_code, city.code, _issue_key(item)) not in seen:
                rows.append((city.province_name, city.code, city.name,
                             city.record.get("file") or "", item))
    for province in data.provinces:  # the run's own: the central feed file, provisional scoring
        for item in (province.results or {}).get("run_issues") or []:
            rows.append((province.name, "", "", item.get("file", ""), item))
    return rows


def write_issues(workbook, data: SummaryData, styles: Styles, title: list) -> None:
    ws = workbook.add_worksheet(ISSUES_SHEET)
    head = write_title(ws, styles, title)
    headers = _lead(data) + ["文件", "严重程度", "问题代码", "代码含义", "工作表", "单元格",
                             "指标", "说明"]
    write_headers(ws, head, headers, styles.header)
    meanings = issue_codes()
    rows = _issue_rows(data)
    for row, (province, code, name, file, item) in enumerate(rows, start=head + 1):
        severity = SEVERITY_LABELS.get(item.get("severity", ""), item.get("severity", ""))
        meaning = (meanings.get(item.get("code", "")) or {}).get("meaning", "")
        cells = _lead_cells(data, province, code, name) + [
            file, severity, item.get("code"), meaning, item.get("sheet"), item.get("cell"),
            item.get("indicator"), item.get("message")]
        for col, value in enumerate(cells):
            write_text(ws, row, col, value, styles.wrap if col == len(cells) - 1 else styles.text)
    _finish_list(ws, data, head, len(rows), len(headers), [36, 8, 22, 30, 12, 8, 12, 60])


def _city_file_rows(data: SummaryData, province, city: CityRow) -> list[list]:
    files = sorted((f for f in province.files if f.get("city") == city.code),
                   key=lambda f: str(f.get("received_at") or ""))
    lead = _lead_cells(data, city.province_name, city.code, city.name)
    if not files:
        return [lead + [city.status_label, 0, "", "未收到报送", "", "", "", "", ""]]
    return [lead + [city.status_label, len(files)] + _file_cells(f) for f in files]


def _file_cells(file: dict) -> list:
    """File, what became of it, the error codes that explain a rejection, time, the basis that
    placed it among the city's versions (sceval.ledger.ordering), hash."""
    errors = [i.get("code", "") for i in file.get("issues") or [] if i.get("severity") == "error"]
    return [file.get("path", ""), _what_became(file),
            "、".join(dict.fromkeys(errors)), _received(file), _order_basis(file), file.get("sha256", ""),
            late_text(file.get("late"))]


def _what_became(file: dict) -> str:
    if file.get("status") == "superseded" and file.get("order_basis") == "blank":
        return "不计入：未填写数据的空白模板（以该市已填报的报送为准）"  # issue 20, item 1
    return FILE_STATUS_LABELS.get(file.get("status"), file.get("status"))


def _received(file: dict) -> str:
    """Beijing time to the minute, as the basis beside it ('2016-12-25 10:00'), not stored UTC ISO."""
    from sceval.ledger.ordering import shown_time

    return shown_time(file["received_at"]) if file.get("received_at") else ""


def _order_basis(file: dict) -> str:
    """'工作簿保存时间 2016-12-25 10:00'; "" for results written before the ordering rule."""
    from sceval.ledger.ordering import basis_text

    return basis_text(file.get("order_basis") or "", file.get("order_time") or "")


def _stray_file_rows(data: SummaryData, province, known: set) -> list[list]:
    """Files that belong to no roster city (unidentified or not on the roster)."""
    return [_lead_cells(data, province.name, f.get("city") or "", "（未识别城市）")
            + ["", ""] + _file_cells(f)
            for f in province.files if f.get("city") not in known]


def _submission_rows(data: SummaryData) -> list[list]:
    rows = []
    for province in data.provinces:
        cities = [r for r in data.rows if r.province_code == province.code]
        cities.sort(key=lambda r: r.code)
        for city in cities:
            rows.extend(_city_file_rows(data, province, city))
        rows.extend(_stray_file_rows(data, province, {c.code for c in cities}))
    return rows


def _submission_counts(data: SummaryData) -> str:
    total = len(data.rows)
    returned = sum(1 for r in data.rows if r.status != "missing")
    unusable = sum(1 for r in data.rows if r.status == "rejected")
    blank = sum(1 for r in data.rows if r.status == "blank")
    multiple = sum(1 for p in data.provinces for r in data.rows if r.province_code == p.code
                   and sum(1 for f in p.files if f.get("city") == r.code) > 1)
    blank_said = f"、仅报回未填写数据的空白模板 {blank} 个" if blank else ""
    return (f"名单城市 {total} 个：已报送 {returned} 个（其中已报送但无法采用 {unusable} 个{blank_said}），"
            f"未报送 {total - returned} 个，"
            f"多次报送 {multiple} 个（每个城市只计入一份报送，见“文件处理”列）" + _late_count(data))


def _late_count(data: SummaryData) -> str:
    late = sum(1 for p in data.provinces for f in p.files if f.get("status") == "counted" and f.get("late"))
    return f"；计入的报送中截止日期后报送 {late} 份（见“逾期”列）" if late else ""


def write_submissions(workbook, data: SummaryData, styles: Styles, title: list) -> None:
    ws = workbook.add_worksheet(SUBMISSIONS_SHEET)
    head = write_title(ws, styles, title + [(_submission_counts(data), "note")])
    headers = _lead(data) + ["报送状态", "收到文件数", "文件", "文件处理", "错误代码", "收到时间（北京时间）",
                             "新旧判定依据", "SHA-256", "逾期（截止日期后报送）"]
    write_headers(ws, head, headers, styles.header)
    rows = _submission_rows(data)
    count_col = len(_lead(data)) + 1
    for row, cells in enumerate(rows, start=head + 1):
        for col, value in enumerate(cells):
            if col == count_col and isinstance(value, int):
                ws.write_number(row, col, value, styles.integer)
            else:
                write_text(ws, row, col, value, styles.text)
    _finish_list(ws, data, head, len(rows), len(headers), [15, 9, 44, 34, 24, 26, 30, 66, 30])


def _finish_list(ws, data: SummaryData, head: int, rows: int, columns: int, widths: list[int]) -> None:
    """A long list's filter, frozen header, column widths (the city columns first) and print setup."""
    ws.autofilter(head, 0, head + max(rows, 1), columns - 1)
    ws.freeze_panes(head + 1, 0)
    for col, width in enumerate([10] * len(_lead(data)) + widths):
        ws.set_column(col, col, width)
    print_setup(ws, head, len(_lead(data)) - 1)
