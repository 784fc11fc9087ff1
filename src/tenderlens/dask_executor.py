"""The pipeline on a Dask distributed cluster (`--engine dask://host:8786` or `dask-local:N`).

Tasks are submitted to the cluster through a sliding window, so no more than a
few per worker thread are in flight, and results come back in input order to
the one writer in this process. Workers only compute; they never touch the
database (see docs/scaling.md for why results travel back instead of workers
writing Parquet shards).

A worker that dies takes nothing with it: the scheduler reruns the tasks it
held (up to its `allowed-failures`). A chunk that still ends in KilledWorker
held the culprit, or was queued behind it on the same worker each time, so each
of its documents is submitted again on its own: a poison document kills a
worker again and is recorded as failed, its innocent neighbours complete, and
the run goes on.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dask
from distributed import Client, Future, KilledWorker, LocalCluster, as_completed

from .executors import MAX_ATTEMPTS, OnCrash, WindowedExecutor, _raised

# dask-local reruns a task once after its worker dies (the default, 3, spends four
# worker restarts on every poison document before the executor's own check).
LOCAL_SCHEDULER = {"distributed.scheduler.allowed-failures": 1}


class DaskExecutor(WindowedExecutor):
    def __init__(self, address: str | None = None, local_workers: int | None = None,
                 chunk: int = 16, inflight_per_worker: int = 3, connect_timeout: float = 30.0):
        self._cluster = None
        if local_workers:
            with dask.config.set(LOCAL_SCHEDULER):
                self._cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout=connect_timeout)
                self._client.wait_for_workers(1, timeout=connect_timeout)
            except (OSError, TimeoutError) as e:
                raise ValueError(f"cannot reach a Dask scheduler with workers at {address}: {e}") from e
        self.workers = sum(self._client.nthreads().values())
        # A task costs the scheduler about a millisecond wherever it runs: documents travel
        # in chunks so that cost stays small beside extraction's.
        self.chunk = chunk
        self.inflight = max(self.workers, 1) * inflight_per_worker
        # Results are fetched in the background as tasks finish, not one round trip per
        # document when the writer asks for it; they wait here for their turn.
        self._finished = as_completed(with_results=True, raise_errors=False, loop=self._client.loop)
        self._results: dict[str, tuple[str, Any]] = {}

    def _submit(self, fn: Callable, task: Any) -> Future:
        fut = self._client.submit(fn, task, pure=False)
        self._finished.add(fut)
        return fut

    def _wait(self, fut: Future) -> tuple[str, Any]:
        while fut.key not in self._results:
            done, result = next(self._finished)
            self._results[done.key] = (done.status, result)
        status, result = self._results.pop(fut.key)
        if status == "cancelled":  # by the scheduler going away: the run cannot go on
            raise RuntimeError(f"Dask task {fut.key} was cancelled: {result}")
        # An error comes as (type, exception, traceback). Any other status ("lost" when the
        # worker that held a result died after we fetched it) still came with the result.
        if status == "error" and isinstance(result, tuple) and len(result) == 3 and isinstance(result[1], Exception):
            if isinstance(result[1], KilledWorker):
                return "died", "Dask workers died running this document"
            return "raised", _raised(result[1])
        return "ok", result

    def _after_death(self, fn: Callable, task: Any, on_crash: OnCrash, reason: str) -> Any:
        for _ in range(MAX_ATTEMPTS - 1):
            kind, value = self._wait(self._submit(fn, task))
            if kind == "ok":
                return value
            if kind == "raised":
                return on_crash(task, value)
        return on_crash(task, f"{reason}, again when it ran alone")

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
