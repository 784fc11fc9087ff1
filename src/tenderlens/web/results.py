"""The filtered set of documents behind every view: one query, kept for the request.

The matching documents (with a query: their best page and every matching page)
go into a temporary table `result`, so the result page, the facet counts, the
map, the timeline and the exports all read the same set without running the
full-text query again. Temporary tables live outside the database file, so this
works on a read-only connection.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from ..privacy import mask
from ..store import Store, StoreError
from ..store.fts import QueryError, parse_query
from ..store.search import Condition, snippet_parts
from .state import PER_PAGE, SearchState

ORDER = {
    "relevance": "r.score, s.date DESC NULLS LAST, r.doc_id",
    "date": "s.date DESC NULLS LAST, r.score, r.doc_id",
    "amount": "s.amount_cny DESC NULLS LAST, r.score, r.doc_id",
}


@dataclass
class Result:
    doc_id: str
    title: str | None
    format: str
    source: str
    page: int | None                  # best matching page, None when browsing without a query
    pages: list[int]                  # every matching page
    snippet: list[tuple[str, bool]]   # (text, is_hit) parts, masked
    summary: dict = field(default_factory=dict)


# What an unanalysed store lacks, created empty (and temporary) so every view still works.
ANALYSIS_TABLES = {
    "doc_summary": "doc_id TEXT PRIMARY KEY, is_surveillance INTEGER, notice_type TEXT, date TEXT, year INTEGER,"
                   " amount_cny REAL, buyer TEXT, contract_party TEXT, province TEXT, prefecture TEXT,"
                   " county TEXT, region_code TEXT, lat REAL, lon REAL, codebook_version TEXT",
    "doc_tags": "doc_id TEXT, category TEXT, family TEXT",
}


def ensure_analysis_tables(store: Store) -> bool:
    """True when the store holds analysis results; else stands in empty temporary tables."""
    present = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in ANALYSIS_TABLES if t not in present]
    for t in missing:
        store.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {t} ({ANALYSIS_TABLES[t]})")
    return not missing


def select(store: Store, state: SearchState, conditions: list[Condition]) -> list[str]:
    """Fill temp.result with the documents matching the state; returns the query's terms."""
    where, params = [], []
    for c in conditions:
        where.append(c.sql)
        params.extend(c.params)
    db = store.db
    db.execute("DROP TABLE IF EXISTS temp.result")
    if state.q:
        match, terms = parse_query(state.q)
        # SQLite takes the bare column p.n from the row that holds min(f.rank): the best page.
        sql = ("CREATE TEMP TABLE result AS SELECT p.doc_id AS doc_id, min(f.rank) AS score, p.n AS page,"
               " group_concat(p.n) AS pages FROM pages_fts f JOIN pages p ON p.id = f.rowid"
               " JOIN documents d ON d.id = p.doc_id WHERE " + " AND ".join(["pages_fts MATCH ?"] + where) +
               " GROUP BY p.doc_id")
        params.insert(0, match)
    else:
        terms = []
        sql = ("CREATE TEMP TABLE result AS SELECT d.id AS doc_id, 0 AS score, NULL AS page, NULL AS pages"
               " FROM documents d" + (" WHERE " + " AND ".join(where) if where else ""))
    try:
        db.execute(sql, params)
    except sqlite3.OperationalError as e:
        if "fts5" in str(e) or "syntax" in str(e):
            raise QueryError(f"cannot search for {state.q!r}: {e}") from e
        raise StoreError(str(e)) from e
    return terms


def page_of_results(store: Store, state: SearchState, terms: list[str], masked: bool = True) -> list[Result]:
    rows = store.db.execute(
        "SELECT r.doc_id, r.page, r.pages, d.title, d.format, s.* FROM temp.result r"
        " JOIN documents d ON d.id = r.doc_id LEFT JOIN doc_summary s ON s.doc_id = r.doc_id"
        f" ORDER BY {ORDER[state.sort]} LIMIT ? OFFSET ?",
        (PER_PAGE, (state.page - 1) * PER_PAGE)).fetchall()
    shown = mask if masked else (lambda t: t)
    out = []
    for r in rows:
        doc_id = r[0]
        if r["page"] is not None:
            text = shown(store.page(doc_id, r["page"])["text"])
            parts, _ = snippet_parts(text, terms)
        else:
            first = store.db.execute("SELECT text FROM pages WHERE doc_id = ? ORDER BY n LIMIT 1", (doc_id,)).fetchone()
            parts, _ = snippet_parts(shown(first[0]) if first else "", [])
        sources = store.sources(doc_id)
        summary = {k: r[k] for k in r.keys()[5:] if k != "doc_id"}
        out.append(Result(doc_id, r["title"], r["format"], sources[0] if sources else "",
                          r["page"], sorted(int(n) for n in (r["pages"] or "").split(",") if n),
                          parts, summary))
    return out


def count(store: Store) -> int:
    return store.db.execute("SELECT count(*) FROM temp.result").fetchone()[0]
