"""Run sceval.ingest.ingest on returns, core only (results.json) or with the workbooks written."""
from __future__ import annotations

from pathlib import Path


def run_ingest(inputs, out: Path, rnd, jobs: int, workbooks: bool):
    """``inputs``: a folder, or a list of files and folders. ``out`` is emptied first."""
    import shutil

    from sceval.ingest.batch import IngestOptions, ingest

    shutil.rmtree(out, ignore_errors=True)
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    return ingest(inputs, out, IngestOptions(rnd.catalog, central=rnd.central, optional=rnd.optional, roster=rnd.roster,
                  jobs=jobs, workbooks=workbooks))


def describe(run) -> dict:
    """Counts that show the run did real work (and the same work in every mode)."""
    statuses: dict[str, int] = {}
    for outcome in run.outcomes:
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return {"files": len(run.outcomes), "statuses": statuses, "counted": len(run.counted),
            "feedback": len(run.feedback_paths), "summary": bool(run.summary_path)}
