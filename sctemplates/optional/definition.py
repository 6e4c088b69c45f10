"""Read, check and build a province's optional indicators (自选指标) from its definition workbook.

The workbook's layout is defined in ``optional_template``. ``check_optional`` never raises on
bad data: every broken rule of Attachment 2 becomes an Issue naming the file, sheet and cell.
When nothing is wrong the result carries a ``Catalog`` built with the same model classes as the
base indicators (first level ZX, second levels ZXP1..ZXP3, sub-items ZXP1-A1..), so rendering,
ingest and scoring treat optional indicators exactly like base ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sctemplates.catalog import validate_catalog
from sctemplates.issues import Issue, has_errors
from sctemplates.methods import METHODS, show_number
from sctemplates.model import Catalog, Choice, FirstLevel, Input, SecondLevel, SubItem, defined_name
from sctemplates.optional.rows import Reporter, Row, read_rows
from sctemplates.model import OptionalRules
from sctemplates.optional.workbook import COLUMNS, HEADER_ROW, edition_rules, method_labels

SUB_CODE = re.compile(r"^A[1-9]\d*$")
SCALE_SPLIT = re.compile(r"[；;\n]+")


def code_patterns(rules: OptionalRules) -> tuple[re.Pattern, ...]:
    """Valid first-level, second-level and sub-item codes of the edition's optional indicator."""
    first = re.escape(rules.code)
    return (re.compile(rf"^{first}$"), re.compile(rf"^({first})P\d+$"), re.compile(rf"^({first}P\d+)-A\d+$"))


@dataclass(frozen=True)
class OptionalCheck:
    catalog: Catalog | None
    issues: list[Issue]

    @property
    def ok(self) -> bool:
        return self.catalog is not None and not has_errors(self.issues)


