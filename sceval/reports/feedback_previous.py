"""The feedback workbook's 与上一轮相比 block (issue 23): under the official score, the city's
previous total, rank and status, this total's change, and each first-level change — numbers from
results.json only (cities[].previous, change)."""
from __future__ import annotations

from decimal import Decimal

from sctemplates.methods import round_score


def previous_lines(official) -> list[tuple[str, str]]:
    """(label, text) rows; none when the run had no previous round or the city was not in it."""
    previous = getattr(official, "previous", None)
    if not previous:
        return []
    rank = previous.get("rank")
    lines = [("上一轮", str(previous.get("round") or "")),
             ("上一轮总分", _score(previous.get("total"))),
             ("上一轮名次", f"第 {rank} 名" if rank else "（无）"),
             ("总分变动（本轮 − 上一轮）", _signed(official.change))]
    scores = official.first_scores or {}
    for code, before in (previous.get("scores") or {}).items():
        now = scores.get(code)
        if now is not None and before is not None:
            lines.append((f"{code} 得分变动", _signed(round_score(Decimal(str(now)) - Decimal(str(before))))))
    return lines


def write_previous_block(ws, official) -> None:
    """The block two rows below what the sheet holds so far (column B labels, G values, as above)."""
    from openpyxl.styles import Font

    lines = previous_lines(official)
    if not lines:
        return
    row = ws.max_row + 2
    ws.cell(row, 1, "与上一轮相比（按两轮的官方计分结果精确计算）").font = Font(bold=True)
    for offset, (label, text) in enumerate(lines, start=1):
        ws.cell(row + offset, 2, label).data_type = "s"
        ws.cell(row + offset, 7, text).data_type = "s"


def _score(value) -> str:
    return "（无）" if value is None else f"{Decimal(str(value)):.2f}"


def _signed(value) -> str:
    return "（无法比较：本轮或上一轮没有总分）" if value is None else f"{Decimal(str(value)):+.2f}"
