"""Where stage functions run: in this process, on every core, or on a Dask cluster.

An executor maps a picklable function over a stream of tasks and yields results
in input order, holding only a bounded number of tasks in flight, so memory does
not grow with the corpus. Workers only compute; the single writer in the calling
process owns the database.

Two things can go wrong with a task, and `on_crash(task, reason)` turns either
into a recorded failure so the run goes on:
- the function raises (a bug meeting odd input): deterministic, so not retried;
- the worker process dies (a segfault in a PDF library, the OOM killer). Its
  neighbours in flight were not at fault, so no task is charged for a crash it
  may not have caused: each is run again where it is the only suspect, and only
  a task that kills a worker there MAX_ATTEMPTS times is given up on.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from itertools import islice
from typing import Any

MAX_ATTEMPTS = 2

OnCrash = Callable[[Any, str], Any]


def _raised(e: BaseException) -> str:
    return f"worker error: {type(e).__name__}: {e}"


class SerialExecutor:
    """Everything in this process: for debugging, tests, and one-core machines."""

    workers = 1

    def imap(self, fn: Callable, tasks: Iterable, on_crash: OnCrash) -> Iterator:
        for task in tasks:
            try:
                result = fn(task)
            except Exception as e:
                result = on_crash(task, _raised(e))
            yield result

    def close(self) -> None:
        pass


def run_chunk(fn: Callable, chunk: list) -> list[tuple[str, Any]]:
    """Runs in a worker: each task's result, or why it raised, so one bad task spares its chunk."""
    out = []
    for task in chunk:
        try:
            out.append(("ok", fn(task)))
        except Exception as e:
            out.append(("raised", _raised(e)))
    return out


class WindowedExecutor:
    """Ordered results from a bounded window of submitted chunks of tasks; subclasses say how to submit and wait.

    Tasks travel in chunks of `chunk` to spread an engine's cost per submission.
    `_wait(handle)` returns ("ok", result), ("raised", reason) or ("died", reason);
    `_after_death(fn, task, on_crash, reason)` decides what each task of a chunk whose worker died becomes.
    """

    inflight: int  # chunks
    chunk: int = 1

    def imap(self, fn: Callable, tasks: Iterable, on_crash: OnCrash) -> Iterator:
        window: deque[tuple[list, Any]] = deque()
        it = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(window) < self.inflight:
                chunk = list(islice(it, self.chunk))
                if not chunk:
                    exhausted = True
                    break
                window.append((chunk, self._submit(partial(run_chunk, fn), chunk)))
            if not window:
                return
            chunk, handle = window.popleft()
            kind, value = self._wait(handle)
            if kind == "ok":
                for task, (outcome, result) in zip(chunk, value):
                    yield result if outcome == "ok" else on_crash(task, result)
            elif kind == "raised":
                for task in chunk:
                    yield on_crash(task, value)
            else:
                for task in chunk:
                    yield self._after_death(fn, task, on_crash, value)

    def _submit(self, fn: Callable, task: Any) -> Any:
        raise NotImplementedError

    def _wait(self, handle: Any) -> tuple[str, Any]:
        raise NotImplementedError

    def _after_death(self, fn: Callable, task: Any, on_crash: OnCrash, reason: str) -> Any:
        raise NotImplementedError


class ProcessExecutor(WindowedExecutor):
    """A pool of worker processes, one per core by default.

    When one worker dies the whole pool breaks and every task in flight fails
    with it, so the culprit is unknown. Each of those tasks is then run alone in
    a one-process pool beside the main one (which carries on with new tasks):
    there a death can only be that task's doing.
    """

    def __init__(self, workers: int | None = None, inflight_per_worker: int = 4, chunk: int = 4):
        self.workers = workers or os.cpu_count() or 1
        self.inflight = self.workers * inflight_per_worker
        self.chunk = chunk  # each submission costs the writer's process a pipe write and a wake-up
        self._pool: ProcessPoolExecutor | None = None
        self._solo: ProcessPoolExecutor | None = None

    def _submit(self, fn: Callable, task: Any) -> Future:
        if self._pool is not None:
            try:
                return self._pool.submit(fn, task)
            except BrokenProcessPool:  # a task in flight killed a worker; this one never ran there
                self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = ProcessPoolExecutor(self.workers, initializer=_limit_threads)
        return self._pool.submit(fn, task)

    def _wait(self, fut: Future) -> tuple[str, Any]:
        try:
            return "ok", fut.result()
        except BrokenProcessPool as e:
            return "died", f"worker process died: {e}"
        except Exception as e:
            return "raised", _raised(e)

    def _after_death(self, fn: Callable, task: Any, on_crash: OnCrash, reason: str) -> Any:
        for _ in range(MAX_ATTEMPTS):
            if self._solo is None:
                self._solo = ProcessPoolExecutor(1, initializer=_limit_threads)
            kind, value = self._wait(self._solo.submit(fn, task))
            if kind == "ok":
                return value
            if kind == "raised":
                return on_crash(task, value)
            self._solo.shutdown(wait=False, cancel_futures=True)
            self._solo = None
        return on_crash(task, f"worker process died {MAX_ATTEMPTS} times running this document alone")

    def close(self) -> None:
        for pool in (self._pool, self._solo):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._solo = None


def _limit_threads() -> None:
    # One busy thread per process: native libraries (Tesseract's OpenMP, BLAS)
    # fighting over cores slows everything down.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


ENGINES = "local (all cores), local:N, serial, dask-local:N, or dask://HOST:PORT"


def make_executor(spec: str | None) -> WindowedExecutor | SerialExecutor:
    """An executor from an --engine value (see ENGINES)."""
    spec = spec or "local"
    if spec == "local":
        return ProcessExecutor()
    if spec in ("serial", "local:1"):
        return SerialExecutor()
    if spec.startswith("local:") and spec[6:].isdigit() and int(spec[6:]) > 0:
        return ProcessExecutor(int(spec[6:]))
    if spec.startswith("dask-local:") and spec[11:].isdigit() and int(spec[11:]) > 0:
        from .dask_executor import DaskExecutor  # distributed is a heavy import: only when asked for
        return DaskExecutor(local_workers=int(spec[11:]))
    if spec.startswith("dask://") and len(spec) > 7:
        from .dask_executor import DaskExecutor
        return DaskExecutor(address="tcp://" + spec[7:])
    raise ValueError(f"unknown engine {spec!r}: use {ENGINES}")
