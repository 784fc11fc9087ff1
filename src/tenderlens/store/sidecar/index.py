"""The Tantivy index: its schema, one entry per document, reads, and batch writes.

Each entry holds the bigram index text of the document's pages (fts.index_text,
one value per page) for matching and ranking, and the values the search page
filters by and counts, each read from the same column or table the SQL path
reads, as terms `kind<US>value` of one fast field, `facet`: a filter is one term,
and one terms aggregation counts documents per value of every kind in a single
pass over the matches (twice as fast as one aggregation per kind). Sorting by
date or amount reads a column.
"""
from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterable

import tantivy

from ..fts import index_text
from .translate import Node, parse_match

ANALYZER = "tenderlens"
META_ID = "\x00meta"   # the one entry holding the generation, replaced in the same commit as the documents
BATCH = 2_000
WRITER_HEAP = 256_000_000
# Computing the bigram text is most of a rebuild's time (Python regexes and masking), so a
# write of many documents spreads it over worker processes, one per core; a few stay in process.
PARALLEL_FROM = 5 * BATCH

# Facet kinds: what the page filters by (state parameter -> kind, in web/results.py) and counts.
# tags: "family<TAB>category" as doc_tags holds them (the panel groups categories by family).
VALUES = ("tags", "category", "province", "prefecture", "county", "year", "notice_type", "surveillance", "buyer",
          "vendor", "format", "currency")
SEP = "\x1f"
_SUMMARY = ("notice_type", "date", "year", "amount_cny", "buyer", "province", "prefecture", "county",
            "is_surveillance")
_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("id", stored=False, tokenizer_name="raw", index_option="basic")
    b.add_unsigned_field("rowid", stored=False, indexed=False, fast=True)
    b.add_unsigned_field("generation", stored=True, indexed=False)
    b.add_text_field("body", stored=False, tokenizer_name=ANALYZER, index_option="position")
    b.add_text_field("facet", stored=False, tokenizer_name="raw", index_option="basic", fast=True)
    b.add_text_field("currency", stored=False, tokenizer_name="raw", index_option="basic", fast=True)
    b.add_unsigned_field("date", stored=False, indexed=False, fast=True)
    b.add_float_field("amount", stored=False, indexed=False, fast=True)
    return b.build()


def _analyzer() -> tantivy.TextAnalyzer:
    # unicode61 remove_diacritics 2, as FTS5 reads the same text: words of letters and digits, case- and accent-folded.
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold()).build())


def date_key(date: str | None) -> int:
    """A summary date as a number that sorts as the text does (2019 < 2019-06 < 2019-06-30); 0 without one."""
    m = _DATE.fullmatch(date or "")
    if not m:
        return 1 if date else 0
    y, mo, d = m.groups()
    return int(y) * 10_000 + int(mo or 0) * 100 + int(d or 0)


class Sidecar:
    def __init__(self, path: str):
        self.path = path
        self.index = tantivy.Index(_schema(), path=path, reuse=True)
        self.index.register_tokenizer(ANALYZER, _analyzer())
        self.schema = self.index.schema
        self._analyzer = _analyzer()

    # reads
    def searcher(self) -> tantivy.Searcher:
        return self.index.searcher()

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

    def restricted(self, match: str, filters: Iterable[tuple[str, str]] = ()) -> tantivy.Query:
        """The query for `match` (fts.parse_query) among documents holding every (kind, value) of `filters`."""
        Q = tantivy.Query
        clauses = [(tantivy.Occur.Must, self.query(parse_match(match)))]
        clauses += [(tantivy.Occur.Must, Q.term_query(self.schema, "facet", f"{k}{SEP}{v}")) for k, v in filters]
        return clauses[0][1] if len(clauses) == 1 else Q.boolean_query(clauses)

    def count(self, query: tantivy.Query) -> int:
        return self.index.searcher().search(query, limit=1, count=True).count

    def hits(self, query: tantivy.Query, limit: int | None = None, offset: int = 0,
             searcher: tantivy.Searcher | None = None, **order) -> list[tuple[int, float]]:
        """(documents rowid, score or sort value) best first; limit=None returns every match.
        `order`: order_by_field= and order= as Searcher.search takes them."""
        searcher = searcher or self.index.searcher()
        if limit is None:
            limit = searcher.search(query, limit=1, count=True).count
        if limit < 1:  # search(limit=0) raises in tantivy 0.27
            return []
        found = searcher.search(query, limit=limit, offset=offset, count=False, **order).hits
        rowids = searcher.fast_field_values("rowid", [a for _, a in found])
        return [(r, s) for (s, _), r in zip(found, rowids)]

    # writes
    def write(self, store, doc_ids: list[str] | None, generation: int) -> None:
        """Index these documents (None: all) as they stand in the store, and commit with `generation`."""
        ids = [r[0] for r in store.db.execute("SELECT id FROM documents")] if doc_ids is None else doc_ids
        chunks = [ids[i:i + BATCH] for i in range(0, len(ids), BATCH)]
        # Workers are forked before the writer starts its threads, so a child inherits none of them
        # (spawned ones would import the caller's __main__ again, which a script need not guard).
        pool = (multiprocessing.get_context("fork").Pool(os.cpu_count() or 1)
                if len(ids) >= PARALLEL_FROM and store.path != ":memory:" else None)
        writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=min(2, os.cpu_count() or 1))
        try:
            if doc_ids is None:
                writer.delete_all_documents()
            writer.delete_documents_by_term("id", META_ID)
            if doc_ids is not None:
                for chunk in chunks:
                    writer.delete_documents_by_query(tantivy.Query.term_set_query(self.schema, "id", chunk))
            batches = (pool.imap(_worker_rows, [(store.path, c) for c in chunks]) if pool
                       else (rows(store, c) for c in chunks))
            for batch in batches:
                for row in batch:
                    writer.add_document(_document(row))
            meta = tantivy.Document()
            meta.add_text("id", META_ID)
            meta.add_unsigned("generation", generation)
            writer.add_document(meta)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        finally:
            if pool:
                pool.terminate()
        self.index.reload()


