"""The report's inputs as exact data: results.json (one per province), the catalog tree, cases.

Scores arrive as JSON numbers with 2 decimals; they become Decimals through str() so 73.37 stays
73.37. The catalog comes from results.json when it carries the whole tree (``indicators``),
else from the built-in catalog of the same edition (a fingerprint mismatch is noted, not fatal).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from sctemplates.methods import round_score
from sctemplates.roster import reports_apart

from sceval.reports.status_words import scored_statuses

OUTLINE_FILE = Path(__file__).with_name("outline.yaml")


@lru_cache(maxsize=1)
def outline() -> dict:
    import yaml

    return yaml.safe_load(OUTLINE_FILE.read_text(encoding="utf-8"))


def exact(value) -> Decimal | None:
    """A JSON number as an exact 2-dp Decimal (str() avoids float artefacts); None stays None."""
    if value is None or isinstance(value, bool):
        return None
    return round_score(Decimal(str(value)))


@dataclass(frozen=True)
class Node:
    """One indicator of the tree with the most points it can score (its maximum)."""

    code: str
    name: str
    level: int  # 1 first-level, 2 second-level, 3 sub-item
    maximum: Decimal
    parent: str = ""
    kind: str = ""  # the first-level group the catalog marks (成效类, 引导性, …); "" when unmarked
    optional: bool = False


@dataclass
class CityRecord:
    province_code: str
    province_name: str
    code: str
    name: str
    kind: str
    entry: dict = field(default_factory=dict)  # the results' city entry

    @property
    def status(self) -> str:
        return self.entry.get("status") or "missing"

    @property
    def total(self) -> Decimal | None:
        return exact(self.entry.get("total"))

    @property
    def scored(self) -> bool:
        return self.status in scored_statuses() and self.total is not None

    def score(self, code: str) -> Decimal | None:
        return exact((self.entry.get("scores") or {}).get(code))


@dataclass
class ProvinceRound:
    code: str
    name: str
    results: dict
    cities: list[CityRecord]
    config: object = None  # sctemplates.province.ProvinceConfig, or None
    ledger: object = None  # ledger_view.LedgerView of ledger.sqlite beside results.json, or None
    apart: list = field(default_factory=list)  # CityRecords reporting to the nation: not in ``cities``

    @property
    def files(self) -> list[dict]:
        return list(self.results.get("files") or [])

    @property
    def run_issues(self) -> list[dict]:
        return list(self.results.get("run_issues") or [])

    def scored(self) -> list[CityRecord]:
        return [c for c in self.cities if c.scored]


@dataclass
class ReportFacts:
    provinces: list[ProvinceRound]
    nodes: dict[str, Node]  # code -> node, in catalog order (base catalog, then optional)
    edition: str
    catalog_notes: list[str] = field(default_factory=list)
    cases: dict | None = None
    tree: dict = field(default_factory=dict)  # the base catalog tree (catalog --json shape)

    @property
    def national(self) -> bool:
        return len(self.provinces) > 1

    @property
    def cities(self) -> list[CityRecord]:
        return [c for p in self.provinces for c in p.cities]

    def scored(self) -> list[CityRecord]:
        return [c for c in self.cities if c.scored]

    def level(self, level: int, optional: bool = False) -> list[Node]:
        return [n for n in self.nodes.values() if n.level == level and n.optional == optional]

    def bands(self) -> list[tuple[str, Decimal, Decimal]]:
        """The catalog's maturity stages (name, from, to); [] when the catalog sets none."""
        return [(b["name"], Decimal(str(b["from"])), Decimal(str(b["to"]))) for b in self.tree.get("maturity_bands") or []]

    def stage(self, total: Decimal | None) -> str:
        """The band whose [from, to) holds the total; the top band also holds its upper bound."""
        bands = self.bands()
        if total is None or not bands:
            return ""
        found = [name for name, low, high in bands if low <= total < high]
        return found[0] if found else (bands[-1][0] if total == bands[-1][2] else "")

    def chapter(self, key: str) -> str:
        """A chapter's title: the national variant speaks of the country, not of one province."""
        return outline()["national_chapters" if self.national else "chapters"][key]

    def city_label(self, city: CityRecord) -> str:
        return f"{city.province_name}{city.name}" if self.national else city.name


