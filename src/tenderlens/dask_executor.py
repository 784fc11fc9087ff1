"""The pipeline on a Dask distributed cluster (`--engine dask://host:8786` or `dask-local:N`).

Tasks are submitted to the cluster through a sliding window, so no more than a
few per worker thread are in flight, and results come back in input order to
the one writer in this process. Workers only compute; they never touch the
database (see docs/scaling.md for why results travel back instead of workers
writing Parquet shards).

A worker that dies takes nothing with it: the scheduler reruns the tasks it
held (up to its `allowed-failures`). A task that still ends in KilledWorker is
run once more on its own; if it kills a worker again it is a poison document,
recorded as failed, and the run goes on. With one thread per worker and a
worker-saturation of 1.0 (what dask-local sets, and what docs/scaling.md asks
of a cluster) a worker holds one task at a time, so only the culprit is
charged when a worker dies.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dask
from distributed import Client, Future, KilledWorker, LocalCluster

from .executors import MAX_ATTEMPTS, OnCrash, WindowedExecutor, _raised

# Scheduler settings for dask-local: retry a task once after its worker dies, and
# give each single-threaded worker one task at a time so a death names its culprit.
LOCAL_SCHEDULER = {
    "distributed.scheduler.allowed-failures": 1,
    "distributed.scheduler.worker-saturation": 1.0,
}


class DaskExecutor(WindowedExecutor):
    def __init__(self, address: str | None = None, local_workers: int | None = None,
                 inflight_per_worker: int = 4, connect_timeout: float = 30.0):
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
        self.inflight = max(self.workers, 1) * inflight_per_worker

    def _submit(self, fn: Callable, task: Any) -> Future:
        return self._client.submit(fn, task, pure=False)

    def _wait(self, fut: Future) -> tuple[str, Any]:
        try:
            return "ok", fut.result()
        except KilledWorker:
            return "died", "Dask workers died running this document"
        except Exception as e:
            if fut.status != "error":  # cancelled or lost with the scheduler: the run cannot go on
                raise
            return "raised", _raised(e)

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
