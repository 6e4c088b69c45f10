"""Load and validate an indicator catalog from its YAML data file.

A broken catalog is refused with every problem listed, each naming the file, the code and the
rule broken, so whoever edits the data file can fix it in one pass. A catalog may also be an
Excel workbook (``sctemplates.catalog_workbook``): it is read into the very mapping the YAML
gives, checked by the same rules, and each problem is placed on its sheet and cell.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import yaml

from sctemplates.catalog_files import WORKBOOK_SUFFIXES, CatalogError, Problem, is_workbook  # noqa: F401  (named here by callers)
from sctemplates.methods import METHODS
from sctemplates.strict_yaml import strict_load, yaml_reason
from sctemplates.model import (
    Catalog, Choice, FirstLevel, Input, MaturityBand, OptionalRules, SecondLevel, SubItem, defined_name,
)

CATALOG_DIR = Path(__file__).parent / "catalogs"
DEFAULT_EDITION = "2016"
FEED_RANGE = (Decimal(0), Decimal(100))


def default_catalog_path(edition: str = DEFAULT_EDITION) -> Path:
    return CATALOG_DIR / f"{edition}.yaml"


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Catalog:
    if is_workbook(path):
        return _load_workbook_catalog(Path(path))
    return parse_catalog(Path(path).read_text(encoding="utf-8"), source=path)


def _load_workbook_catalog(path: Path) -> Catalog:
    """The catalog of a workbook; CatalogError lists every problem with its sheet and cell."""
    from sctemplates.catalog_workbook.read import read_workbook_data

    read = read_workbook_data(path)
    try:
        catalog = parse_data(read.data, str(path), place=read.place)
    except CatalogError as exc:
        raise CatalogError(str(path), read.problems + exc.problems) from None
    if read.problems:
        raise CatalogError(str(path), read.problems)
    return catalog


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load a catalog file, YAML or Excel workbook by its suffix (default: the bundled 2016
    edition); raise CatalogError if broken."""
    resolved = _existing(path)
    return _load_cached(str(resolved), resolved.stat().st_mtime)


def load_catalog_data(path: str | Path | None = None) -> dict:
    """The catalog file as the plain mapping the YAML holds (a workbook is read into the same
    shape), before any checking beyond its syntax; raise CatalogError when unreadable."""
    resolved = _existing(path)
    if is_workbook(resolved):
        from sctemplates.catalog_workbook.read import read_workbook_data

        return read_workbook_data(resolved).data
    return _yaml_mapping(resolved.read_text(encoding="utf-8"), str(resolved))


def _existing(path: str | Path | None) -> Path:
    resolved = Path(path) if path else default_catalog_path()
    if not resolved.is_file():
        raise CatalogError(str(resolved), ["文件不存在"])
    return resolved


def parse_catalog(text: str, source: str = "<catalog>") -> Catalog:
    return parse_data(_yaml_mapping(text, source), source)


def _yaml_mapping(text: str, source: str) -> dict:
    try:
        data = strict_load(text)  # no aliases, duplicate keys or huge ints (issue 21)
    except yaml.YAMLError as exc:
        raise CatalogError(source, [yaml_reason(exc)]) from None
    if not isinstance(data, dict):
        raise CatalogError(source, ["顶层应为映射（edition、indicators 等）"])
    return data


def parse_data(data: dict, source: str, place=None) -> Catalog:
    """The catalog of a YAML-shaped mapping; ``place(problem)`` may rewrite each problem to say
    where it sits (the workbook reader names sheet and cell)."""
    builder = _Builder(data, source)
    catalog = builder.build()
    problems = builder.problems + validate_catalog(catalog)
    if problems:
        raise CatalogError(source, [place(p) if place else p for p in problems])
    return catalog


def _decimal(value, code: str, field: str, problems: list[str]) -> Decimal:
    try:
        result = Decimal(str(value))
        if not result.is_finite():
            raise InvalidOperation
        return result
    except (InvalidOperation, ValueError):
        where = f"{code} {field}" if code else field
        said = "未填写（公式单元格须在表格软件中保存后才有结果）" if value is None else f"{value!r} 不是数字"
        problems.append(Problem(f"{where}：{said}", code, field))
        return Decimal(0)


