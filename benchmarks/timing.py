"""Wall-clock timing of a stage, reported per workbook, best of a few runs.

The machine is shared (2 cores, other people's test runs): a run that overlaps someone else's is
slower for reasons that are not ours, so each stage keeps its fastest run (the usual estimate of
the true cost) and records every run and the load average next to it. The machine's speed also
drifts over minutes, so figures that are divided by each other are taken side by side: one run of
each per round (``interleaved``), not all runs of one and then all of the other.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Timed:
    seconds: float
    files: int
    runs: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # 1-minute load average before each run

    @property
    def ms_per_file(self) -> float:
        return 1000 * self.seconds / self.files if self.files else 0.0

    def as_dict(self) -> dict:
        return {"seconds": round(self.seconds, 3), "files": self.files, "ms_per_file": round(self.ms_per_file, 2),
                "runs": [round(s, 3) for s in self.runs], "load": [round(x, 2) for x in self.load]}


def timed(files: int, action, *args, **kwargs) -> tuple[Timed, object]:
    return best_of(1, files, None, action, *args, **kwargs)


def best_of(repeat: int, files: int, before, action, *args, **kwargs) -> tuple[Timed, object]:
    """Run ``before()`` (untimed, e.g. empty the output folder) then ``action``; keep the fastest."""
    result = Timed(float("inf"), files)
    value = None
    for _ in range(max(1, repeat)):
        if before is not None:
            before()
        result.load.append(os.getloadavg()[0])
        started = time.perf_counter()
        value = action(*args, **kwargs)
        result.runs.append(time.perf_counter() - started)
    result.seconds = min(result.runs)
    return result, value


@dataclass
class Step:
    """One timed action of an interleaved round; ``before`` runs untimed first."""

    name: str
    files: int
    action: Callable[[], object]
    before: Callable[[], object] | None = None


def interleaved(repeat: int, steps: list[Step]) -> tuple[dict[str, Timed], dict[str, object]]:
    """Every step once per round, for ``repeat`` rounds; each keeps its fastest run."""
    timings = {step.name: Timed(float("inf"), step.files) for step in steps}
    values: dict[str, object] = {}
    for _ in range(max(1, repeat)):
        for step in steps:
            took, values[step.name] = best_of(1, step.files, step.before, step.action)
            found = timings[step.name]
            found.runs += took.runs
            found.load += took.load
            found.seconds = min(found.runs)
    return timings, values


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 2) if denominator else float("nan")
