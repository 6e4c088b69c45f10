"""Ratios against targets, the printed table (Chinese, like every user-facing text), the record."""
from __future__ import annotations

import statistics
import unicodedata

from timing import ratio

TARGETS = {"render_vs_floor": ("≤", 1.3), "render_speedup": ("≥", 1.6), "ingest_vs_calamine": ("≤", 3.0),
           "openpyxl_vs_ingest": ("≥", 8.0), "ingest_speedup": ("≥", 1.6), "memory_x10_vs_x1_full": ("≤", 1.5),
           "memory_x10_vs_x1_core": ("≤", 1.5)}


def ratios(f: dict) -> dict:
    render, ingest = f["render"], f["ingest"]
    found = {
        "render_vs_floor": ratio(render["jobs1"]["ms_per_file"], render["floor"]["ms_per_file"]),
        "render_vs_floor_kept_formulas": ratio(render["jobs1"]["ms_per_file"],
                                               render["floor_kept_formulas"]["ms_per_file"]),
        "render_speedup": ratio(render["jobs1"]["ms_per_file"], render["jobs2"]["ms_per_file"]),
        "ingest_vs_calamine": ratio(ingest["core_jobs1"]["ms_per_file"], ingest["floors"]["calamine"]["ms_per_file"]),
        "openpyxl_vs_ingest": ratio(ingest["floors"]["openpyxl"]["ms_per_file"], ingest["core_jobs1"]["ms_per_file"]),
        "ingest_speedup": ratio(ingest["core_jobs1"]["ms_per_file"], ingest["core_jobs2"]["ms_per_file"]),
    }
    for mode in ("full", "core"):
        if f"x10_{mode}" in f["memory"]:
            found[f"memory_x10_vs_x1_{mode}"] = ratio(_peak(f["memory"][f"x10_{mode}"]), _peak(f["memory"][f"x1_{mode}"]))
    return found


# The figures each ratio divides, for the paired reading: the same ratio taken within each round
# (runs made side by side), then the median over the rounds. Best-of runs estimate each figure's
# undisturbed cost; paired medians show how much the machine's drift moves the ratio.
PAIRS = {"render_vs_floor": (("render", "jobs1"), ("render", "floor")),
         "render_vs_floor_kept_formulas": (("render", "jobs1"), ("render", "floor_kept_formulas")),
         "render_speedup": (("render", "jobs1"), ("render", "jobs2")),
         "ingest_vs_calamine": (("ingest", "core_jobs1"), ("ingest", "floors", "calamine")),
         "ingest_speedup": (("ingest", "core_jobs1"), ("ingest", "core_jobs2"))}


def paired_ratios(f: dict) -> dict:
    found = {}
    for name, (top, bottom) in PAIRS.items():
        a, b = _runs(f, top), _runs(f, bottom)
        if a and len(a) == len(b):
            per_round = sorted(x / y for x, y in zip(a, b) if y)
            found[name] = round(statistics.median(per_round), 2)
    return found


def _runs(f: dict, path: tuple[str, ...]) -> list[float]:
    node = f
    for key in path:
        node = node.get(key, {}) if isinstance(node, dict) else {}
    return node.get("runs", []) if isinstance(node, dict) else []


def _peak(report: dict) -> float:
    return report["tree_bound_mib"]


def verdict(name: str, value: float) -> str:
    if name not in TARGETS:
        return ""
    sign, target = TARGETS[name]
    ok = value <= target if sign == "≤" else value >= target
    return f"目标 {sign}{target}  {'达标' if ok else '未达标'}"


def pad(text: str, width: int) -> str:
    """Left-justify by display width: a Chinese character takes two columns in a terminal."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def print_table(f: dict) -> None:
    f["ratios"] = ratios(f)
    f["paired_ratios"] = paired_ratios(f)
    render, ingest, memory = f["render"], f["ingest"], f["memory"]
    rows = [
        ("模板生成 jobs=1", render["jobs1"]["ms_per_file"], "毫秒/份"),
        ("模板生成 jobs=2", render["jobs2"]["ms_per_file"], "毫秒/份"),
        ("下限：裸 xlsxwriter 同样单元格", render["floor"]["ms_per_file"], "毫秒/份"),
        ("下限（同样缓存公式预处理）", render["floor_kept_formulas"]["ms_per_file"], "毫秒/份"),
        ("回收核心 jobs=1（识别/解析/检查/计分/results.json）", ingest["core_jobs1"]["ms_per_file"], "毫秒/份"),
        ("回收核心 jobs=2", ingest["core_jobs2"]["ms_per_file"], "毫秒/份"),
        ("回收含汇总表与反馈表 jobs=1", ingest["full_jobs1"]["ms_per_file"], "毫秒/份"),
        ("回收含汇总表与反馈表 jobs=2", ingest["full_jobs2"]["ms_per_file"], "毫秒/份"),
        ("下限：calamine 读全部单元格", ingest["floors"]["calamine"]["ms_per_file"], "毫秒/份"),
        ("对照：openpyxl data_only 读全部单元格", ingest["floors"]["openpyxl"]["ms_per_file"], "毫秒/份"),
    ]
    for key, report in memory.items():
        if key.startswith("x"):
            scale, mode = key.split("_")
            files = f["cities"] * (10 if scale == "x10" else 1)
            label = f"内存峰值 {files} 份{'含汇总与反馈' if mode == 'full' else '核心'}（主+2×工作进程）"
            rows.append((label, _peak(report), "MiB"))
    print(f"\nsceval 性能基准：{f['cities']} 个城市，{f['machine']['cpus']} 核，Python {f['machine']['python']}")
    for label, value, unit in rows:
        print(f"  {pad(label, 56)}{value:>10.1f} {unit}")
    print("比值（各取最快一次之比）：")
    for name, value in f["ratios"].items():
        print(f"  {pad(name, 30)}{value:>8.2f}×  {verdict(name, value)}")
    print("同轮比值的中位数（同一轮里先后运行，抵消机器快慢的漂移）：")
    print("  " + "，".join(f"{name} {value:.2f}×" for name, value in f["paired_ratios"].items()))