class OptionalError(ValueError):
    """An optional-indicator workbook that cannot be used; ``issues`` lists every reason."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        lines = "\n".join(f"  - {i.sheet}!{i.cell} {i.message}" for i in issues)
        super().__init__(f"自选指标定义有 {len(issues)} 处错误：\n{lines}")


@dataclass
class _Group:
    """One second-level indicator and its sub-item rows, as read."""

    code: str
    rows: list[Row] = field(default_factory=list)

    def first(self, key: str) -> tuple[str, int]:
        """The first non-blank value of a column in the group, with its row."""
        for row in self.rows:
            if row.values.get(key):
                return row.values[key], row.number
        return "", self.rows[0].number


def load_optional(path: str | Path, base: Catalog) -> Catalog:
    result = check_optional(path, base)
    if not result.ok:
        raise OptionalError(result.issues)
    return result.catalog


def check_optional(path: str | Path, base: Catalog) -> OptionalCheck:
    """The optional catalog defined in ``path`` (None when invalid) and every problem found."""
    path = Path(path)
    report = Reporter(path)
    rows = read_rows(path, report)
    if rows is None:
        return OptionalCheck(None, report.issues)
    rules = edition_rules(base)
    groups = _group_rows(rows, report)
    _check_groups(groups, base, rules, report)
    if has_errors(report.issues):
        return OptionalCheck(None, report.issues)
    catalog = _build_catalog(groups, path, rules)
    for problem in validate_catalog(catalog, patterns=code_patterns(rules)):
        report.add("OPT_BAD_VALUE", problem)
    return OptionalCheck(None if has_errors(report.issues) else catalog, report.issues)

# --- grouping and checking --------------------------------------------------------------------

PEOPLE_KEYS = tuple(c.key for c in COLUMNS if not c.auto)


def _group_rows(rows: list[Row], report: Reporter) -> list[_Group]:
    """Sub-item rows under their second-level code; a blank code continues the group above."""
    groups: dict[str, _Group] = {}
    current: _Group | None = None
    for row in rows:
        if not any(row.values.get(key) for key in PEOPLE_KEYS):
            continue
        code = row.values["second_code"].upper()
        if code or current is None:
            # Leading rows without a code form a group of their own, reported once as such.
            current = groups.setdefault(code, _Group(code))
        current.rows.append(row)
    if not groups and not report.issues:
        report.add("OPT_BAD_VALUE", "未定义任何自选二级指标", "second_code", HEADER_ROW + 1)
    return list(groups.values())


def _check_groups(groups: list[_Group], base: Catalog, rules: OptionalRules, report: Reporter) -> None:
    if len(groups) > rules.max_second:
        extra = groups[rules.max_second]
        report.add("OPT_TOO_MANY_SECOND", f"自选二级指标有 {len(groups)} 个，不得超过 {rules.max_second} 个",
                   "second_code", extra.rows[0].number, extra.code)
    taken = _base_names(base)
    for group in groups:
        _check_second(group, taken, rules, report)
        _check_sub_weights(group, report)
    _check_weight_sum(groups, rules, report)


def _base_names(base: Catalog) -> dict[str, str]:
    nodes = [*base.first_levels(), *base.second_levels(), *base.sub_items()]
    return {_normal_name(node.name): node.code for node in nodes}


def _normal_name(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _check_second(group: _Group, taken: dict[str, str], rules: OptionalRules, report: Reporter) -> None:
    code = group.code
    row = group.rows[0].number
    if not code:
        report.add("OPT_BAD_VALUE", "二级指标编码为空（每个二级指标的第一行须填写编码）", "second_code", row)
    elif not re.match(rf"^{re.escape(rules.code)}P[1-9]\d*$", code):  # too many is reported apart
        report.add("OPT_BAD_VALUE", f"二级指标编码“{code}”无效，应为 {rules.second_codes[0]}～{rules.second_codes[-1]}",
                   "second_code", row, code)
    _check_consistent(group, report)
    name, name_row = group.first("second_name")
    if not name:
        report.add("OPT_BAD_VALUE", f"二级指标 {code} 缺少名称", "second_name", row, code)
    _check_not_base(name, "second_name", name_row, code, taken, report)
    if not group.first("definition")[0]:
        report.add("OPT_MISSING_DEFINITION", f"二级指标 {code}{name} 缺少释义及评价方法", "definition", row, code)
    _number(group.first("second_weight"), "second_weight", code, report, positive=True)
    if len(group.rows) > rules.max_sub:
        report.add("OPT_TOO_MANY_SUB", f"二级指标 {code}{name} 有 {len(group.rows)} 个分项，不得超过 {rules.max_sub} 个",
                   "sub_code", group.rows[rules.max_sub].number, code)
    seen: set[str] = set()
    for sub_row in group.rows:
        _check_sub(code, sub_row, taken, seen, rules, report)


def _check_consistent(group: _Group, report: Reporter) -> None:
    """A second-level fact repeated on a later row must agree with its first row."""
    for key in ("second_name", "second_weight", "definition"):
        first, _ = group.first(key)
        for row in group.rows:
            value = row.values.get(key)
            if value and value != first:
                report.add("OPT_BAD_VALUE", f"二级指标 {group.code} 的“{_header(key)}”前后不一致（“{first}”与“{value}”）",
                           key, row.number, group.code)


def _header(key: str) -> str:
    return next(c.header for c in COLUMNS if c.key == key)


def _check_not_base(name: str, key: str, row: int, code: str, taken: dict[str, str], report: Reporter) -> None:
    if name and _normal_name(name) in taken:
        report.add("OPT_DUPLICATES_BASE", f"“{name}”与基础指标 {taken[_normal_name(name)]} 名称重复", key, row, code)


def _number(found: tuple[str, int], key: str, code: str, report: Reporter, positive: bool = False) -> Decimal | None:
    """A cell's Decimal, or None after reporting why it is not a usable number."""
    text, row = found
    value = _decimal(text.rstrip("%％"))
    if value is None or (positive and value <= 0):
        shown = f"“{text}”" if text else "为空"
        report.add("OPT_BAD_VALUE", f"{code} 的“{_header(key)}”{shown}，应为大于 0 的数字", key, row, code)
        return None
    return value


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _sub_code(parent: str, text: str) -> str:
    """'A1' or 'ZXP1-A1' as the full code; '' when it does not belong to ``parent``."""
    short = text.upper().removeprefix(f"{parent}-")
    return f"{parent}-{short}" if SUB_CODE.match(short) else ""


