"""What a catalog file is and how reading one fails — the floor below both the catalog's rules
(sctemplates.catalog) and its workbook form (sctemplates.catalog_workbook), so that the workbook
reader names problems without importing the catalog that reads workbooks through it."""
from __future__ import annotations

from pathlib import Path

WORKBOOK_SUFFIXES = (".xlsx",)


def is_workbook(path: str | Path) -> bool:
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


class Problem(str):
    """A problem message that also knows what it is about: the indicator code and the field
    (``weight``, ``method``, ``numerator.unit``, ``sub_weights`` …), so a workbook reader can name
    the sheet and cell. It is a plain string everywhere else."""

    code: str
    field: str

    def __new__(cls, message: str, code: str = "", field: str = ""):
        made = super().__new__(cls, message)
        made.code, made.field = code, field
        return made


class CatalogError(ValueError):
    """A catalog file that breaks one or more rules; ``problems`` lists them all."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"指标目录文件 {source} 有 {len(problems)} 处错误：\n{lines}")
