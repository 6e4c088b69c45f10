"""The optional-indicator (自选指标) definition workbook: its layout and its writer.

A province describes its optional indicators in a workbook shaped like the notice's Attachment 2
template: the four columns people read (一级指标及权重 … 二级指标分项及计算方法) come first, then
the machine columns sceval needs to build a catalog and score cities. One row per sub-item; a
second-level indicator's code, name, weight and definition are written on its first row and may
be left blank on the rows below it. ``sctemplates.optional`` reads the same layout back.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Mapping, Sequence

from sctemplates.atomic import atomic_path
from sctemplates.methods import METHODS, show_number
from sctemplates.model import Catalog, OptionalRules

SHEET_DEFINITION = "自选指标定义"
SHEET_GUIDE = "填写说明"
SHEET_LISTS = "_lists"
HEADER_ROW = 2  # 1-based; row 1 is the band naming the two column groups
FIRST_DATA_ROW = HEADER_ROW + 1
FORMATTED_ROWS = 12  # rows given drop-downs and borders; more rows are still read
# What a province may define (code, name, points, limits) is the edition's rule (Attachment 2),
# read from the catalog file (`optional_indicators`); hints name it through {placeholders}.
SCALE_EXAMPLE = "未开展:0；试点开展:0.3；部分覆盖:0.6；全面覆盖:1"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    hint: str
    auto: bool = False  # filled by a formula, not by people


COLUMNS: tuple[Column, ...] = (
    Column("first", "一级指标及权重", 14, "自动生成，无需填写", auto=True),
    Column("second", "二级指标及权重", 16, "自动生成，无需填写", auto=True),
    Column("definition", "二级指标释义及评价方法", 36, "说明该二级指标的含义和评价方法（每个二级指标在其第一行填写）"),
    Column("calc", "二级指标分项及计算方法", 36, "说明分项的计算公式，如：分项得分=权重×分子÷分母×100"),
    Column("second_code", "二级指标编码", 10, "从下拉列表选择 {second_codes}；同一二级指标的后续分项行可留空"),
    Column("second_name", "二级指标名称", 14, "如：旅游服务、社区服务、产业经济；不得与基础指标重名"),
    Column("second_weight", "二级指标权重（分）", 10, "各二级指标权重合计应为 {points} 分"),
    Column("sub_code", "分项编码", 9, "从下拉列表选择 {sub_codes}"),
    Column("sub_name", "分项名称", 22, "如：A级景区智慧导览覆盖率；不得与基础指标重名"),
    Column("sub_weight", "分项权重（%）", 10, "同一二级指标下各分项权重合计应为 100"),
    Column("method", "计分方法", 12, "从下拉列表选择"),
    Column("in1_label", "输入1名称（分子或数值）", 26, "比例：分子；增减率：所填数值；分档：档次说明（可空）"),
    Column("in1_unit", "输入1单位", 8, "如：个、项、万人次、%"),
    Column("in2_label", "输入2名称（分母）", 26, "比例方法的分母，其他方法留空"),
    Column("in2_unit", "输入2单位", 8, "分母的单位"),
    Column("scale", "分档选项", 32, f"分档方法填写“档次:得分比例”，以“；”分隔，如：{SCALE_EXAMPLE}"),
    Column("target", "目标值", 8, "增减率方法的目标值（百分数，如 20 表示 20%）"),
)
COLUMN_INDEX = {column.key: i for i, column in enumerate(COLUMNS)}


def edition_rules(base: Catalog | None = None) -> OptionalRules:
    """The optional-indicator rules of ``base``'s edition (the bundled catalog by default)."""
    from sctemplates.catalog import load_catalog

    rules = (base or load_catalog()).optional_rules
    if rules is None:
        raise ValueError("指标目录未规定自选指标（optional_indicators），不能定义自选指标")
    return rules


def hint(column: Column, rules: OptionalRules) -> str:
    """A column's hint with the edition's codes and points filled in."""
    return column.hint.format(second_codes=f"{rules.second_codes[0]}～{rules.second_codes[-1]}",
                              sub_codes=f"{rules.sub_codes[0]}～{rules.sub_codes[-1]}",
                              points=show_number(rules.points))


def city_methods() -> list[str]:
    """Method kinds a city can report on (central and survey feeds are national only)."""
    return [name for name, kind in METHODS.items() if kind.source == "city"]


