"""What a revised catalog changed, fact by fact, in Chinese: for `sceval catalog check --against`.

The fingerprints say *whether* a revision keeps the templates already sent out usable; this says
*what* moved, so whoever revised the catalog sees every weight, method, parameter and fraction
that differs before the new rules score anyone.
"""
from __future__ import annotations

from sctemplates.catalog_workbook.sheets import param_label
from sctemplates.methods import METHODS, show_number
from sctemplates.model import Catalog, Input


def catalog_changes(new: Catalog, old: Catalog) -> list[str]:
    """Every difference of ``new`` from ``old``, one line each, in tree order of ``new``."""
    before = {node.code: node for node in old.nodes()}
    after = {node.code: node for node in new.nodes()}
    lines = [f"删除指标 {code}（{node.name}）" for code, node in before.items() if code not in after]
    for code, node in after.items():
        if code not in before:
            lines.append(f"新增指标 {code}（{node.name}）")
        else:
            lines += _node_changes(node, before[code])
    if new.total_points != old.total_points:
        lines.append(f"满分 {show_number(old.total_points)} → {show_number(new.total_points)}")
    return lines


def _node_changes(new, old) -> list[str]:
    code, lines = new.code, []
    if new.name != old.name:
        lines.append(f"{code} 名称 “{old.name}” → “{new.name}”")
    if new.weight != old.weight:
        lines.append(f"{code} 权重 {show_number(old.weight)} → {show_number(new.weight)}")
    new_method, old_method = getattr(new, "method", ""), getattr(old, "method", "")
    if new_method != old_method:
        lines.append(f"{code} 计分方法 {_method(old_method)} → {_method(new_method)}")
    old_params, new_params = dict(getattr(old, "params", ())), dict(getattr(new, "params", ()))
    for key in sorted(set(old_params) | set(new_params)):
        if old_params.get(key) != new_params.get(key):
            lines.append(f"{code} {param_label(key)} {_shown(old_params.get(key))} → {_shown(new_params.get(key))}")
    return lines + _input_changes(code, getattr(new, "inputs", ()), getattr(old, "inputs", ()))


def _input_changes(code: str, new: tuple[Input, ...], old: tuple[Input, ...]) -> list[str]:
    before = {item.role: item for item in old}
    lines = [f"{code} 删除输入“{item.label}”" for role, item in before.items() if role not in {i.role for i in new}]
    for item in new:
        was = before.get(item.role)
        if was is None:
            lines.append(f"{code} 新增输入“{item.label}”（{item.unit or '无单位'}）")
            continue
        for label, attr in (("名称", "label"), ("单位", "unit"), ("最小值", "min"), ("最大值", "max")):
            if getattr(was, attr) != getattr(item, attr):
                lines.append(f"{code} 输入“{item.label}”{label} {_shown(getattr(was, attr))} → {_shown(getattr(item, attr))}")
        lines += _choice_changes(code, item, was)
    return lines


def _choice_changes(code: str, new: Input, old: Input) -> list[str]:
    if [c.label for c in new.choices] != [c.label for c in old.choices]:
        return [f"{code} 分档档次 {'、'.join(c.label for c in old.choices)} → {'、'.join(c.label for c in new.choices)}"]
    return [f"{code} 档次“{c.label}”得分比例 {show_number(o.fraction)} → {show_number(c.fraction)}"
            for c, o in zip(new.choices, old.choices) if c.fraction != o.fraction]


def _method(name: str) -> str:
    return METHODS[name].label if name in METHODS else (name or "无")


def _shown(value) -> str:
    if value is None:
        return "无"
    return value if isinstance(value, str) else show_number(value)
