"""Re-analysis: the stored page text through the current codebook again, without extraction.

Workers read documents from the database through their own read-only connection
(SQLite's WAL lets readers run beside the writer) and return facts; this process,
the only writer, replaces each document's facts of that codebook version and
commits in batches. Run twice, it leaves the same facts.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from . import __version__, codebook
from .executors import SerialExecutor
from .model import Fact
from .pipeline import analyze_safely
from .store import Store, sidecar

_readers: dict[str, Store] = {}


@dataclass
class ReanalysisResult:
    run_id: int
    codebook_version: str
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (doc id, reason)


def _analyse_stored(doc_id: str, db_path: str, codebook_path: str | None) -> tuple[str, list[Fact], str | None]:
    """A worker's job: one stored document's facts, and the reason when analysis failed."""
    store = _readers.get(db_path)
    if store is None:
        store = _readers[db_path] = Store(db_path, readonly=True)
    doc = store.load_document(doc_id)
    if doc is None:
        return doc_id, [], "document vanished from the store"
    facts = analyze_safely(doc, codebook.load(codebook_path))
    return doc_id, facts, doc.meta.get("analysis_error")


def _unreadable(doc_id: str, reason: str) -> tuple[str, list[Fact], str]:
    return doc_id, [], reason


def reanalyze(store: Store, executor=None, codebook_path: str | None = None, batch_docs: int = 200,
              on_document: Callable[[str], None] | None = None) -> ReanalysisResult:
    """Replace the facts of this codebook version for every readable document in the store."""
    executor = executor or SerialExecutor()
    book = codebook.load(codebook_path)
    ids = [r[0] for r in store.db.execute("SELECT id FROM documents WHERE status != 'failed' ORDER BY id")]
    result = ReanalysisResult(store.start_run("analyze", __version__, book.version), book.version)
    counts = result.counts
    status = "interrupted"
    job = partial(_analyse_stored, db_path=store.path, codebook_path=codebook_path)
    try:
        for i, (doc_id, facts, error) in enumerate(executor.imap(job, ids, _unreadable), 1):
            store.begin()
            store.replace_facts(doc_id, book.version, facts)
            counts["documents"] += 1
            counts["facts"] += len(facts)
            if error is not None:
                counts["analysis_failed"] += 1
                result.failures.append((doc_id, error))
            if i % batch_docs == 0:
                store.commit()
                sidecar.sync(store)  # new facets reach the search sidecar batch by batch
            if on_document:
                on_document(doc_id)
        status = "completed"
    finally:
        store.commit()
        store.finish_run(result.run_id, status, dict(counts))
    sidecar.sync(store)
    return result