def method_labels() -> dict[str, str]:
    """Chinese label -> method kind, as offered in the 计分方法 drop-down."""
    return {METHODS[name].label: name for name in city_methods()}


def column_letter(key: str) -> str:
    index = COLUMN_INDEX[key]
    return chr(ord("A") + index)  # fewer than 26 columns by design


def write_optional_template(
    path: str | Path, rows: Sequence[Mapping[str, object]] = (), title: str = "", created=None,
    base: Catalog | None = None,
) -> Path:
    """Write the definition workbook, blank or with ``rows`` (column key -> value) filled in.

    ``created`` (a datetime) fixes the document and zip timestamps, so a committed example is
    byte-for-byte reproducible. ``base``: the catalog whose edition's rules apply (bundled).
    """
    import xlsxwriter

    path, rules = Path(path), edition_rules(base)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        book.set_properties({"title": f"{title}自选评价指标定义", **({"created": created} if created else {})})
        styles = _styles(book)
        sheet = book.add_worksheet(SHEET_DEFINITION)
        _write_guide(book.add_worksheet(SHEET_GUIDE), styles, title, rules)
        _write_lists(book, rules)
        _write_header(sheet, styles, title, rules)
        _write_rows(sheet, styles, rows, rules)
        _add_validations(sheet, max(FORMATTED_ROWS, len(rows)), rules)
        sheet.activate()
        book.close()
    return path


def _styles(book) -> dict:
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "text_wrap": True, "border": 1}
    return {
        "band": book.add_format({**base, "bold": True, "align": "center", "bg_color": "#D9E1F2"}),
        "band_machine": book.add_format({**base, "bold": True, "align": "center", "bg_color": "#E2EFDA"}),
        "header": book.add_format({**base, "bold": True, "align": "center", "bg_color": "#BDD7EE"}),
        "cell": book.add_format(base),
        "auto": book.add_format({**base, "bg_color": "#F2F2F2", "font_color": "#595959"}),
        "title": book.add_format({"font_name": "黑体", "font_size": 14, "bold": True}),
        "text": book.add_format({"font_name": "宋体", "font_size": 11, "text_wrap": True, "valign": "top"}),
    }


def _write_header(sheet, styles: dict, title: str, rules: OptionalRules) -> None:
    last = len(COLUMNS) - 1
    human = COLUMN_INDEX["calc"]
    sheet.merge_range(0, 0, 0, human, f"{title or ''}自选评价指标模版（附件2体例）", styles["band"])
    sheet.merge_range(0, human + 1, 0, last, "计分定义（系统据此生成城市填报表并计分，请完整填写）", styles["band_machine"])
    for index, column in enumerate(COLUMNS):
        sheet.write(HEADER_ROW - 1, index, column.header, styles["header"])
        sheet.write_comment(HEADER_ROW - 1, index, hint(column, rules), {"x_scale": 2, "y_scale": 1.2})
        sheet.set_column(index, index, column.width)
    sheet.set_row(HEADER_ROW - 1, 36)
    sheet.freeze_panes(HEADER_ROW, COLUMN_INDEX["second_code"])
    # Provinces print the Attachment-2 table for sign-off: landscape, one page wide.
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, HEADER_ROW - 1)


def _write_rows(sheet, styles: dict, rows: Sequence[Mapping[str, object]], rules: OptionalRules) -> None:
    for offset in range(max(FORMATTED_ROWS, len(rows))):
        values = rows[offset] if offset < len(rows) else {}
        sheet.set_row(FIRST_DATA_ROW + offset - 1, 54 if values else 24)  # room for wrapped text
        _write_row(sheet, styles, FIRST_DATA_ROW + offset, values, rules)


def _write_row(sheet, styles: dict, row: int, values: Mapping[str, object], rules: OptionalRules) -> None:
    """One sub-item row; ``row`` is 1-based. Auto columns get formulas with their cached value."""
    for index, column in enumerate(COLUMNS):
        if column.auto:
            formula, cached = _auto_formula(column.key, row, values, rules)
            sheet.write_formula(row - 1, index, formula, styles["auto"], cached)
        else:
            _write_value(sheet, row - 1, index, values.get(column.key), styles["cell"])


