"""Ingest: collect -> extract -> store, resumable and idempotent.

The calling process walks the inputs, hashes each document and skips the ones
the store already holds (adding the new source). Unknown documents go to the
executor's workers for extraction; results come back in order to this process,
the only writer, which commits them in batches. A document is written with its
pages and index rows in one transaction, so after a kill -9 a rerun finds each
document either complete or absent, never half there.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from . import __version__
from .collect import Limits, iter_raw
from .executors import SerialExecutor
from .extract import doc_id, extract_document
from .model import FAILED, Document, RawDoc
from .store import Store


@dataclass
class IngestResult:
    run_id: int
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return self.counts[FAILED]


def process(task: tuple[RawDoc, str]) -> Document:
    """The worker's job for one document (runs in a worker process)."""
    raw, id = task
    return extract_document(raw, id)


def _crashed(task: tuple[RawDoc, str], reason: str) -> Document:
    raw, id = task
    return Document(id, "unknown", "", len(raw.data), status=FAILED, error=reason)


def ingest(paths: Iterable[str], store: Store, executor=None, limits: Limits = Limits(),
           retry_failed: bool = False, batch_docs: int = 200, batch_seconds: float = 2.0,
           on_document: Callable[[Document], None] | None = None) -> IngestResult:
    executor = executor or SerialExecutor()
    store.db.execute("UPDATE runs SET status='interrupted' WHERE status='running'")
    result = IngestResult(store.start_run("ingest", __version__))
    counts = result.counts
    in_flight: dict[str, list[str]] = {}
    retried: set[str] = set()
    t0 = time.perf_counter()

    own_files = frozenset(os.path.abspath(store.path) + suffix for suffix in ("", "-wal", "-shm", "-journal"))

    def tasks() -> Iterator[tuple[RawDoc, str]]:
        for raw in iter_raw(paths, limits, skip=own_files):
            counts["seen"] += 1
            id = doc_id(raw)
            if id in in_flight:  # the same bytes twice in one run: one document, two sources
                in_flight[id].append(raw.source)
                continue
            status = store.status_of(id)
            if status is not None and not (retry_failed and status == FAILED):
                store.begin()
                store.add_source(id, raw.source)
                counts["already_stored"] += 1
                continue
            if status is not None:
                retried.add(id)
            in_flight[id] = [raw.source]
            yield raw, id

    pending = 0
    last_commit = time.monotonic()
    status = "interrupted"
    try:
        for doc in executor.imap(process, tasks(), _crashed):
            store.begin()
            store.write_document(doc, in_flight.pop(doc.id), replace=doc.id in retried)
            counts[doc.status] += 1
            pending += 1
            if on_document:
                on_document(doc)
            if pending >= batch_docs or time.monotonic() - last_commit > batch_seconds:
                store.commit()
                pending, last_commit = 0, time.monotonic()
        status = "completed"
    finally:
        # Whole documents already written are kept, even on Ctrl-C.
        store.commit()
        result.seconds = time.perf_counter() - t0
        store.finish_run(result.run_id, status, dict(counts))
    return result
