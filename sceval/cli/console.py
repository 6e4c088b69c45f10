"""Terminal rendering with rich: trees and tables for people, never for machines."""
from __future__ import annotations

from rich.console import Console
from rich.tree import Tree

from sctemplates.methods import METHODS


def shown(text) -> str:
    """Any text from a file, a roster or a message, safe inside rich markup: "[/red]" in a zip
    member's name is printed, not parsed (issue 13, item 11), and bidi controls are neutralised."""
    from rich.markup import escape

    from sctemplates.display import neutral

    return escape(neutral("" if text is None else str(text)))


def _mark(provisional) -> str:
    return " [yellow]（暂定）[/yellow]" if provisional else ""


def print_catalog_tree(catalog, console: Console | None = None) -> None:
    console = console or Console()
    root = Tree(
        f"[bold]{shown(catalog.title)}[/bold]  版本 {shown(catalog.edition)}  指纹 {catalog.fingerprint()}"
        f"{_mark(catalog.provisional)}"
    )
    for first in catalog.indicators:
        branch = root.add(f"[bold]{shown(first.code)} {shown(first.name)}[/bold]  {first.weight}分  {first.kind}")
        for second in first.children:
            method = f"  {METHODS[second.method].label}" if second.method else ""
            leaf = branch.add(f"{shown(second.code)} {shown(second.name)}  {second.weight}分{method}")
            for sub in second.sub_items:
                leaf.add(
                    f"{shown(sub.code)} {shown(sub.name)}  {sub.weight}%  {METHODS[sub.method].label}"
                    f"{_mark(sub.provisional)}"
                )
    console.print(root)
    subs = sum(1 for _ in catalog.sub_items())
    seconds = sum(1 for _ in catalog.second_levels())
    console.print(f"一级指标 {len(catalog.indicators)} 个，二级指标 {seconds} 个，分项 {subs} 个。")
