"""The 变动对比 workbook of a rescoring: per city its old and new total and rank, and the
sub-items that moved its total most (sceval rescore, sceval adjust).

A sub-item's move is counted in points of the 100-point total (Δ sub-item score × its second
level's weight ÷ 100, under the catalog of the rescoring), so moves of different sub-items compare.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sctemplates.atomic import atomic_path
from sctemplates.file_names import safe_file_name
from sctemplates.methods import HUNDRED, round_score

from sceval.reports.summary.style import Styles, print_setup, write_headers, write_score, write_text, write_title

SHEET = "变动对比"
MOVED_SHOWN = 3
HEADERS = ["城市代码", "城市名称", "原总分", "新总分", "总分变动", "原排名", "新排名", "排名变动", "变动最大的分项"]


def changes_name(results: dict) -> str:
    day = (results.get("generated_at") or "")[:10].replace("-", "")
    return safe_file_name(f"变动对比_{(results.get('province') or {}).get('name') or '未知省份'}_{day}.xlsx")


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _ranks(results: dict) -> dict[str, int]:
    """city -> rank: as results.json says, or from the totals for results written before ranks."""
    cities = [c for c in results.get("cities") or [] if c.get("total") is not None]
    if all(c.get("rank") for c in cities):
        return {c["code"]: c["rank"] for c in cities}
    totals = sorted((_number(c["total"]) for c in cities), reverse=True)
    return {c["code"]: totals.index(_number(c["total"])) + 1 for c in cities}


def moved_most(catalog, before: dict, after: dict, shown: int = MOVED_SHOWN) -> list[tuple[str, str, Decimal, Decimal]]:
    """(code, name, old score, new score) of the sub-items whose change moved the total most."""
    old, new = before.get("scores") or {}, after.get("scores") or {}
    moves = []
    for second in catalog.second_levels():
        for sub in second.sub_items:
            a, b = _number(old.get(sub.code)), _number(new.get(sub.code))
            if a is None or b is None or a == b:
                continue
            moves.append((abs(b - a) * second.weight / HUNDRED, sub.code, sub.name, a, b))
    moves.sort(key=lambda move: (-move[0], move[1]))
    return [(code, name, a, b) for _, code, name, a, b in moves[:shown]]


def _moved_text(moves) -> str:
    return "\n".join(f"{code} {name}：{round_score(a):.2f} → {round_score(b):.2f}" for code, name, a, b in moves)


def change_rows(before: dict, after: dict) -> list[list]:
    """One row per city scored in either: HEADERS' values, biggest total change first."""
    from sceval.results.model import catalog_of

    catalog = catalog_of(after)
    old_entries = {c["code"]: c for c in before.get("cities") or []}
    old_ranks, new_ranks = _ranks(before), _ranks(after)
    rows = []
    for entry in after.get("cities") or []:
        earlier = old_entries.get(entry["code"], {})
        old_total, new_total = _number(earlier.get("total")), _number(entry.get("total"))
        if old_total is None and new_total is None:
            continue
        delta = None if old_total is None or new_total is None else round_score(new_total - old_total)
        old_rank, new_rank = old_ranks.get(entry["code"]), new_ranks.get(entry["code"])
        rank_move = None if old_rank is None or new_rank is None else old_rank - new_rank
        rows.append([entry["code"], entry.get("name", ""), old_total, new_total, delta, old_rank, new_rank,
                     rank_move, _moved_text(moved_most(catalog, earlier, entry)) if catalog else ""])
    rows.sort(key=lambda r: (-(abs(r[4]) if r[4] is not None else Decimal(0)), r[0]))
    return rows


def _title(before: dict, after: dict) -> list[tuple[str, str]]:
    old, new = before.get("catalog") or {}, after.get("catalog") or {}
    same = old.get("fingerprint") == new.get("fingerprint")
    what = "同一指标目录（含审核调整）" if same else f"修订后的指标目录（指纹 {old.get('fingerprint', '')} → {new.get('fingerprint', '')}）"
    return [("重新计分变动对比", "title"),
            (f"按{what}根据已回收的数据重新计分；原计分时间 {_shown(before)}，"
             f"重新计分时间 {_shown(after)}（北京时间）。排名变动为正表示名次上升。", "note")]


def _shown(results: dict) -> str:
    from sceval.ledger.ordering import shown_time

    return shown_time(results.get("generated_at") or "") if results.get("generated_at") else ""


def write_changes_sheet(workbook, before: dict, after: dict, styles: Styles) -> None:
    ws = workbook.add_worksheet(SHEET)
    head = write_title(ws, styles, _title(before, after))
    write_headers(ws, head, HEADERS, styles.header)
    for row, values in enumerate(change_rows(before, after), start=head + 1):
        write_text(ws, row, 0, values[0], styles.text)
        write_text(ws, row, 1, values[1], styles.text)
        for col in (2, 3, 4):
            write_score(ws, row, col, values[col], styles.score)
        for col in (5, 6, 7):
            write_score(ws, row, col, values[col], styles.integer)
        write_text(ws, row, 8, values[8], styles.wrap)
        ws.set_row(row, 15 * max(1, values[8].count("\n") + 1))  # one line per sub-item moved: no viewer guesses
    for col, width in enumerate([10, 12, 9, 9, 9, 8, 8, 9, 90]):
        ws.set_column(col, col, width)
    ws.freeze_panes(head + 1, 2)
    print_setup(ws, head, 1)  # A4 landscape, one page wide, headers on every page


def write_changes(before: dict, after: dict, out_path) -> Path:
    """The 变动对比 workbook, written atomically."""
    import xlsxwriter

    out_path = Path(out_path)
    with atomic_path(out_path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                                  "strings_to_urls": False})
        write_changes_sheet(workbook, before, after, Styles(workbook))
        workbook.close()
    return out_path
