"""Peak memory of one ingest: run it in a fresh child process and read the RSS high-water marks.

The child reports its own peak (VmHWM: the main process, which keeps every outcome and writes
the workbooks) and its reaped workers' peak (ru_maxrss of RUSAGE_CHILDREN: the largest single
worker). Not ru_maxrss of RUSAGE_SELF: Linux carries it across exec, so a child started by a
big bench process would report the bench's own size. Their sum bounds the tree from above (forked workers share pages with the parent).
Usage as a child: python benchmarks/memory.py INPUT_DIR OUT_DIR CITIES JOBS WORKBOOKS(0/1)
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(inputs: Path, out: Path, cities: int, jobs: int, workbooks: bool) -> dict:
    """Run the child and return its report (peaks in MiB, wall seconds, run description)."""
    command = [sys.executable, str(HERE / "memory.py"), str(inputs), str(out), str(cities), str(jobs),
               "1" if workbooks else "0"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"memory child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child(inputs: str, out: str, cities: str, jobs: str, workbooks: str) -> None:
    import resource

    sys.path.insert(0, str(HERE))
    from ingest_run import describe, run_ingest
    from scenario import load_round

    rnd = load_round(int(cities))
    started = time.perf_counter()
    run = run_ingest(Path(inputs), Path(out), rnd, int(jobs), workbooks == "1")
    seconds = time.perf_counter() - started
    main = _own_high_water_mib()
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"main_mib": round(main, 1), "worker_mib": round(workers, 1),
                      "tree_bound_mib": round(main + workers * int(jobs), 1), "seconds": round(seconds, 2),
                      "run": describe(run)}))


def _own_high_water_mib() -> float:
    """This process's RSS high-water mark since exec (VmHWM), in MiB."""
    import resource

    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # no /proc: the inherited figure


if __name__ == "__main__":
    _child(*sys.argv[1:6])
