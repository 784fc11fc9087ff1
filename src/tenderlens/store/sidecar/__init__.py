"""An optional Tantivy index beside the SQLite store, for search and facet counts on large stores.

Why: on a store of hundreds of thousands of notices, a common keyword (监) matches
tens of thousands of pages, and SQLite spends its time ranking all of them, grouping
them into documents and counting facets per document (docs/scaling.md). Tantivy holds
one entry per document (the bigram index text of all its pages, fts.index_text, and
the facet values as fast fields, index.py), so the search page takes its total, the
documents it shows and every facet count from one search and one aggregation
(page.py), and reads SQLite for the 20 documents shown only.

SQLite stays the store of record: the sidecar (`<db>.tantivy/`) is rebuilt from it
alone (`tenderlens index --rebuild`). Queries are translated from store/fts.py's
FTS5 expression into Tantivy's Query API, never through Tantivy's query parser
(which mistranslates Chinese terms); a 1-character query is expanded into the
terms it prefixes, so it is ranked, not scored as a constant.

Consistency: triggers in the store mark every document whose pages or summary
change (`sidecar_dirty`), in the same transaction as the change. `sync` re-indexes
the marked documents and commits Tantivy with a new generation number, then clears
the marks and writes the same generation into the store's `meta`. A kill between
the two commits leaves the marks and a generation one ahead in Tantivy: `open` on a
writable store sees it and re-indexes the marked documents again; a read-only
reader sees the sidecar is not current and searches SQLite instead. Stale facets
are never served.

Tantivy 0.27 traps, guarded in index.py: deleting by term on an unsigned field deletes
nothing (documents are deleted by their text id term); an int passed to an
unsigned field through the Document constructor kills the writer (add_unsigned is
used); search(limit=0) raises (limits are at least 1).
"""
from __future__ import annotations

import os
import shutil

from .index import Sidecar
from .page import Answer, answer
from .translate import Node, SidecarError, page_independent, parse_match

__all__ = ["Answer", "Node", "Sidecar", "SidecarError", "exists", "matching_pages", "open_current", "page",
           "page_independent", "parse_match", "path_of", "rebuild", "state", "sync"]

# Below this many documents SQLite answers the /search page within 50 ms (docs/scaling.md), so
# `tenderlens index` builds no sidecar unless forced.
MIN_DOCUMENTS = 20_000

TRIGGERS = {
    "sidecar_pages_in": "AFTER INSERT ON pages BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (new.doc_id); END",
    "sidecar_pages_out": "AFTER DELETE ON pages BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (old.doc_id); END",
    "sidecar_summary_in": "AFTER INSERT ON doc_summary BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (new.doc_id); END",
    "sidecar_summary_up": "AFTER UPDATE ON doc_summary BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (new.doc_id); END",
    "sidecar_summary_out": "AFTER DELETE ON doc_summary BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (old.doc_id); END",
    "sidecar_docs_out": "AFTER DELETE ON documents BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (old.id); END",
}


def path_of(store) -> str:
    return store.path + ".tantivy"


# -- the store side ----------------------------------------------------------
def _store_generation(store) -> int:
    row = store.db.execute("SELECT value FROM meta WHERE key = 'sidecar_generation'").fetchone()
    return int(row[0]) if row else -1


def _dirty(store) -> list[str]:
    present = store.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sidecar_dirty'").fetchone()
    return [r[0] for r in store.db.execute("SELECT doc_id FROM sidecar_dirty")] if present else []


def exists(store) -> bool:
    return os.path.isdir(path_of(store)) and _store_generation(store) >= 0


def rebuild(store) -> Sidecar:
    """Build the sidecar from the store alone, replacing any there, and start tracking changes."""
    store.commit()
    path = path_of(store)
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)
    store.begin()
    store.db.execute("CREATE TABLE IF NOT EXISTS sidecar_dirty (doc_id TEXT PRIMARY KEY)")
    for name, body in TRIGGERS.items():
        store.db.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
    store.db.execute("DELETE FROM sidecar_dirty")
    generation = _store_generation(store) + 1
    store.db.execute("INSERT OR REPLACE INTO meta VALUES ('sidecar_generation', '-1')")
    store.commit()
    sidecar = Sidecar(path)
    sidecar.write(store, None, generation)
    _settle(store, [], generation)
    return sidecar


