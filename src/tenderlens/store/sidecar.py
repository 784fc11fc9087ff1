"""An optional Tantivy index beside the SQLite store, for search and facet counts on large stores.

Why: on a store of hundreds of thousands of notices, a common keyword (监) matches
tens of thousands of pages, and SQLite spends its time ranking all of them, grouping
them into documents and counting facets per document (docs/scaling.md). Tantivy holds
one entry per document (the bigram index text of all its pages, fts.index_text, and
its facet tokens, facet_tokens.py), so totals and facet counts are document counts
read from its term dictionary, not from a join.

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

Tantivy 0.27 traps, guarded here: deleting by term on an unsigned field deletes
nothing (documents are deleted by their text id term); an int passed to an
unsigned field through the Document constructor kills the writer (add_unsigned is
used); search(limit=0) raises (limits are at least 1).
"""
from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass

import tantivy

from .fts import index_text

# Below this many documents SQLite answers the /search page within 50 ms (docs/scaling.md), so
# `tenderlens index` builds no sidecar unless forced.
MIN_DOCUMENTS = 20_000
ANALYZER = "tenderlens"
META_ID = "\x00meta"   # the one entry holding the generation, replaced in the same commit as the documents
BATCH = 2_000
WRITER_HEAP = 128_000_000

TRIGGERS = {
    "sidecar_pages_in": "AFTER INSERT ON pages BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (new.doc_id); END",
    "sidecar_pages_out": "AFTER DELETE ON pages BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (old.doc_id); END",
    "sidecar_summary_in": "AFTER INSERT ON doc_summary BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (new.doc_id); END",
    "sidecar_summary_up": "AFTER UPDATE ON doc_summary BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (new.doc_id); END",
    "sidecar_summary_out": "AFTER DELETE ON doc_summary BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (old.doc_id); END",
    "sidecar_docs_out": "AFTER DELETE ON documents BEGIN INSERT OR IGNORE INTO sidecar_dirty VALUES (old.id); END",
}


class SidecarError(Exception):
    pass


def path_of(store) -> str:
    return store.path + ".tantivy"


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("id", stored=False, tokenizer_name="raw", index_option="basic")
    b.add_unsigned_field("rowid", stored=False, indexed=False, fast=True)
    b.add_unsigned_field("generation", stored=True, indexed=False)
    b.add_text_field("body", stored=False, tokenizer_name=ANALYZER, index_option="position")
    b.add_text_field("facets", stored=False, tokenizer_name="whitespace", index_option="basic")
    return b.build()


def _analyzer() -> tantivy.TextAnalyzer:
    # unicode61 remove_diacritics 2, as FTS5 reads the same text: words of letters and digits, case- and accent-folded.
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold()).build())


# -- query translation -------------------------------------------------------
_TOKEN = re.compile(r'\s*(?:"((?:[^"]|"")*)"|(\()|(\))|(\*)|(AND|OR|NOT)\b)')


@dataclass
class Node:
    op: str                     # "phrase", "prefix", "and", "or", "not"
    words: tuple[str, ...] = ()
    kids: tuple["Node", ...] = ()


