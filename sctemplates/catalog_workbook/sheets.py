"""The catalog workbook's layout, shared by the writer and the reader: sheets, columns, lists.

Nothing here names an indicator: the rows come from the catalog data. Headers are Chinese and
are what the reader looks columns up by, so an official may reorder or widen columns freely.
"""
from __future__ import annotations

from dataclasses import dataclass

from sctemplates.methods import METHODS

SHEET_GUIDE = "填写说明"
SHEET_INFO = "目录信息"
SHEET_UNITS = "单位"
SHEET_SCALES = "分档表"
SHEET_FIRST = "一级指标"
SHEET_SECOND = "二级指标"
SHEET_SUB = "分项"
SHEET_INPUTS = "输入项"
SHEET_OTHER = "其他设置"
SHEET_LISTS = "_lists"  # hidden: the drop-down lists
HEADER_ROW = 1  # 1-based; data from row 2
EXTRA_ROWS = 60  # rows below the data that still get drop-downs, for rows an official adds

YES, NO = "是", "否"
# The top-level keys the workbook lays out sheet by sheet; any other key goes to 其他设置 (or,
# when it is a plain value, to 目录信息), so keys added to the YAML later survive a round trip.
STRUCTURED_KEYS = ("units", "scales", "indicators")
INFO_LABELS = {
    "edition": "评价年度（版本）", "title": "指标体系名称", "notice": "通知文号",
    "standard": "依据标准", "data_cutoff": "数据截止时间", "total_points": "满分",
}
ROLE_LABELS = {"numerator": "分子", "denominator": "分母", "value": "数值", "feed": "统一测算数据"}
SOURCE_LABELS = {"city": "城市填报", "central": "秘书处统一测算", "survey": "市民体验调查"}
PARAM_LABELS = {"target": "目标值"}
UNIT_KINDS = {YES: "integer", NO: "decimal"}
PROVISIONAL_FIXED = ("weight", "method")  # facts with their own 暂定 column, besides each param


@dataclass(frozen=True)
class Column:
    key: str  # the YAML key (or a reader-only key such as parent / auto columns)
    header: str
    width: int
    kind: str = "text"  # text | number | yesno | method | role | unit | scale | auto
    note: str = ""


def param_keys() -> tuple[str, ...]:
    """Every parameter any method kind takes, in a stable order (one column each)."""
    keys: list[str] = []
    for kind in METHODS.values():
        keys += [k for k in kind.params if k not in keys]
    return tuple(keys)


def param_label(key: str) -> str:
    return PARAM_LABELS.get(key, key)


def provisional_columns() -> tuple[Column, ...]:
    facts = (*PROVISIONAL_FIXED, *param_keys())
    labels = {"weight": "权重", "method": "计分方法"}
    fixed = tuple(Column(f"provisional:{f}", f"暂定：{labels.get(f) or param_label(f)}", 11, "yesno",
                         "该项为暂定值（非官方）时选“是”") for f in facts)
    return fixed + (Column("provisional:other", "其他暂定内容", 14, "text", "其他暂定事项，用“、”分隔"),)


INFO_COLUMNS = (
    Column("label", "项目", 20), Column("key", "键（请勿修改）", 16), Column("value", "值", 40),
)
UNIT_COLUMNS = (
    Column("unit", "单位", 12), Column("integer", "只能填整数", 12, "yesno", "是：该单位的数量只能填整数"),
)
SCALE_COLUMNS = (
    Column("scale", "分档表", 14), Column("label", "档次", 30),
    Column("fraction", "得分比例（0–1）", 14, "number", "选择该档时得到分项权重的比例"),
)
FIRST_COLUMNS = (
    Column("code", "编码", 8), Column("name", "名称", 16),
    Column("weight", "权重（分）", 10, "number"), Column("kind", "类别", 12),
)
SECOND_COLUMNS = (
    Column("parent", "一级指标编码", 12), Column("code", "编码", 9), Column("name", "名称", 20),
    Column("weight", "权重（分）", 10, "number"),
    Column("method", "计分方法", 16, "method", "仅直接计分的二级指标填写（如市民体验调查），有分项的留空"),
    Column("about", "说明", 40), *provisional_columns(),
)
SUB_COLUMNS = (
    Column("parent", "二级指标编码", 12), Column("code", "编码", 10), Column("name", "名称", 36),
    Column("weight", "权重（%）", 10, "number", "占所属二级指标的百分比，同一二级指标下合计 100"),
    Column("method", "计分方法", 16, "method"),
    Column("scale", "分档表", 12, "scale", "计分方法为“分档”时选择分档表"),
    *(Column(k, param_label(k), 10, "number") for k in param_keys()),
    Column("requirement", "填报要求", 40), *provisional_columns(),
)
INPUT_COLUMNS = (
    Column("code", "指标编码", 10), Column("role", "角色", 12, "role"), Column("label", "输入名称", 44),
    Column("unit", "单位", 10, "unit"), Column("min", "最小值", 9, "number"), Column("max", "最大值", 9, "number"),
    Column("name", "定义名称（自动）", 22, "auto"), Column("integer", "整数（自动）", 10, "auto"),
    Column("source", "来源（自动）", 14, "auto"),
)
OTHER_COLUMNS = (Column("key", "键", 20), Column("value", "内容（YAML）", 80))

SHEET_COLUMNS = {
    SHEET_INFO: INFO_COLUMNS, SHEET_UNITS: UNIT_COLUMNS, SHEET_SCALES: SCALE_COLUMNS,
    SHEET_FIRST: FIRST_COLUMNS, SHEET_SECOND: SECOND_COLUMNS, SHEET_SUB: SUB_COLUMNS,
    SHEET_INPUTS: INPUT_COLUMNS, SHEET_OTHER: OTHER_COLUMNS,
}
REQUIRED_SHEETS = (SHEET_INFO, SHEET_UNITS, SHEET_SCALES, SHEET_FIRST, SHEET_SECOND, SHEET_SUB, SHEET_INPUTS)


def method_labels() -> dict[str, str]:
    """Chinese label -> method kind (the drop-down shows labels; the kind's name is accepted too)."""
    return {kind.label: name for name, kind in METHODS.items()}


GUIDE_LINES = (
    "本工作簿是新型智慧城市评价指标目录，与 YAML 目录文件内容完全一致，可直接修改后使用。",
    "修改后请运行：sceval catalog check 本文件.xlsx（检查），各命令的 --catalog 选项可直接使用本文件。",
    "各工作表：目录信息（年度、名称、满分等）、单位、分档表（各档得分比例）、一级指标、二级指标、分项、输入项；目录中的其他设置（如成熟度阶段）各占一表，无法列成表格的以 YAML 文本放在“其他设置”。",
    "编码：一级指标为“L+序号”，二级指标在其后加“P+序号”，分项再加“-A+序号”（见“分项”表）；"
    "分项通过“二级指标编码”、二级指标通过“一级指标编码”挂到上级。",
    "权重：一级、二级指标为分值（合计 100 分，二级之和等于所属一级）；分项为占所属二级指标的百分比（合计 100）。",
    "计分方法、角色、单位、分档表、是/否各列有下拉列表；标“（自动）”的列由系统生成，修改无效。",
    "某项已改为官方值时，把对应“暂定”列改为“否”。",
    "只改权重、计分方法、分档得分比例或目标值时，已下发的模板仍可回收，按修改后的规则计分；"
    "改动输入项（名称、单位、角色）、分档档次名称或指标名称时，需重新生成并下发模板。",
)
