"""Smoke test of the bench on three cities (opt-in: `.venv/bin/pytest benchmarks -q`).

Checks that every stage does the work it claims — never how fast it is.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402
from floors import template_cells, write_floor  # noqa: E402


def test_bench_runs_every_stage_on_a_tiny_round(tmp_path):
    record = tmp_path / "run.json"
    figures = bench.main(["--cities", "3", "--repeat", "1", "--work", str(tmp_path / "work"),
                          "--record", str(record)])
    saved = json.loads(record.read_text(encoding="utf-8"))
    assert saved["cities"] == 3 and saved["render"]["jobs2"]["files"] == 3
    assert saved["ingest"]["core_jobs1"]["run"] == {"files": 3, "statuses": {"counted": 3}, "counted": 3,
                                                     "feedback": 0, "summary": False}
    assert saved["ingest"]["full_jobs2"]["run"]["summary"] is True
    tenfold = saved["memory"]["x10_core"]["run"]
    assert tenfold["statuses"] == {"counted": 3, "superseded": 27}  # ten distinct submissions per city
    assert saved["memory"]["x1_core"]["main_mib"] > 0
    assert saved["render"]["floor"]["files"] == saved["render"]["floor_kept_formulas"]["files"] == 3
    assert saved["report"]["cities"] == 3 and saved["report"]["docx_bytes"] > 10_000  # the 附件4 report
    assert saved["mail"]["files"] == 3 and saved["mail"]["ingest_mbox"]["seconds"] > 0  # the same returns by mail
    assert saved["imap"]["messages"] == saved["imap"]["stored"] == 3 and saved["imap"]["peak_mib"] > 0  # over IMAP
    assert set(figures["ratios"]) >= {"render_vs_floor", "render_vs_floor_kept_formulas", "ingest_vs_calamine",
                                      "ingest_speedup", "memory_x10_vs_x1_full"}
    assert set(saved["paired_ratios"]) == {"render_vs_floor", "render_vs_floor_kept_formulas", "render_speedup",
                                           "ingest_vs_calamine", "ingest_speedup"}


def test_resubmissions_are_distinct_files(tmp_path):
    bench.main(["--cities", "2", "--repeat", "1", "--skip-3400", "--work", str(tmp_path / "work"),
                "--record", str(tmp_path / "run.json")])
    from returns import multiply

    originals = sorted((tmp_path / "work").glob("returns-*x1/*.xlsx"))
    copies = multiply(originals, tmp_path / "many", 4)
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in copies}
    assert len(copies) == 8 and len(digests) == 8
    assert originals[0].read_bytes() != copies[1].read_bytes()


def test_floor_writes_the_same_cells_as_the_template(tmp_path):
    from scenario import load_round
    from sctemplates.render import render_city

    rnd = load_round(1)
    template = render_city(rnd.catalog, rnd.roster.cities[0], rnd.province, tmp_path / "t.xlsx", optional=rnd.optional)
    cells = template_cells(template)
    write_floor(cells, tmp_path / "floor.xlsx")
    assert template_cells(tmp_path / "floor.xlsx") == cells
    assert sum(len(v) for v in cells.values()) > 500
