"""Terminal rendering with rich: trees and tables for people, never for machines."""
from __future__ import annotations

from rich.console import Console
from rich.tree import Tree

from sctemplates.methods import METHODS


def _mark(provisional) -> str:
    return " [yellow]（暂定）[/yellow]" if provisional else ""


def print_catalog_tree(catalog, console: Console | None = None) -> None:
    console = console or Console()
    root = Tree(
        f"[bold]{catalog.title}[/bold]  版本 {catalog.edition}  指纹 {catalog.fingerprint()}"
        f"{_mark(catalog.provisional)}"
    )
    for first in catalog.indicators:
        branch = root.add(f"[bold]{first.code} {first.name}[/bold]  {first.weight}分  {first.kind}")
        for second in first.children:
            method = f"  {METHODS[second.method].label}" if second.method else ""
            leaf = branch.add(f"{second.code} {second.name}  {second.weight}分{method}")
            for sub in second.sub_items:
                leaf.add(
                    f"{sub.code} {sub.name}  {sub.weight}%  {METHODS[sub.method].label}"
                    f"{_mark(sub.provisional)}"
                )
    console.print(root)
    subs = sum(1 for _ in catalog.sub_items())
    seconds = sum(1 for _ in catalog.second_levels())
    console.print(f"一级指标 {len(catalog.indicators)} 个，二级指标 {seconds} 个，分项 {subs} 个。")