class _Builder:
    """Turns the YAML mapping into model objects, collecting shape problems as it goes."""

    def __init__(self, data: dict, source: str):
        self.data = data
        self.source = source
        self.problems: list[str] = []
        self.units: dict = data.get("units") or {}
        self.scales: dict = data.get("scales") or {}

    def build(self) -> Catalog:
        firsts = tuple(self.first(f) for f in self.data.get("indicators") or [])
        if not firsts:
            self.problems.append(Problem("indicators：没有任何指标", "", "indicators"))
        total = _decimal(self.data.get("total_points", 100), "", "total_points", self.problems)
        return Catalog(
            edition=str(self.data.get("edition", "")), title=str(self.data.get("title", "")),
            indicators=firsts, data_cutoff=str(self.data.get("data_cutoff", "")),
            source=self.source, total_points=total,
            optional_rules=self.optional_rules(), maturity_bands=self.maturity_bands(),
        )

    def optional_rules(self) -> OptionalRules | None:
        raw = self.data.get("optional_indicators")
        if not isinstance(raw, dict):
            return None
        return OptionalRules(code=str(raw.get("code", "")), name=str(raw.get("name", "")),
                             points=_decimal(raw.get("points"), "", "optional_indicators.points", self.problems),
                             max_second=int(raw.get("max_second", 0)), max_sub=int(raw.get("max_sub", 0)))

    def maturity_bands(self) -> tuple[MaturityBand, ...]:
        field = "maturity_bands"
        return tuple(MaturityBand(str(b.get("name", "")), _decimal(b.get("from"), "", field, self.problems),
                                  _decimal(b.get("to"), "", field, self.problems))
                     for b in self.data.get(field) or [] if isinstance(b, dict))

    def first(self, raw: dict) -> FirstLevel:
        code = str(raw.get("code", "?"))
        children = tuple(self.second(c) for c in raw.get("children") or [])
        return FirstLevel(
            code=code, name=str(raw.get("name", "")), kind=str(raw.get("kind", "")),
            weight=_decimal(raw.get("weight"), code, "weight", self.problems),
            children=children,
        )

    def second(self, raw: dict) -> SecondLevel:
        code = str(raw.get("code", "?"))
        method = str(raw.get("method", ""))
        inputs = self.inputs(code, method, raw) if method else ()
        return SecondLevel(
            code=code, name=str(raw.get("name", "")),
            weight=_decimal(raw.get("weight"), code, "weight", self.problems),
            sub_items=tuple(self.sub(s) for s in raw.get("sub_items") or []),
            method=method, inputs=inputs, about=str(raw.get("about", "")),
            provisional=tuple(raw.get("provisional") or ()),
        )

    def sub(self, raw: dict) -> SubItem:
        code = str(raw.get("code", "?"))
        method = str(raw.get("method", ""))
        params = tuple(
            (key, _decimal(raw.get(key), code, key, self.problems))
            for key in (METHODS[method].params if method in METHODS else ())
        )
        return SubItem(
            code=code, name=str(raw.get("name", "")),
            weight=_decimal(raw.get("weight"), code, "weight", self.problems),
            method=method, inputs=self.inputs(code, method, raw),
            requirement=str(raw.get("requirement", "")), params=params,
            provisional=tuple(str(p) for p in raw.get("provisional") or ()),
        )

    def inputs(self, code: str, method: str, raw: dict) -> tuple[Input, ...]:
        kind = METHODS.get(method)
        if kind is None:
            self.problems.append(Problem(f"{code}：未知的计分方法 {method!r}（可用：{'、'.join(METHODS)}）",
                                         code, "method"))
            return ()
        if method == "graded":
            return (self.choice_input(code, raw),)
        built = []
        for role in kind.roles:
            spec = raw.get(role)
            if not isinstance(spec, dict) or not spec.get("label"):
                self.problems.append(Problem(f"{code}：计分方法 {method} 需要声明输入 {role}（label、unit）",
                                             code, role))
                continue
            built.append(self.number_input(code, role, spec, kind.source))
        return tuple(built)

    def number_input(self, code: str, role: str, spec: dict, source: str) -> Input:
        unit = str(spec.get("unit", ""))
        if unit not in self.units:
            self.problems.append(Problem(f"{code} {role}：单位 {unit!r} 未在 units 中声明", code, f"{role}.unit"))
        low, high = FEED_RANGE if source != "city" else (Decimal(0), None)
        if "min" in spec:
            low = _decimal(spec["min"], code, f"{role} min", self.problems)
        if "max" in spec:
            high = _decimal(spec["max"], code, f"{role} max", self.problems)
        return Input(
            name=defined_name(code, role), role=role, label=str(spec["label"]), unit=unit,
            integer=self.units.get(unit) == "integer", min=low, max=high, source=source,
        )

    def choice_input(self, code: str, raw: dict) -> Input:
        scale = raw.get("scale")
        if scale not in self.scales:
            self.problems.append(Problem(f"{code}：分档方法引用了未定义的档次表 scale={scale!r}", code, "scale"))
        choices = tuple(
            Choice(str(c.get("label", "")), _decimal(c.get("fraction"), code, "档次", self.problems))
            for c in self.scales.get(scale) or []
        )
        return Input(name=defined_name(code, "choice"), role="choice", label="所处档次", choices=choices)


FIRST_CODE = re.compile(r"^L\d+$")
SECOND_CODE = re.compile(r"^(L\d+)P\d+$")
SUB_CODE = re.compile(r"^(L\d+P\d+)-A\d+$")


def validate_catalog(catalog: Catalog, patterns=(FIRST_CODE, SECOND_CODE, SUB_CODE)) -> list[str]:
    """Every rule a catalog must keep; returns the broken ones (empty when the catalog is sound)."""
    problems: list[str] = []
    problems += _check_codes(catalog, patterns)
    problems += _check_weights(catalog)
    for sub in catalog.sub_items():
        problems += _check_scored_item(sub.code, sub.method, sub.inputs)
        problems += [Problem(f"{sub.code}：参数 {k} 应大于 0", sub.code, k) for k, v in sub.params if v <= 0]
    for second in catalog.second_levels():
        if second.method:
            problems += _check_scored_item(second.code, second.method, second.inputs)
    return problems


