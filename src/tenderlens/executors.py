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

Two bounds keep one hostile document from stalling or swamping a run:
- a time limit per document (`doc_seconds`): an alarm in the worker stops it and
  the document is recorded as failed; in a worker process a CPU-time limit backs
  the alarm up for native code that never returns to Python (the worker dies, and
  the death path above records the document);
- a bound on bytes in flight (`max_inflight_bytes`): documents wait in the
  collector while the ones sent to workers hold more than that (at least one
  chunk always travels, however large).
"""
from __future__ import annotations

import os
import resource
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from typing import Any

MAX_ATTEMPTS = 2
DOC_SECONDS = 1800.0               # a scanned book OCRs in minutes; past half an hour something is stuck
INFLIGHT_BYTES = 256 << 20

OnCrash = Callable[[Any, str], Any]


Weight = Callable[[Any], int]


class DocumentTimeout(Exception):
    pass


def _raised(e: BaseException) -> str:
    if isinstance(e, DocumentTimeout):
        return str(e)
    return f"worker error: {type(e).__name__}: {e}"


def _weightless(task: Any) -> int:
    return 0


@contextmanager
def time_limit(seconds: float | None, cpu_backstop: bool = False):
    """Raise DocumentTimeout in the block after `seconds` (main thread only: signals go there).

    `cpu_backstop` (worker processes only) also caps the process's CPU time, so native code
    that ignores the alarm gets the process killed instead of running on.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise DocumentTimeout(f"document took over the {seconds:g}-second time limit; not read")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    limits = resource.getrlimit(resource.RLIMIT_CPU)
    if cpu_backstop:
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime)
        soft = spent + int(2 * seconds) + 5
        if limits[1] != resource.RLIM_INFINITY:
            soft = min(soft, limits[1])
        resource.setrlimit(resource.RLIMIT_CPU, (soft, limits[1]))
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if cpu_backstop:
            resource.setrlimit(resource.RLIMIT_CPU, limits)


class SerialExecutor:
    """Everything in this process: for debugging, tests, and one-core machines."""

    workers = 1

    def __init__(self, doc_seconds: float | None = None):
        self.doc_seconds = doc_seconds

    def imap(self, fn: Callable, tasks: Iterable, on_crash: OnCrash, weight: Weight = _weightless) -> Iterator:
        for task in tasks:
            try:
                with time_limit(self.doc_seconds):
                    result = fn(task)
            except Exception as e:
                result = on_crash(task, _raised(e))
            yield result

    def close(self) -> None:
        pass


def run_chunk(fn: Callable, chunk: list, seconds: float | None = None,
              cpu_backstop: bool = False) -> list[tuple[str, Any]]:
    """Runs in a worker: each task's result, or why it raised, so one bad task spares its chunk."""
    out = []
    for task in chunk:
        try:
            with time_limit(seconds, cpu_backstop):
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
    doc_seconds: float | None = None
    max_inflight_bytes: int = INFLIGHT_BYTES
    cpu_backstop = False  # True where each chunk runs in a process of its own pool

    def imap(self, fn: Callable, tasks: Iterable, on_crash: OnCrash, weight: Weight = _weightless) -> Iterator:
        """`weight(task)`: the bytes a task holds, counted against `max_inflight_bytes`."""
        window: deque[tuple[list, int, Any]] = deque()
        it = iter(tasks)
        exhausted = False
        held = 0
        run = partial(run_chunk, fn, seconds=self.doc_seconds, cpu_backstop=self.cpu_backstop)
        while True:
            while not exhausted and len(window) < self.inflight and (not window or held < self.max_inflight_bytes):
                chunk, size = [], 0
                for task in it:
                    chunk.append(task)
                    size += weight(task)
                    if len(chunk) >= self.chunk or held + size >= self.max_inflight_bytes:
                        break
                if not chunk:
                    exhausted = True
                    break
                window.append((chunk, size, self._submit(run, chunk)))
                held += size
            if not window:
                return
            chunk, size, handle = window.popleft()
            held -= size
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

    cpu_backstop = True

    def __init__(self, workers: int | None = None, inflight_per_worker: int = 4, chunk: int = 4,
                 doc_seconds: float | None = None, max_inflight_bytes: int = INFLIGHT_BYTES):
        self.workers = workers or os.cpu_count() or 1
        self.doc_seconds = doc_seconds
        self.max_inflight_bytes = max_inflight_bytes
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
            kind, value = self._wait(self._solo.submit(run_chunk, fn, [task], self.doc_seconds, True))
            if kind == "ok":
                (kind, value), = value
                return value if kind == "ok" else on_crash(task, value)
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


def make_executor(spec: str | None, doc_seconds: float | None = None) -> WindowedExecutor | SerialExecutor:
    """An executor from an --engine value (see ENGINES), with a per-document time limit.

    On Dask the limit holds only where a worker runs tasks in its main thread (it does not by default)."""
    spec = spec or "local"
    if spec == "local":
        return ProcessExecutor(doc_seconds=doc_seconds)
    if spec in ("serial", "local:1"):
        return SerialExecutor(doc_seconds)
    if spec.startswith("local:") and spec[6:].isdigit() and int(spec[6:]) > 0:
        return ProcessExecutor(int(spec[6:]), doc_seconds=doc_seconds)
    if spec.startswith("dask-local:") and spec[11:].isdigit() and int(spec[11:]) > 0:
        from .dask_executor import DaskExecutor  # distributed is a heavy import: only when asked for
        executor = DaskExecutor(local_workers=int(spec[11:]))
    elif spec.startswith("dask://") and len(spec) > 7:
        from .dask_executor import DaskExecutor
        executor = DaskExecutor(address="tcp://" + spec[7:])
    else:
        raise ValueError(f"unknown engine {spec!r}: use {ENGINES}")
    executor.doc_seconds = doc_seconds
    return executor
