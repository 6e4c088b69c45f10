"""`sceval catalog diff A B`: what changed between two catalog editions, and a starter mapping.

Codes and input names present in both are unchanged. A code only in A whose name is found on a
code only in B is taken as renamed (its inputs too, role by role); the rest are dropped (A only)
or new (B only). Splits and merges cannot be told from the catalogs alone: they show as a drop
plus new codes, and the starter mapping says where to write them by hand.
"""
from __future__ import annotations

from dataclasses import dataclass


from sctemplates.strict_yaml import dump_plain
from sctemplates.model import Catalog

RENAMED, DROPPED, ADDED, RELABELLED = "改名", "删除", "新增", "名称变化"


@dataclass(frozen=True)
class DiffRow:
    kind: str  # RENAMED | DROPPED | ADDED | RELABELLED
    what: str  # 指标 | 输入
    old: str
    new: str
    name: str


def catalog_diff(old: Catalog, new: Catalog) -> list[DiffRow]:
    """Every code and input of ``old`` that is not the same in ``new``, and what ``new`` adds."""
    renamed = _renamed_codes(old, new)
    rows = _code_rows(old, new, renamed)
    return rows + _input_rows(old, new, renamed)


def _nodes(catalog: Catalog) -> dict:
    return {node.code: node for node in catalog.nodes()}


def _renamed_codes(old: Catalog, new: Catalog) -> dict[str, str]:
    before, after = _nodes(old), _nodes(new)
    added_by_name = {node.name: code for code, node in after.items() if code not in before}
    return {code: added_by_name[node.name] for code, node in before.items()
            if code not in after and node.name in added_by_name}


def _code_rows(old: Catalog, new: Catalog, renamed: dict[str, str]) -> list[DiffRow]:
    before, after = _nodes(old), _nodes(new)
    rows = []
    for code, node in before.items():
        if code in renamed:
            rows.append(DiffRow(RENAMED, "指标", code, renamed[code], node.name))
        elif code not in after:
            rows.append(DiffRow(DROPPED, "指标", code, "", node.name))
        elif after[code].name != node.name:
            rows.append(DiffRow(RELABELLED, "指标", code, code, f"{node.name} → {after[code].name}"))
    targets = set(renamed.values())
    rows += [DiffRow(ADDED, "指标", "", code, node.name) for code, node in after.items()
             if code not in before and code not in targets]
    return rows


def _inputs(catalog: Catalog) -> dict[str, tuple[str, str, str]]:
    """Input name -> (owning code, role, label)."""
    return {item.name: ((sub or second).code, item.role, item.label) for second, sub, item in catalog.inputs()}


def _input_rows(old: Catalog, new: Catalog, renamed: dict[str, str]) -> list[DiffRow]:
    before, after = _inputs(old), _inputs(new)
    by_place = {(code, role): name for name, (code, role, _label) in after.items()}
    rows, taken = [], set()
    for name, (code, role, label) in before.items():
        if name in after:
            continue
        target = by_place.get((renamed.get(code, code), role))
        if target and target not in before:
            rows.append(DiffRow(RENAMED, "输入", name, target, label))
            taken.add(target)
        else:
            rows.append(DiffRow(DROPPED, "输入", name, "", label))
    rows += [DiffRow(ADDED, "输入", "", name, label) for name, (_c, _r, label) in after.items()
             if name not in before and name not in taken]
    return rows


def starter_mapping(old: Catalog, new: Catalog, rows: list[DiffRow]) -> str:
    """A mapping file (sceval.previous.editions) to check by hand: renames filled in, drops null."""
    codes = {r.old: (r.new or None) for r in rows if r.what == "指标" and r.kind in (RENAMED, DROPPED)}
    inputs = {r.old: (r.new or None) for r in rows if r.what == "输入" and r.kind in (RENAMED, DROPPED)}
    added = [r.new for r in rows if r.kind == ADDED]
    header = (f"# 版本对照：{old.edition} → {new.edition}（sceval catalog diff 生成的初稿，请逐项核对）\n"
              "# 改名：旧名称: 新名称；删除：旧名称: null；拆分：旧名称: [新名称1, 新名称2]；\n"
              "# 合并：多个旧名称指向同一新名称（数值相加）。未列出的名称视为不变。\n"
              f"# 新版新增（若由旧项拆分或合并而来，请在上面改写）：{'、'.join(added) or '无'}\n")
    body = {"from": old.edition, "to": new.edition, "codes": codes, "inputs": inputs}
    return header + dump_plain(body)
