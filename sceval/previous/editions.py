"""Editions: how the codes and input names of an earlier catalog edition map onto the current one.

The mapping is data (YAML), written by people (``sceval catalog diff A B`` writes a starter)::

    from: "2016"                      # the earlier edition
    to: "2018"                        # the current edition
    codes:                            # indicator codes; a code not listed is unchanged
      L1P1-A1: L1P1-B1                # renamed
      L1P2-A3: null                   # dropped
    inputs:                           # input (defined) names; a name not listed is unchanged
      SC_L1P1_A1_NUM: SC_L1P1_B1_NUM  # renamed
      SC_L1P1_A2_NUM: [SC_L1P1_A2_NUM, SC_L1P1_A5_NUM]   # split: no earlier value per part
      SC_L2P1_A1_NUM: SC_L2P1_A9_NUM  # two names onto one (merged): numbers are added
      SC_L2P1_A2_NUM: SC_L2P1_A9_NUM
      SC_L1P2_A3_NUM: null            # dropped

Split parts get no earlier value (nobody knows how it divides); the template says which earlier
input they were part of. Merged numbers are added exactly (Decimal); a merged choice is not.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from sctemplates.strict_yaml import yaml_reason
from sceval.errors import ScevalError, unreadable_reason

MAPPING_KEYS = {"from", "to", "codes", "inputs"}


class MappingError(ValueError, ScevalError):
    """A mapping file that cannot be used; the message is Chinese and names the file and key."""


@dataclass(frozen=True)
class EditionMapping:
    source: str = ""
    target: str = ""
    code_map: dict = field(default_factory=dict)
    input_map: dict = field(default_factory=dict)

    def inputs(self, values: dict) -> dict:
        """Earlier input values under the current names (renamed, merged; dropped and split gone)."""
        return _mapped(values, self.input_map)

    def codes(self, scores: dict) -> dict:
        return _mapped(scores, self.code_map)

    def renamed(self, values: dict) -> dict:
        """Earlier values under the current names for inputs carried over one to one (kept or
        renamed); none for an input merged from several or split: its value is not the one given."""
        targets = Counter(t for old in {*self.input_map, *values} if isinstance(t := self.input_map.get(old, old), str))
        return {target: value for old, value in values.items()
                if isinstance(target := self.input_map.get(old, old), str) and targets[target] == 1}

    def split_sources(self) -> dict[str, str]:
        """Current input name -> the earlier input it was split from."""
        return {part: old for old, new in self.input_map.items() if isinstance(new, list) for part in new}


def _mapped(values: dict, table: dict) -> dict:
    gathered: dict[str, list] = {}
    for name, value in values.items():
        target = table.get(name, name)
        if target is None or isinstance(target, list):
            continue  # dropped, or split: no earlier value per part
        gathered.setdefault(target, []).append(value)
    return {name: found[0] if len(found) == 1 else _merged(found) for name, found in gathered.items()}


def _merged(values: list):
    """The sum of merged numbers; None as soon as one is not a number (a choice, an empty cell)."""
    try:
        total = sum((Decimal(str(v)) for v in values if not isinstance(v, bool)), Decimal(0))
    except (InvalidOperation, ValueError):
        return None
    if any(v is None or isinstance(v, (bool, str)) for v in values):
        return None
    return int(total) if total == total.to_integral_value() else float(total)


def load_mapping(path) -> EditionMapping:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise MappingError(f"版本对照文件 {path} 无法读取：{yaml_reason(exc)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"版本对照文件 {path} 无法读取：{unreadable_reason(exc) or exc}") from None
    if not isinstance(data, dict):
        raise MappingError(f"版本对照文件 {path}：顶层应为映射（from、to、codes、inputs）")
    unknown = sorted(set(data) - MAPPING_KEYS)
    if unknown:
        raise MappingError(f"版本对照文件 {path}：未知的键 {'、'.join(map(str, unknown))}（可用：from、to、codes、inputs）")
    return EditionMapping(str(data.get("from") or ""), str(data.get("to") or ""),
                          _table(path, data, "codes"), _table(path, data, "inputs"))


def _table(path: Path, data: dict, key: str) -> dict:
    table = data.get(key) or {}
    if not isinstance(table, dict):
        raise MappingError(f"版本对照文件 {path}：{key} 应为“旧名称: 新名称”的映射")
    for old, new in table.items():
        if not (new is None or isinstance(new, str) or (isinstance(new, list) and all(isinstance(n, str) for n in new))):
            raise MappingError(f"版本对照文件 {path}：{key}.{old} 应为新名称、新名称列表（拆分）或 null（删除），"
                               f"而不是 {new!r}")
    return {str(old): new for old, new in table.items()}