def tree_nodes(tree: dict, optional: bool = False) -> list[Node]:
    """Nodes of a catalog tree in ``sceval catalog --json`` shape."""
    nodes = []
    for first in tree.get("indicators") or []:
        kind = str(first.get("kind") or "")
        nodes.append(Node(first["code"], first["name"], 1, Decimal(str(first["weight"])), "", kind, optional))
        for second in first.get("children") or []:
            nodes.append(Node(second["code"], second["name"], 2, Decimal(str(second["weight"])),
                              first["code"], kind, optional))
            for sub in second.get("sub_items") or []:
                # A sub-item scores up to its weight in its parent (分项得分 = 权重 × 得分比例 × 100).
                nodes.append(Node(sub["code"], sub["name"], 3, Decimal(str(sub["weight_in_parent"])),
                                  second["code"], kind, optional))
    return nodes


def base_tree(results: dict) -> tuple[dict, list[str]]:
    """The catalog tree of a round, and notes when it had to be taken from the built-in catalog."""
    from sctemplates.catalog import load_catalog
    from sctemplates.export import catalog_as_dict

    stated = results.get("catalog") or {}
    if stated.get("indicators"):
        return stated, []
    tree = catalog_as_dict(load_catalog())
    notes = []
    if stated.get("fingerprint") and stated["fingerprint"] != tree["fingerprint"]:
        notes.append(f"计分结果的指标目录指纹（{stated['fingerprint']}）与本工具内置目录（{tree['fingerprint']}）"
                     "不一致，本报告按内置目录的满分计算得分率，请核实。")
    return tree, notes


def province_round(results: dict, config=None, separate: bool = False) -> ProvinceRound:
    """``separate``: a province's own report lists its 直辖市/计划单列市 apart (sctemplates.roster.reports_apart)."""
    info = results.get("province") or {}
    code, name = str(info.get("code", "")), str(info.get("name", ""))
    entries = {c["code"]: c for c in results.get("cities") or []}
    roster = list(results.get("roster") or [])
    listed = {c["code"] for c in roster}
    roster += [c for c in results.get("cities") or [] if c["code"] not in listed]
    cities = [CityRecord(code, name, c["code"], c["name"], c.get("kind") or "", entries.get(c["code"], {}))
              for c in roster]
    if not separate:
        return ProvinceRound(code, name, results, cities, config)
    apart = [c for c in cities if reports_apart(c.kind, code)]  # 直报国家: listed apart, never ranked here
    return ProvinceRound(code, name, results, [c for c in cities if c not in apart], config, apart=apart)


def build_facts(results_list: list[dict], cases: dict | None = None, province=None) -> ReportFacts:
    """``province``: a ProvinceConfig for the (single) province, or None."""
    alone = len(results_list) == 1
    rounds = [province_round(r, province if alone else None, separate=alone) for r in results_list]
    tree, notes = base_tree(results_list[0])
    mismatch = [r for r in rounds if r.config is not None and r.config.code != r.code]
    for round_ in mismatch:  # another province's configuration would name the wrong organiser
        notes.append(f"所给省级评价配置属于{round_.config.name}（{round_.config.code}），计分结果属于"
                     f"{round_.name}（{round_.code}），本报告未采用该配置。")
        round_.config = None
    prints = {str((r.get("catalog") or {}).get("fingerprint", "")) for r in results_list}
    if len(prints - {""}) > 1:
        notes.append(f"各省计分结果所用的指标目录不同（指纹 {'、'.join(sorted(prints - {''}))}），"
                     f"本报告按第一个计分结果的目录（{tree.get('fingerprint', '')}）计算得分率，请核实。")
    nodes = {n.code: n for n in tree_nodes(tree)}
    for results in results_list:
        optional = results.get("optional_catalog")
        if optional:
            for node in tree_nodes(optional, optional=True):
                nodes.setdefault(node.code, node)
    return ReportFacts(rounds, nodes, str(tree.get("edition", "")), notes, cases, tree)


def feed_inputs(tree: dict) -> list[str]:
    """Defined names of the inputs the secretariat supplies (central rates, the survey)."""
    names = []
    for first in tree.get("indicators") or []:
        for second in first.get("children") or []:
            items = list(second.get("inputs") or [])
            for sub in second.get("sub_items") or []:
                items += sub.get("inputs") or []
            names += [i["name"] for i in items if i.get("source", "city") != "city"]
    return names


def provisional_subs(tree: dict) -> list[str]:
    return [sub["code"] for first in tree.get("indicators") or [] for second in first.get("children") or []
            for sub in second.get("sub_items") or [] if sub.get("provisional")]