def _write_value(sheet, row: int, col: int, value, style) -> None:
    """Text stays text (a leading '=' is never turned into a formula); numbers stay numbers."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        sheet.write_number(row, col, float(value), style)
    else:
        sheet.write_string(row, col, str(value), style)


def _auto_formula(key: str, row: int, values: Mapping[str, object], rules: OptionalRules) -> tuple[str, str]:
    """The display formula of an Attachment-2 column and the value it shows for ``values``."""
    name, weight = column_letter("second_name"), column_letter("second_weight")
    shown = bool(values.get("second_name"))
    if key == "first":
        text = f"{rules.name}（{show_number(rules.points)}分）"
        return f'=IF({name}{row}="","","{text}")', text if shown else ""
    cached = f"{values.get('second_name')}（{values.get('second_weight')}分）" if shown else ""
    return f'=IF({name}{row}="","",{name}{row}&"（"&{weight}{row}&"分）")', cached


def _write_lists(book, rules: OptionalRules) -> None:
    """Drop-down sources on a hidden sheet, referenced by range (never inline lists)."""
    sheet = book.add_worksheet(SHEET_LISTS)
    for col, values in enumerate((list(method_labels()), rules.second_codes, rules.sub_codes)):
        for row, value in enumerate(values):
            sheet.write(row, col, value)
    sheet.hide()


def _list_source(col: int, count: int) -> str:
    letter = chr(ord("A") + col)
    return f"='{SHEET_LISTS}'!${letter}$1:${letter}${count}"


def _add_validations(sheet, rows: int, rules: OptionalRules) -> None:
    first, last = FIRST_DATA_ROW - 1, FIRST_DATA_ROW - 1 + rows - 1
    lists = {"method": (0, len(method_labels())), "second_code": (1, rules.max_second), "sub_code": (2, rules.max_sub)}
    for key, (col, count) in lists.items():
        index = COLUMN_INDEX[key]
        sheet.data_validation(first, index, last, index, {
            "validate": "list", "source": _list_source(col, count),
            "input_title": COLUMNS[index].header[:32], "input_message": hint(COLUMNS[index], rules)[:255],
        })
    for key, top in (("second_weight", rules.points), ("sub_weight", 100)):
        index = COLUMN_INDEX[key]
        sheet.data_validation(first, index, last, index, {
            "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": top,
            "input_title": COLUMNS[index].header[:32], "input_message": hint(COLUMNS[index], rules)[:255],
            "error_message": f"请填写 0～{show_number(top)} 之间的数字",
        })


def guide_lines(rules: OptionalRules) -> list[str]:
    """The instructions on the 填写说明 sheet: Attachment 2's rules and the scoring methods."""
    points = show_number(rules.points)
    lines = [
        "一、依据：《关于各省自选评价指标的说明》（发改办高技[2016]2476号 附件2）。",
        f"二、自选评价指标的一级指标统一定名“{rules.name}”，总分值 {points} 分，与基础指标分开计分；"
        "计划单列市、直辖市不设自选指标。",
        f"三、二级指标不超过 {rules.max_second} 个（编码 {'、'.join(rules.second_codes)}），"
        f"每个二级指标下的分项不超过 {rules.max_sub} 个（编码 {'、'.join(rules.sub_codes)}）。",
        f"四、二级指标权重以“分”计，合计应为 {points} 分；同一二级指标下的分项权重以“%”计，合计应为 100。",
        "五、自选指标不得与基础指标（附件1）名称重复，应尽量选择可测量、可获取的客观数据。",
        f"六、在“{SHEET_DEFINITION}”表中每个分项占一行；二级指标的编码、名称、权重和释义写在其第一行，后续分项行可留空。",
        "七、每个二级指标须填写“释义及评价方法”，每个分项须填写“计算方法”和“计分方法”。",
        "八、计分方法：",
    ]
    lines += [f"　　{METHODS[name].label}：{METHODS[name].explain}" for name in city_methods()]
    lines.append(f"九、分档方法在“分档选项”中填写“档次:得分比例”（比例为 0～1），以“；”分隔，如：{SCALE_EXAMPLE}")
    lines.append("十、填写完成后可运行“sceval optional check 文件名”检查，全部通过后方可生成城市填报表。")
    return lines


def _write_guide(sheet, styles: dict, title: str, rules: OptionalRules) -> None:
    sheet.set_column(0, 0, 110)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.write(0, 0, f"{title or ''}自选评价指标定义表 填写说明", styles["title"])
    for row, line in enumerate(guide_lines(rules), start=2):
        sheet.write(row, 0, line, styles["text"])