def _check_sub(parent: str, row: Row, taken: dict[str, str], seen: set[str], rules: OptionalRules,
               report: Reporter) -> None:
    values, number = row.values, row.number
    code = _sub_code(parent, values["sub_code"])
    if not code:
        report.add("OPT_BAD_VALUE", f"{parent} 下的分项编码“{values['sub_code']}”无效，"
                                    f"应为 {rules.sub_codes[0]}～{rules.sub_codes[-1]}",
                   "sub_code", number, parent)
    elif code in seen:
        report.add("OPT_BAD_VALUE", f"分项编码 {code} 重复", "sub_code", number, code)
    seen.add(code)
    label = code or parent
    if not values["sub_name"]:
        report.add("OPT_BAD_VALUE", f"分项 {label} 缺少名称", "sub_name", number, label)
    _check_not_base(values["sub_name"], "sub_name", number, label, taken, report)
    _number((values["sub_weight"], number), "sub_weight", label, report, positive=True)
    if not values["calc"]:
        report.add("OPT_MISSING_METHOD", f"分项 {label} 缺少计算方法说明", "calc", number, label)
    _check_method(label, row, report)


def _method_kind(text: str) -> str:
    """The method kind named by its drop-down label (or by its kind name); '' when unknown."""
    labels = method_labels()
    return labels.get(text) or (text if text in labels.values() else "")


# Which columns describe each input role of a method kind: label column, unit column.
ROLE_COLUMNS = {"numerator": ("in1_label", "in1_unit"), "denominator": ("in2_label", "in2_unit"),
                "value": ("in1_label", "in1_unit")}


def _check_method(code: str, row: Row, report: Reporter) -> None:
    values, number = row.values, row.number
    kind = _method_kind(values["method"])
    if not values["method"]:
        report.add("OPT_MISSING_METHOD", f"分项 {code} 未选择计分方法", "method", number, code)
        return
    if not kind:
        allowed = "、".join(method_labels())
        report.add("OPT_BAD_VALUE", f"分项 {code} 的计分方法“{values['method']}”无效，应为 {allowed} 之一",
                   "method", number, code)
        return
    if kind == "graded":
        problem = _parse_scale(values["scale"])[1]
        if problem:
            report.add("OPT_BAD_VALUE" if values["scale"] else "OPT_MISSING_METHOD",
                       f"分项 {code}：{problem}", "scale", number, code)
    for role in (r for r in METHODS[kind].roles if r in ROLE_COLUMNS):
        label_key = ROLE_COLUMNS[role][0]
        if not values[label_key]:
            report.add("OPT_MISSING_METHOD", f"分项 {code} 采用“{values['method']}”计分，须填写“{_header(label_key)}”",
                       label_key, number, code)
    if kind == "rate":
        _number((values["target"], number), "target", code, report, positive=True)


def _parse_scale(text: str) -> tuple[tuple[Choice, ...], str]:
    """'档次:比例；档次:比例' as choices, or the reason it cannot be used."""
    if not text:
        return (), "分档方法须在“分档选项”中填写档次及得分比例"
    choices = []
    for part in (p.strip() for p in SCALE_SPLIT.split(text) if p.strip()):
        label, _, number = part.replace("：", ":").rpartition(":")
        fraction = _fraction(number.strip())
        if not label.strip() or fraction is None:
            return (), f"分档选项“{part}”应写成“档次:得分比例”，比例为 0～1 的数字（或百分数）"
        choices.append(Choice(label.strip(), fraction))
    labels = [c.label for c in choices]
    if len(choices) < 2 or len(set(labels)) != len(labels):
        return (), "分档选项至少 2 个，且档次名称不得重复"
    return tuple(choices), ""