def _worker_rows(job: tuple[str, list[str]]) -> list[tuple]:
    from .. import Store
    path, ids = job
    store = Store(path, readonly=True)
    try:
        return rows(store, ids)
    finally:
        store.close()


def rows(store, ids: list[str]) -> list[tuple]:
    """(rowid, id, page index texts, {field: values}, date key, amount) of each document, from the store."""
    from ...records import own_amounts
    db = store.db
    marks = ",".join("?" * len(ids))
    texts: dict[str, list[str]] = {}
    for doc_id, text in db.execute(f"SELECT doc_id, text FROM pages WHERE doc_id IN ({marks}) ORDER BY doc_id, n",
                                   ids):
        if text:
            texts.setdefault(doc_id, []).append(index_text(text))
    values: dict[str, dict[str, set]] = {}

    def add(doc_id: str, field: str, value) -> None:
        if value is not None and value != "":
            values.setdefault(doc_id, {}).setdefault(field, set()).add(str(value))

    sort: dict[str, tuple[int, float | None]] = {}
    cols = ", ".join(_SUMMARY)
    for doc_id, *row in db.execute(f"SELECT doc_id, {cols} FROM doc_summary WHERE doc_id IN ({marks})", ids):
        s = dict(zip(_SUMMARY, row))
        for field in ("notice_type", "year", "buyer", "province", "prefecture", "county"):
            add(doc_id, field, s[field])
        add(doc_id, "surveillance", s["is_surveillance"])
        if s["amount_cny"] is not None:
            add(doc_id, "currency", "CNY")
        sort[doc_id] = (date_key(s["date"]), s["amount_cny"])
    for doc_id, currency, amount in own_amounts(store, ids):
        if sort.get(doc_id, (0, None))[1] is None:
            add(doc_id, "currency", currency)
            sort[doc_id] = (sort.get(doc_id, (0, None))[0], amount)
    for doc_id, family, category in db.execute(
            f"SELECT doc_id, family, category FROM doc_tags WHERE doc_id IN ({marks})", ids):
        add(doc_id, "tags", f"{family}\t{category}")
        add(doc_id, "category", category)
    for doc_id, key in db.execute(
            f"SELECT doc_id, key FROM facts WHERE doc_id IN ({marks}) AND kind = 'vendor'", ids):
        add(doc_id, "vendor", key)
    out = []
    for rowid, doc_id, fmt in db.execute(f"SELECT rowid, id, format FROM documents WHERE id IN ({marks})", ids):
        add(doc_id, "format", fmt)
        date, amount = sort.get(doc_id, (0, None))
        out.append((rowid, doc_id, texts.get(doc_id, []),
                    {k: sorted(v) for k, v in values.get(doc_id, {}).items()}, date, amount))
    return out


def _document(row: tuple) -> tantivy.Document:
    rowid, doc_id, texts, values, date, amount = row
    doc = tantivy.Document()
    doc.add_text("id", doc_id)
    doc.add_unsigned("rowid", rowid)  # never through the constructor: an int there kills the writer
    for text in texts:
        # One value per page: Tantivy leaves a position gap between values, so no phrase spans two pages.
        doc.add_text("body", text)
    for kind, vs in values.items():
        for v in vs:
            doc.add_text("facet", f"{kind}{SEP}{v}")
            if kind == "currency":
                doc.add_text("currency", v)
    doc.add_unsigned("date", date)
    if amount is not None:
        doc.add_float("amount", float(amount))
    return doc