def parse_match(match: str) -> Node:
    """store/fts.py's FTS5 expression as a tree (NOT binds tightest, then AND, then OR, as in FTS5)."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(match.rstrip()):
        m = _TOKEN.match(match, pos)
        if not m:
            raise SidecarError(f"cannot translate {match!r} at {pos}")
        pos = m.end()
        if m.group(1) is not None:
            tokens.append(("str", m.group(1).replace('""', '"')))
        else:
            tokens.append((m.group(0).strip(), ""))
    k = 0

    def peek() -> str:
        return tokens[k][0] if k < len(tokens) else ""

    def take(kind: str) -> str:
        nonlocal k
        if peek() != kind:
            raise SidecarError(f"cannot translate {match!r}: expected {kind}")
        k += 1
        return tokens[k - 1][1]

    def atom() -> Node:
        if peek() == "(":
            take("(")
            node = disjunction()
            take(")")
            return node
        text = take("str")
        if peek() == "*":
            take("*")
            return Node("prefix", (text,))
        return Node("phrase", tuple(text.split()))

    def negation() -> Node:
        node = atom()
        while peek() == "NOT":
            take("NOT")
            node = Node("not", kids=(node, atom()))
        return node

    def conjunction() -> Node:
        kids = [negation()]
        while peek() == "AND":
            take("AND")
            kids.append(negation())
        return kids[0] if len(kids) == 1 else Node("and", kids=tuple(kids))

    def disjunction() -> Node:
        kids = [conjunction()]
        while peek() == "OR":
            take("OR")
            kids.append(conjunction())
        return kids[0] if len(kids) == 1 else Node("or", kids=tuple(kids))

    node = disjunction()
    if k != len(tokens):
        raise SidecarError(f"cannot translate {match!r}: trailing {tokens[k:]}")
    return node


def page_independent(node: Node) -> bool:
    """True when a document matches exactly when one of its pages does: phrases and ORs of them.

    FTS5 matches pages; the sidecar matches documents. `a b` or `a -b` tested on a whole
    document can differ from the same test page by page, so such queries stay with SQLite."""
    return node.op in ("phrase", "prefix") or (node.op == "or" and all(page_independent(n) for n in node.kids))


# -- the index ---------------------------------------------------------------
class Sidecar:
    def __init__(self, path: str):
        self.path = path
        self.index = tantivy.Index(_schema(), path=path, reuse=True)
        self.index.register_tokenizer(ANALYZER, _analyzer())
        self.schema = self.index.schema
        self._analyzer = _analyzer()

    # reads
    def generation(self) -> int:
        self.index.reload()
        searcher = self.index.searcher()
        hits = searcher.search(tantivy.Query.term_query(self.schema, "id", META_ID), limit=1).hits
        return int(searcher.doc(hits[0][1])["generation"][0]) if hits else 0

    def _words(self, pieces: Iterable[str]) -> list[str]:
        return [w for p in pieces for w in self._analyzer.analyze(p)]

    def query(self, node: Node) -> tantivy.Query:
        Q = tantivy.Query
        if node.op == "prefix":
            # FTS5's prefix query matches every token the character starts: ask for each, so bm25 ranks them.
            terms = [t for t, _ in self.index.searcher().terms_with_prefix("body", node.words[0])]
            if not terms:
                return Q.empty_query()
            return Q.boolean_query([(tantivy.Occur.Should, Q.term_query(self.schema, "body", t)) for t in terms])
        if node.op == "phrase":
            words = self._words(node.words)
            if not words:
                return Q.empty_query()
            return (Q.term_query(self.schema, "body", words[0], index_option="freq") if len(words) == 1
                    else Q.phrase_query(self.schema, "body", words))
        if node.op == "not":
            return Q.boolean_query([(tantivy.Occur.Must, self.query(node.kids[0])),
                                    (tantivy.Occur.MustNot, self.query(node.kids[1]))])
        occur = tantivy.Occur.Must if node.op == "and" else tantivy.Occur.Should
        return Q.boolean_query([(occur, self.query(k)) for k in node.kids])

    def restricted(self, match: str, groups: Iterable[tuple[str, ...]] = ()) -> tantivy.Query:
        """The query for `match` (fts.parse_query) among documents carrying one token of each facet group."""
        Q = tantivy.Query
        clauses = [(tantivy.Occur.Must, self.query(parse_match(match)))]
        for g in groups:
            if g:
                clauses.append((tantivy.Occur.Must, Q.term_set_query(self.schema, "facets", list(g))))
        return clauses[0][1] if len(clauses) == 1 else Q.boolean_query(clauses)

    def count(self, query: tantivy.Query) -> int:
        return self.index.searcher().search(query, limit=1, count=True).count

    def hits(self, query: tantivy.Query, limit: int | None = None, offset: int = 0) -> list[tuple[int, float]]:
        """(documents rowid, score) best first; limit=None returns every match."""
        searcher = self.index.searcher()
        if limit is None:
            limit = searcher.search(query, limit=1, count=True).count
        if limit < 1:  # search(limit=0) raises in tantivy 0.27
            return []
        found = searcher.search(query, limit=limit, offset=offset, count=False).hits
        rowids = searcher.fast_field_values("rowid", [a for _, a in found])
        return [(r, s) for (s, _), r in zip(found, rowids)]

    def facet_counts(self, query: tantivy.Query, kind: str) -> dict[str, int]:
        """Documents matching `query` per facet token of one kind (facet_tokens.CATEGORY, ...)."""
        return dict(self.index.searcher().terms_with_prefix("facets", kind, filter_query=query))

    # writes
    def write(self, store, doc_ids: list[str] | None, generation: int) -> None:
        """Index these documents (None: all) as they stand in the store, and commit with `generation`."""
        writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
        try:
            if doc_ids is None:
                writer.delete_all_documents()
                ids = [r[0] for r in store.db.execute("SELECT id FROM documents")]
            else:
                ids = doc_ids
            writer.delete_documents_by_term("id", META_ID)
            for i in range(0, len(ids), BATCH):
                chunk = ids[i:i + BATCH]
                if doc_ids is not None:
                    writer.delete_documents_by_query(
                        tantivy.Query.term_set_query(self.schema, "id", chunk))
                for entry in _entries(store, chunk):
                    writer.add_document(entry)
            meta = tantivy.Document()
            meta.add_text("id", META_ID)
            meta.add_unsigned("generation", generation)
            writer.add_document(meta)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        self.index.reload()


def _entries(store, ids: list[str]) -> Iterable[tantivy.Document]:
    marks = ",".join("?" * len(ids))
    facets = dict(store.db.execute(
        f"SELECT doc_id, facet_index FROM doc_summary WHERE doc_id IN ({marks})", ids).fetchall())
    texts: dict[str, list[str]] = {}
    for doc_id, text in store.db.execute(
            f"SELECT doc_id, text FROM pages WHERE doc_id IN ({marks}) ORDER BY doc_id, n", ids):
        if text:
            texts.setdefault(doc_id, []).append(text)
    for rowid, doc_id in store.db.execute(f"SELECT rowid, id FROM documents WHERE id IN ({marks})", ids):
        doc = tantivy.Document()
        doc.add_text("id", doc_id)
        doc.add_unsigned("rowid", rowid)  # never through the constructor: an int there kills the writer
        for text in texts.get(doc_id, []):
            # One value per page: Tantivy leaves a position gap between values, so no phrase spans two pages.
            doc.add_text("body", index_text(text))
        doc.add_text("facets", facets.get(doc_id) or "")
        yield doc


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


def sync(store, sidecar: Sidecar | None = None) -> Sidecar | None:
    """Bring the sidecar up to the store (after a batch commit, or on open): index the marked documents."""
    if not exists(store):
        return None
    sidecar = sidecar or Sidecar(path_of(store))
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
        _opened[path] = Sidecar(path)
    sidecar = _opened[path]
    if not store.readonly:
        return sync(store, sidecar)
    if sidecar.generation() == _store_generation(store) and not _dirty(store):
        return sidecar
    return None


def fill_hits(store, match: str, conditions) -> bool:
    """temp.hits (id, score, page, pages) from the sidecar, when it is current and answers `match` exactly.

    The facet tokens of `conditions` narrow inside the index as they do in FTS5
    (search.match_with); the caller still runs the conditions they do not decide."""
    if not (sidecar := open_current(store)) or not page_independent(parse_match(match)):
        return False
    groups = [g for c in conditions for g in c.tokens] if store.facet_index else []
    found = sidecar.hits(sidecar.restricted(match, groups))
    # One statement for all matches (a row at a time costs more than the search); lower sorts first, as FTS5's rank.
    store.db.execute("CREATE TEMP TABLE hits AS SELECT d.id AS id, -j.value ->> 1 AS score, NULL AS page,"
                     " NULL AS pages FROM json_each(?) j CROSS JOIN documents d ON d.rowid = j.value ->> 0",
                     (json.dumps(found),))
    return True


def matching_pages(store, doc_id: str, terms: list[str]) -> dict:
    """{"page", "pages"} of a document found by the sidecar: the pages holding a query term, first one shown."""
    from .search import term_pattern
    patterns = [term_pattern(t) for t in terms]
    pages = [n for n, text in store.db.execute("SELECT n, text FROM pages WHERE doc_id = ? ORDER BY n", (doc_id,))
             if any(p.search(text or "") for p in patterns)]
    return {"page": pages[0] if pages else None, "pages": ",".join(map(str, pages)) or None}


def state(store) -> dict:
    """What `tenderlens index` reports: where the sidecar is, its generation, size and whether it is current."""
    path = path_of(store)
    if not exists(store):
        return {"present": False, "path": path}
    sidecar = Sidecar(path)
    generation = sidecar.generation()
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)
    return {"present": True, "path": path, "generation": generation, "bytes": size,
            "indexed": sidecar.index.searcher().num_docs - 1,  # less the generation entry
            "current": generation == _store_generation(store) and not _dirty(store)}
