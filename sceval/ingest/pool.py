"""The worker pool of an ingest: chunks of files to ``jobs`` processes, with time limits.

Files go to the workers a few at a time, as soon as each chunk is known (the parent is still
hashing later files); the catalogs, roster and central feed go to each worker once, by the pool's
initializer, instead of with every file. Each worker enforces its file's time limit itself; the
parent waits a little longer as a backstop for a worker stuck where no signal reaches it.
"""
from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace

from sctemplates.issues import issue

from sceval.ingest.one_file import FileTask, init_worker, process_file, process_shared_chunk
from sceval.ingest.results import FileOutcome

BACKSTOP_SECONDS = 30


SHARED_FIELDS = ("catalog", "optional", "roster", "central", "timeout", "limits", "central_issues")


def run_tasks(tasks: Iterable[FileTask], jobs: int, on_outcome=lambda outcome: outcome,
              expected: int | None = None) -> list[FileOutcome]:
    """Process in a pool of ``jobs`` workers (in-process for one job or one file).

    ``tasks`` may be lazy (``expected``: about how many it yields, to size the chunks): chunks go
    to the workers as soon as they are complete. Each worker enforces its file's time limit
    itself; the parent waits a little longer as a backstop for a worker stuck where no signal
    reaches it, and reports FILE_TIMEOUT. Files go to the workers a few at a time: one message per
    file cost the parent ~2 ms of CPU per file, taken from the workers on a 2-core machine.
    """
    tasks = iter(tasks)
    first = next(tasks, None)
    if first is None:
        return []
    expected = expected if expected is not None else 2
    if jobs <= 1 or expected <= 1:
        return [on_outcome(process_file(task)) for task in itertools.chain([first], tasks)]
    import multiprocessing

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    shared = {key: getattr(first, key) for key in SHARED_FIELDS}
    slim = (replace(task, **dict.fromkeys(SHARED_FIELDS)) for task in itertools.chain([first], tasks))
    with frozen_heap(), context.Pool(jobs, initializer=init_worker, initargs=(shared,)) as pool:
        pending = [(chunk, pool.apply_async(process_shared_chunk, (chunk,)))
                   for chunk in _chunks(slim, _chunk_size(expected, jobs))]
        return [on_outcome(outcome) for chunk, result in pending
                for outcome in _collect_chunk(pool, chunk, shared["timeout"], result)]


def _chunk_size(expected: int, jobs: int) -> int:
    return max(1, min(CHUNK_FILES, expected // (jobs * 4)))  # small enough to balance the load


def _chunks(slim: Iterable[FileTask], size: int) -> Iterator[list[FileTask]]:
    chunk = []
    for task in slim:
        chunk.append(task)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextlib.contextmanager
def frozen_heap():
    """Objects that exist before a run are frozen for its length: the garbage collector's full
    passes (about ten per 340 files, as each file allocates thousands of small containers) then
    visit only what the run itself made, and forked workers neither scan the parent's objects nor
    copy their pages. Left alone if the caller froze some itself."""
    import gc

    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        yield
    finally:
        if freeze:
            gc.unfreeze()


CHUNK_FILES = 8


def _collect_chunk(pool, chunk: list[FileTask], timeout: int, result) -> list[FileOutcome]:
    """A chunk's outcomes; if the chunk hangs past the backstop, each of its files is tried again
    on its own, so only the file that really hangs is lost to FILE_TIMEOUT, never its neighbours."""
    outcomes = _collect(chunk, timeout, result)
    if outcomes is not None or len(chunk) == 1:
        return outcomes or [_timed_out(chunk[0])]
    return [(_collect([task], timeout, pool.apply_async(process_shared_chunk, ([task],))) or
             [_timed_out(task)])[0] for task in chunk]


def _collect(chunk: list[FileTask], timeout: int, result) -> list[FileOutcome] | None:
    from multiprocessing import TimeoutError as PoolTimeout

    try:
        return result.get(timeout * len(chunk) + BACKSTOP_SECONDS if timeout else None)
    except PoolTimeout:
        return None


def _timed_out(task: FileTask) -> FileOutcome:
    outcome = FileOutcome(path=task.display, source=task.source, sha256=task.sha256, size=task.size,
                          received_at=task.received_at)
    outcome.issues.append(issue("FILE_TIMEOUT", f"处理文件 {task.display} 超过时限，已停止", file=task.display))
    return outcome


def map_in_workers(function, items: list, jobs: int) -> list:
    """``function`` over ``items`` in ``jobs`` processes (in-process for one job or a few items),
    for the slow writers of a run (openpyxl feedback copies)."""
    if jobs <= 1 or len(items) <= 2:
        return [function(item) for item in items]
    import multiprocessing

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(jobs) as pool:
        return pool.map(function, items, chunksize=4)
