"""Where stage functions run: in this process, or on every core.

An executor maps a picklable function over a stream of tasks and yields results
in input order, holding only a bounded number of tasks in flight, so memory does
not grow with the corpus. Workers only compute; the single writer in the calling
process owns the database.

A task whose worker process dies (a segfault in a PDF library, the OOM killer)
is retried once on a fresh pool; if it kills a worker again it is handed to
`on_crash`, which turns it into a recorded failure, and the run goes on.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

MAX_ATTEMPTS = 2


class SerialExecutor:
    """Everything in this process: for debugging, tests, and one-core machines."""

    workers = 1

    def imap(self, fn: Callable, tasks: Iterable, on_crash: Callable[[Any, str], Any]) -> Iterator:
        for task in tasks:
            yield fn(task)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """A pool of worker processes, one per core by default."""

    def __init__(self, workers: int | None = None, inflight_per_worker: int = 4):
        self.workers = workers or os.cpu_count() or 1
        self.inflight = self.workers * inflight_per_worker
        self._pool: ProcessPoolExecutor | None = None

    def _fresh_pool(self) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = ProcessPoolExecutor(self.workers, initializer=_limit_threads)
        return self._pool

    def imap(self, fn: Callable, tasks: Iterable, on_crash: Callable[[Any, str], Any]) -> Iterator:
        pool = self._pool or self._fresh_pool()
        queue: deque[list] = deque()  # [task, future, attempts]
        it = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(queue) < self.inflight:
                try:
                    task = next(it)
                except StopIteration:
                    exhausted = True
                    break
                queue.append([task, pool.submit(fn, task), 1])
            if not queue:
                return
            task, fut, attempts = queue[0]
            try:
                result = fut.result()
            except BrokenProcessPool:
                pool = self._fresh_pool()
                # The culprit is unknown: every task in flight is retried, and the
                # head of the queue, which was running, counts an attempt.
                queue[0][2] += 1
                for entry in queue:
                    finished = entry[1].done() and entry[1].exception() is None
                    if not finished and entry[2] <= MAX_ATTEMPTS:
                        entry[1] = pool.submit(fn, entry[0])
                if queue[0][2] > MAX_ATTEMPTS:
                    queue.popleft()
                    yield on_crash(task, f"worker process died {MAX_ATTEMPTS} times on this document")
                continue
            queue.popleft()
            yield result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _limit_threads() -> None:
    # One busy thread per process: native libraries (Tesseract's OpenMP, BLAS)
    # fighting over cores slows everything down.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def make_executor(spec: str | None) -> SerialExecutor | ProcessExecutor:
    """`serial`, `local` (all cores) or `local:N`."""
    if spec in (None, "", "local"):
        return ProcessExecutor()
    if spec == "serial" or spec == "local:1":
        return SerialExecutor()
    if spec.startswith("local:") and spec[6:].isdigit():
        return ProcessExecutor(int(spec[6:]))
    raise ValueError(f"unknown engine {spec!r}: use local, local:N or serial")
