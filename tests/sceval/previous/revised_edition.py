"""A revised catalog edition of our own making — 非官方，测试用 (NOT an official edition).

Derived from the bundled 2016 catalog with one of each edition change a second round meets:
L1P1-A1 renamed to L1P1-A4 (its inputs renamed with it), L1P1-A2 split into L1P1-A2 and
L1P1-A5, L1P2-A3 dropped (its weight shared by the other two).
"""
from __future__ import annotations

import copy
from pathlib import Path


from sctemplates.strict_yaml import dump_plain
from sctemplates.catalog import load_catalog, load_catalog_data

EDITION = "2016修订（非官方，测试用）"
RENAMED = ("L1P1-A1", "L1P1-A4")
SPLIT = ("L1P1-A2", "L1P1-A5")
DROPPED = "L1P2-A3"


def _sub(data: dict, code: str) -> tuple[list, dict]:
    for first in data["indicators"]:
        for second in first["children"]:
            for sub in second.get("sub_items") or []:
                if sub["code"] == code:
                    return second["sub_items"], sub
    raise KeyError(code)


def revised_data() -> dict:
    data = copy.deepcopy(load_catalog_data())
    data["edition"] = EDITION
    data["title"] = "新型智慧城市评价指标（2016年修订，非官方，测试用）"
    _sub(data, RENAMED[0])[1]["code"] = RENAMED[1]
    siblings, whole = _sub(data, SPLIT[0])
    part = dict(whole, code=SPLIT[1], name=whole["name"] + "（网上）", weight=15)
    whole.update(name=whole["name"] + "（窗口）", weight=20)
    siblings.insert(siblings.index(whole) + 1, part)
    siblings, gone = _sub(data, DROPPED)
    siblings.remove(gone)
    for sub in siblings:
        sub["weight"] = 50
    return data


def write_revised(folder: Path):
    """The revised edition as a YAML file in ``folder`` and its loaded Catalog."""
    path = Path(folder) / "revised_test_edition.yaml"
    header = "# 非官方，测试用：由 2016 版目录改写的修订版（改名、拆分、删除各一处），仅供测试\n"
    path.write_text(header + dump_plain(revised_data()), encoding="utf-8")
    return path, load_catalog(path)