def _settle(store, done: list[str], generation: int) -> None:
    store.begin()
    store.db.executemany("DELETE FROM sidecar_dirty WHERE doc_id = ?", [(d,) for d in done])
    store.db.execute("INSERT OR REPLACE INTO meta VALUES ('sidecar_generation', ?)", (str(generation),))
    store.commit()


def _open(path: str) -> Sidecar | None:
    """The sidecar at `path`, or None when an older tenderlens built it with another schema (rebuild it)."""
    try:
        return Sidecar(path)
    except ValueError:
        return None


def sync(store, sidecar: Sidecar | None = None) -> Sidecar | None:
    """Bring the sidecar up to the store (after a batch commit, or on open): index the marked documents."""
    if not exists(store):
        return None
    sidecar = sidecar or _open(path_of(store))
    if sidecar is None:
        return rebuild(store)
    ours, theirs = _store_generation(store), sidecar.generation()
    if theirs not in (ours, ours + 1):  # not the pair one commit apart: rebuilt elsewhere, or restored
        return rebuild(store)
    dirty = _dirty(store)
    if dirty or theirs != ours:
        generation = max(ours, theirs) + 1
        sidecar.write(store, dirty, generation)
        _settle(store, dirty, generation)
    return sidecar


_opened: dict[str, Sidecar] = {}


def open_current(store) -> Sidecar | None:
    """The sidecar when it answers exactly what the store holds; on a writable store, repaired first.

    None when there is none, or when a read-only store shows it behind (SQLite answers then).
    Checked on every call (two small reads): another process may have written the store since."""
    if not exists(store):
        return None
    path = path_of(store)
    if path not in _opened:
        if (opened := _open(path)) is None:
            return None if store.readonly else rebuild(store)
        _opened[path] = opened
    sidecar = _opened[path]
    if not store.readonly:
        return sync(store, sidecar)
    if sidecar.generation() == _store_generation(store) and not _dirty(store):
        return sidecar
    return None


def page(store, match: str, filters: list[tuple[str, str]], sort: str, offset: int, limit: int) -> Answer | None:
    """The search page from the sidecar (total, shown documents, facet counts, totals per currency), or None
    when the sidecar is not current or `match` needs pages (the caller then asks SQLite).

    `filters`: (kind, value) pairs of index.VALUES every document must hold; the caller passes
    only filters these kinds decide exactly."""
    if not (sidecar := open_current(store)) or not page_independent(parse_match(match)):
        return None
    try:
        return answer(sidecar, match, filters, sort, offset, limit)
    except ValueError:  # more facet values among the matches than one aggregation may count (page.BUCKETS)
        return None


def matching_pages(store, doc_id: str, terms: list[str]) -> dict:
    """{"page", "pages"} of a document found by the sidecar: the pages holding a query term, first one shown."""
    from ..search import term_pattern
    patterns = [term_pattern(t) for t in terms]
    pages = [n for n, text in store.db.execute("SELECT n, text FROM pages WHERE doc_id = ? ORDER BY n", (doc_id,))
             if any(p.search(text or "") for p in patterns)]
    return {"page": pages[0] if pages else None, "pages": ",".join(map(str, pages)) or None}


def state(store) -> dict:
    """What `tenderlens index` reports: where the sidecar is, its generation, size and whether it is current."""
    path = path_of(store)
    if not exists(store):
        return {"present": False, "path": path}
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)
    if (sidecar := _open(path)) is None:
        return {"present": True, "path": path, "generation": None, "bytes": size, "indexed": 0, "current": False}
    generation = sidecar.generation()
    return {"present": True, "path": path, "generation": generation, "bytes": size,
            "indexed": sidecar.index.searcher().num_docs - 1,  # less the generation entry
            "current": generation == _store_generation(store) and not _dirty(store)}