def _check_codes(catalog: Catalog, patterns) -> list[str]:
    first_re, second_re, sub_re = patterns
    problems, seen = [], set()
    for first in catalog.indicators:
        problems += _code_problem(first.code, first_re, None, seen)
        for second in first.children:
            problems += _code_problem(second.code, second_re, first.code, seen)
            for sub in second.sub_items:
                problems += _code_problem(sub.code, sub_re, second.code, seen)
    for node in [*catalog.indicators, *catalog.second_levels(), *catalog.sub_items()]:
        if not node.name.strip():
            problems.append(Problem(f"{node.code}：名称为空", node.code, "name"))
    return problems


def _code_problem(code: str, pattern: re.Pattern, parent: str | None, seen: set) -> list[str]:
    problems = []
    match = pattern.match(code)
    if not match:
        problems.append(Problem(f"{code}：编码格式不正确（应符合 {pattern.pattern}）", code, "code"))
    elif parent is not None and match.group(1) != parent:
        problems.append(Problem(f"{code}：编码与上级指标 {parent} 不一致", code, "code"))
    if code in seen:
        problems.append(Problem(f"{code}：编码重复", code, "duplicate"))
    seen.add(code)
    return problems


def _check_weights(catalog: Catalog) -> list[str]:
    problems = []
    firsts = sum((f.weight for f in catalog.indicators), Decimal(0))
    if firsts != catalog.total_points:
        problems.append(Problem(f"一级指标权重之和为 {firsts}，应为 {catalog.total_points}", "", "first_weights"))
    for first in catalog.indicators:
        seconds = sum((s.weight for s in first.children), Decimal(0))
        if seconds != first.weight:
            problems.append(Problem(f"{first.code}：二级指标权重之和为 {seconds}，应等于一级指标权重 {first.weight}",
                                    first.code, "child_weights"))
        for second in first.children:
            problems += _check_second(second)
    return problems


def _check_second(second: SecondLevel) -> list[str]:
    if second.method and second.sub_items:
        return [Problem(f"{second.code}：二级指标不能同时有计分方法和分项", second.code, "method")]
    if not second.method and not second.sub_items:
        return [Problem(f"{second.code}：二级指标既无分项也无计分方法", second.code, "method")]
    if second.method:
        return []
    subs = sum((s.weight for s in second.sub_items), Decimal(0))
    problems = [] if subs == 100 else [
        Problem(f"{second.code}：分项权重之和为 {subs}%，应为 100%", second.code, "child_weights")]
    problems += [Problem(f"{s.code}：权重 {s.weight} 应大于 0", s.code, "weight")
                 for s in second.sub_items if s.weight <= 0]
    return problems


def _check_scored_item(code: str, method: str, inputs: tuple[Input, ...]) -> list[str]:
    problems = []
    kind = METHODS.get(method)
    if kind is None:
        return problems  # already reported by the builder
    roles = {i.role for i in inputs}
    expected = {"choice"} if method == "graded" else set(kind.roles)
    if roles != expected and roles:
        problems.append(Problem(f"{code}：输入 {sorted(roles)} 与计分方法 {method} 所需 {sorted(expected)} 不符",
                                code, "method"))
    for item in inputs:
        problems += _check_input(code, item)
    return problems


def _check_input(code: str, item: Input) -> list[str]:
    problems = []
    if item.role == "choice":
        if len(item.choices) < 2:
            problems.append(Problem(f"{code}：分档选项少于 2 个", code, "scale"))
        labels = [c.label for c in item.choices]
        if len(set(labels)) != len(labels):
            problems.append(Problem(f"{code}：分档选项名称重复", code, "scale"))
        problems += [
            Problem(f"{code}：档次“{c.label}”的得分比例 {c.fraction} 不在 0–1 之间", code, "scale")
            for c in item.choices if not Decimal(0) <= c.fraction <= 1
        ]
    if item.min is not None and item.max is not None and item.min > item.max:
        problems.append(Problem(f"{code} {item.role}：最小值 {item.min} 大于最大值 {item.max}", code,
                                f"{item.role} min"))
    return problems


def check_catalog_file(path: str | Path) -> tuple[Catalog | None, list[str]]:
    """(the catalog, []) when the YAML or workbook file is sound, else (None, every problem)."""
    try:
        return load_catalog(path), []
    except CatalogError as exc:
        return None, list(exc.problems)


def revision_of(new: Catalog, old: Catalog) -> str:
    """How ``new`` relates to ``old``: same | rules (same input contract, revised scoring rules)
    | inputs (returns rendered from ``old`` are refused under ``new``)."""
    if new.fingerprint() == old.fingerprint():
        return "same"
    if new.input_contract_fingerprint() == old.input_contract_fingerprint():
        return "rules"
    return "inputs"