def _fraction(text: str) -> Decimal | None:
    percent = text.endswith(("%", "％"))
    value = _decimal(text.rstrip("%％"))
    if value is None:
        return None
    value = value / 100 if percent else value
    return value if Decimal(0) <= value <= 1 else None


def _check_sub_weights(group: _Group, report: Reporter) -> None:
    weights = [_decimal(row.values["sub_weight"].rstrip("%％")) for row in group.rows]
    if not _all_positive(weights):
        return  # each bad weight is already reported on its own cell
    total = sum(weights, Decimal(0))
    if total != 100:
        last = group.rows[-1].number
        report.add("OPT_SUB_WEIGHT_SUM", f"二级指标 {group.code} 的分项权重合计为 {total}%，应为 100%",
                   "sub_weight", last, group.code)


def _check_weight_sum(groups: list[_Group], rules: OptionalRules, report: Reporter) -> None:
    weights = [_decimal(g.first("second_weight")[0].rstrip("%％")) for g in groups]
    if not groups or not _all_positive(weights):
        return
    total = sum(weights, Decimal(0))
    if total != rules.points:
        _, row = groups[-1].first("second_weight")
        report.add("OPT_WEIGHT_SUM", f"自选二级指标权重合计为 {total} 分，应为 {show_number(rules.points)} 分",
                   "second_weight", row, groups[-1].code)


def _all_positive(weights: list[Decimal | None]) -> bool:
    return all(w is not None and w > 0 for w in weights)


# --- building -----------------------------------------------------------------------------------

def _build_catalog(groups: list[_Group], path: Path, rules: OptionalRules) -> Catalog:
    seconds = tuple(_build_second(group) for group in groups)
    first = FirstLevel(code=rules.code, name=rules.name, weight=rules.points, children=seconds)
    return Catalog(edition="optional", title=rules.name, indicators=(first,), source=str(path),
                   total_points=rules.points)


def _build_second(group: _Group) -> SecondLevel:
    return SecondLevel(
        code=group.code, name=group.first("second_name")[0],
        weight=Decimal(group.first("second_weight")[0].rstrip("%％")),
        sub_items=tuple(_build_sub(group.code, row.values) for row in group.rows),
        about=group.first("definition")[0],
    )


def _build_sub(parent: str, values: dict[str, str]) -> SubItem:
    code = _sub_code(parent, values["sub_code"])
    kind = _method_kind(values["method"])
    params = (("target", Decimal(values["target"].rstrip("%％"))),) if kind == "rate" else ()
    return SubItem(
        code=code, name=values["sub_name"], weight=Decimal(values["sub_weight"].rstrip("%％")),
        method=kind, inputs=_build_inputs(code, kind, values), requirement=values["calc"], params=params,
    )


def _build_inputs(code: str, kind: str, values: dict[str, str]) -> tuple[Input, ...]:
    if kind == "graded":
        label = values["in1_label"] or "所处档次"
        return (Input(defined_name(code, "choice"), "choice", label, choices=_parse_scale(values["scale"])[0]),)
    return tuple(_number_input(code, role, values) for role in METHODS[kind].roles)


def _number_input(code: str, role: str, values: dict[str, str]) -> Input:
    label_key, unit_key = ROLE_COLUMNS[role]
    # Counts and amounts cannot be negative; a growth rate can.
    low = None if role == "value" else Decimal(0)
    return Input(name=defined_name(code, role), role=role, label=values[label_key],
                 unit=values[unit_key], integer=False, min=low)
