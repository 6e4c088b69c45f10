"""The worker pool of an ingest: chunks of files to ``jobs`` worker processes, with time limits.

Files go to the workers a few at a time, as soon as each chunk is known (the parent is still
hashing later files); the catalogs, roster and central feed go to each worker once, when it
starts, instead of with every file. The per-file time limit is kept by the parent without any
signal (SIGALRM does not exist on Windows and never interrupts a reader stuck in native code):
each worker answers file by file, so the parent knows which file each worker is on and since when;
a worker past its file's limit is ended, only that file is rejected as FILE_TIMEOUT, and the rest
of its chunk goes to a fresh worker. This holds for one file and ``-j 1`` too: with a time limit,
files are always read in a worker process.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace

from sctemplates.issues import issue

from sceval.ingest.one_file import FileTask, init_worker, process_file, process_shared
from sceval.results.model import FileOutcome

# Beyond a file's own limit: the messages to and from the worker, and a worker's start.
GRACE_SECONDS = 2

SHARED_FIELDS = ("catalog", "optional", "roster", "central", "timeout", "limits", "central_issues")


def run_tasks(tasks: Iterable[FileTask], jobs: int, on_outcome=lambda outcome: outcome,
              expected: int | None = None) -> list[FileOutcome]:
    """Process in ``jobs`` watched worker processes; outcomes come in the order of ``tasks``.

    ``tasks`` may be lazy (``expected``: about how many it yields, to size the chunks): chunks go
    to the workers as soon as they are complete. Without a time limit (``timeout`` 0) one job runs
    in-process. Files go to the workers a few at a time: one message per file cost the parent
    ~2 ms of CPU per file, taken from the workers on a 2-core machine.
    """
    tasks = iter(tasks)
    first = next(tasks, None)
    if first is None:
        return []
    expected = expected if expected is not None else 2
    workers = max(1, min(jobs, expected))
    if not first.timeout and workers == 1:
        return [on_outcome(process_file(task)) for task in itertools.chain([first], tasks)]
    shared = {key: getattr(first, key) for key in SHARED_FIELDS}
    slim = (replace(task, **dict.fromkeys(SHARED_FIELDS)) for task in itertools.chain([first], tasks))
    with frozen_heap(), WatchedPool(workers, shared, first.timeout) as pool:
        return [on_outcome(outcome) for outcome in pool.run(slim, _chunk_size(expected, workers))]


def serve(connection, shared: dict) -> None:
    """A worker's life: take chunks of slim tasks, answer each file as soon as it is done."""
    init_worker(shared)
    with contextlib.suppress(EOFError, OSError, KeyboardInterrupt):  # the parent ended or is gone
        while (chunk := connection.recv()) is not None:
            for task in chunk:
                connection.send(process_shared(task))


class _Worker:
    """One worker process, the numbered files sent to it (in order) and when the current one ends."""

    def __init__(self, context, shared: dict):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, shared), daemon=True)
        self.process.start()
        child.close()
        self.sent: deque[tuple[int, FileTask]] = deque()
        self.deadline: float | None = None

    def send(self, chunk: list[tuple[int, FileTask]], timeout: int) -> None:
        idle = not self.sent
        self.sent.extend(chunk)
        self.connection.send([task for _, task in chunk])
        if idle:
            self.started(timeout)

    def started(self, timeout: int) -> None:
        """The worker is on the next file now: its clock starts."""
        self.deadline = time.monotonic() + timeout + GRACE_SECONDS if timeout and self.sent else None

    def stop(self, now: bool = False) -> None:
        with contextlib.suppress(OSError):
            if not now:
                self.connection.send(None)
        self.process.join(0 if now else 5)
        if self.process.is_alive():
            self.process.kill()  # TerminateProcess on Windows, SIGKILL elsewhere
            self.process.join()
        self.connection.close()


class WatchedPool:
    """``jobs`` workers, each kept one chunk ahead; a worker past its file's limit or dead is
    replaced, its current file gets a row, and its other files are sent again."""

    def __init__(self, jobs: int, shared: dict, timeout: int):
        import multiprocessing

        self.context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        self.shared, self.timeout = shared, timeout
        self.workers = [_Worker(self.context, shared) for _ in range(jobs)]
        self.again: deque[list[tuple[int, FileTask]]] = deque()

    def __enter__(self) -> WatchedPool:
        return self

    def __exit__(self, *exc) -> None:
        for worker in self.workers:
            worker.stop(now=exc[0] is not None)

    def run(self, slim: Iterable[FileTask], size: int) -> Iterator[FileOutcome]:
        """Outcomes in the order of ``slim``, each as soon as it and all before it are done."""
        chunks = _chunks(enumerate(slim), size)
        done: dict[int, FileOutcome] = {}
        following = 0
        while self._feed(chunks, size):
            done.update(self._answers())
            while following in done:
                yield done.pop(following)
                following += 1

    def _feed(self, chunks: Iterator[list], size: int) -> bool:
        """Keep every worker a chunk ahead; False once all files are answered."""
        for worker in self.workers:
            while len(worker.sent) < size and (chunk := self.again.popleft() if self.again else
                                               next(chunks, None)):
                worker.send(chunk, self.timeout)
        return any(worker.sent for worker in self.workers)

    def _answers(self) -> list[tuple[int, FileOutcome]]:
        from multiprocessing.connection import wait

        busy = [worker for worker in self.workers if worker.sent]
        deadlines = [worker.deadline for worker in busy if worker.deadline is not None]
        ready = wait([worker.connection for worker in busy],
                     max(0.0, min(deadlines) - time.monotonic()) if deadlines else None)
        answers = []
        for worker in busy:
            if worker.connection in ready:
                answers.append(self._answer(worker))
            elif worker.deadline is not None and time.monotonic() >= worker.deadline:
                answers.append(self._replace(worker, _timed_out))
        return answers

    def _answer(self, worker: _Worker) -> tuple[int, FileOutcome]:
        try:
            outcome = worker.connection.recv()
        except (EOFError, OSError):  # the worker died (out of memory, killed): its file is named
            return self._replace(worker, _worker_died)
        number, _task = worker.sent.popleft()
        worker.started(self.timeout)
        return number, outcome

    def _replace(self, worker: _Worker, blame) -> tuple[int, FileOutcome]:
        """End ``worker``; its current file gets ``blame``'s row, its other files go to the next."""
        worker.stop(now=True)
        number, task = worker.sent.popleft()
        if worker.sent:
            self.again.append(list(worker.sent))
        self.workers[self.workers.index(worker)] = _Worker(self.context, self.shared)
        return number, blame(task, self.timeout)


def _chunk_size(expected: int, jobs: int) -> int:
    return max(1, min(CHUNK_FILES, expected // (jobs * 4)))  # small enough to balance the load


def _chunks(numbered: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in numbered:
        chunk.append(item)
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


def _blank(task: FileTask) -> FileOutcome:
    return FileOutcome(path=task.display, source=task.source, sha256=task.sha256, size=task.size,
                       received_at=task.received_at, message=task.message)


def _timed_out(task: FileTask, timeout: int) -> FileOutcome:
    outcome = _blank(task)
    outcome.issues.append(issue("FILE_TIMEOUT", f"读取文件 {task.display} 超过 {timeout} 秒，已停止",
                                file=task.display))
    return outcome


def _worker_died(task: FileTask, timeout: int) -> FileOutcome:
    outcome = _blank(task)
    outcome.issues.append(issue("FILE_UNREADABLE", f"文件 {task.display} 无法处理（处理进程意外退出，"
                                                   "可能是内存不足）", file=task.display))
    return outcome
