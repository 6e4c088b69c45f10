"""Terminal rendering with rich: trees and tables for people, never for machines."""
from __future__ import annotations

import codecs
import sys

from rich.console import Console
from rich.tree import Tree

from sctemplates.methods import METHODS

# What a console that is not UTF-8 shows for characters sceval prints that its encoding lacks (a
# Windows pipe or log file is code page 936, GBK, which has no "›" or "✓"); any other character
# it lacks is written as <U+XXXX>, as sctemplates.display shows invisible characters.
STAND_INS = {"›": ">", "✓": "√", "✔": "√", "✗": "×", "•": "·"}
STAND_IN_ERRORS = "sceval-stand-in"


def encodable_output() -> None:
    """Make every later line on stdout/stderr encodable whatever the console's encoding: a run's
    table and warnings are never lost to a UnicodeEncodeError after its outputs were written."""
    codecs.register_error(STAND_IN_ERRORS, _stand_in)
    for stream in (sys.stdout, sys.stderr):
        encoding = codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name
        if not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=STAND_IN_ERRORS)


def _stand_in(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(_one_stand_in(char, error.encoding) for char in error.object[error.start:error.end]), error.end


def _one_stand_in(char: str, encoding: str) -> str:
    stand_in = STAND_INS.get(char)
    if stand_in is not None and _encodes(stand_in, encoding):
        return stand_in
    return f"<U+{ord(char):04X}>"  # none chosen, or the console lacks the stand-in too


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


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
