"""Ingest: collect -> extract -> analyse -> store, resumable and idempotent.

The calling process walks the inputs, hashes each document and skips the ones
the store already holds (adding the new source). Unknown documents go to the
executor's workers for extraction and analysis; results come back in order to this process,
the only writer, which commits them in batches. A document is written with its
pages, index rows and facts in one transaction, so after a kill -9 a rerun finds each
document either complete or absent, never half there.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

from . import __version__, codebook
from .collect import Limits, iter_raw
from .executors import SerialExecutor
from .extract import doc_id, extract_document
from .analyze import analyze
from .model import FAILED, NEEDS_OCR, Document, Fact, RawDoc
from .ocr import OcrSettings
from .store import Store, StoreError, sidecar
from .store.rows import Prepared, prepare


@dataclass
class IngestResult:
    run_id: int
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return self.counts[FAILED]


def process(task: tuple[RawDoc, str], codebook_path: str | None = None,
            ocr: OcrSettings | None = None) -> tuple[Document, list[Fact], Prepared]:
    """The worker's job for one document (runs in a worker process): extract (OCR included), analyse,
    and prepare the rows the writer will insert.

    A scanned document's pages are read one after another in its worker: documents,
    not pages, are spread over the cores, so each core runs one single-threaded
    Tesseract and nothing is oversubscribed.
    """
    raw, id = task
    doc = extract_document(raw, id, ocr)
    facts = analyze_safely(doc, codebook.load(codebook_path))
    return doc, facts, prepare(doc, facts if doc.status != FAILED else None)


def analyze_safely(doc: Document, book: codebook.Codebook) -> list[Fact]:
    """Facts of a readable document; an analysis bug costs that document its facts, noted in its meta."""
    if doc.status == FAILED:
        return []
    try:
        return analyze(doc, book)
    except Exception as e:  # one document that trips analysis must not stop the batch
        doc.meta["analysis_error"] = f"{type(e).__name__}: {e}"
        return []


def _crashed(task: tuple[RawDoc, str], reason: str) -> tuple[Document, list[Fact], Prepared]:
    raw, id = task
    doc = Document(id, "unknown", "", len(raw.data), status=FAILED, error=reason)
    return doc, [], prepare(doc, None)


def _bytes_of(task: tuple[RawDoc, str]) -> int:
    return len(task[0].data)


def ingest(paths: Iterable[str], store: Store, executor=None, limits: Limits = Limits(),
           retry_failed: bool = False, batch_docs: int = 200, batch_seconds: float = 2.0,
           on_document: Callable[[Document], None] | None = None,
           codebook_path: str | None = None, ocr: OcrSettings | None = None,
           follow_links: bool = False) -> IngestResult:
    executor = executor or SerialExecutor()
    book = codebook.load(codebook_path)  # here too, so a broken codebook stops the run before any work
    result = IngestResult(store.start_run("ingest", __version__, book.version))
    counts = result.counts
    in_flight: dict[str, list[tuple[str, bytes | None]]] = {}
    retried: set[str] = set()
    t0 = time.perf_counter()

    own_files = frozenset(os.path.abspath(store.path) + suffix for suffix in ("", "-wal", "-shm", "-journal", ".lock"))

    def tasks() -> Iterator[tuple[RawDoc, str]]:
        for raw in iter_raw(paths, limits, skip=own_files, follow_links=follow_links):
            counts["seen"] += 1
            id = doc_id(raw)
            source = (raw.source, raw.raw_source)
            if id in in_flight:  # the same bytes twice in one run: one document, two sources
                in_flight[id].append(source)
                continue
            status = store.status_of(id)
            again = (retry_failed and status == FAILED) or (ocr and ocr.active and status == NEEDS_OCR)
            if status is not None and not again:
                store.begin()
                store.add_source(id, *source)
                counts["already_stored"] += 1
                continue
            if status is not None:
                retried.add(id)
            in_flight[id] = [source]
            yield raw, id

    pending = 0
    last_commit = time.monotonic()
    status = "interrupted"
    try:
        for doc, facts, prepared in executor.imap(partial(process, codebook_path=codebook_path, ocr=ocr), tasks(),
                                                  _crashed, weight=_bytes_of):
            store.begin()
            analysed = doc.status != FAILED
            store.write_document(doc, in_flight.pop(doc.id), replace=doc.id in retried,
                                 facts=facts if analysed else None, codebook_version=book.version,
                                 prepared=prepared)
            if analysed:
                counts["facts"] += len(facts)
                counts["analysis_failed"] += "analysis_error" in doc.meta
            counts[doc.status] += 1
            pending += 1
            if on_document:
                on_document(doc)
            if pending >= batch_docs or time.monotonic() - last_commit > batch_seconds:
                store.commit()
                sidecar.sync(store)  # the batch goes to the search sidecar too, when the store has one
                pending, last_commit = 0, time.monotonic()
        status = "completed"
    finally:
        # Whole documents already written are kept, even on Ctrl-C.
        result.seconds = time.perf_counter() - t0
        try:
            store.commit()
            store.finish_run(result.run_id, status, dict(counts))
        except StoreError:
            if status == "completed":
                raise
            # The run already failed (a full disk, say): that error goes up, not this echo of it.
    sidecar.sync(store)
    return result
