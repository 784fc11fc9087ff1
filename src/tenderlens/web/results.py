"""The filtered set of documents behind every view: one query, kept for the request.

The matching documents (with a query: their best page and every matching page)
go into a temporary table `result`, with their summary columns beside them
(`summaries` names the rows to count summary columns over), so
the result page, the facet counts, the map, the timeline and the exports all
read the same set without running the full-text query again, and most facets
count one small table instead of probing the store. Temporary tables live
outside the database file, so this works on a read-only connection.
"""
from __future__ import annotations

import json
import os
import sqlite3
import weakref
from dataclasses import dataclass, field, fields

from ..privacy import mask
from ..records import own_amounts
from ..store import Store, StoreError, sidecar
from ..store.fts import QueryError, parse_query
from ..store.search import Condition, match_with, snippet_parts, sql_conditions
from .state import PER_PAGE, SearchState

# Amounts sort within their own currency: yuan first, then each other currency, largest first.
ORDER = {
    "relevance": "score, doc_id",
    "date": "date DESC NULLS LAST, score, doc_id",
    "amount": "currency IS NULL, currency != 'CNY', currency, amount DESC, score, doc_id",
}
SUMMARY = ("is_surveillance", "notice_type", "date", "year", "amount_cny", "buyer", "province", "prefecture",
           "county", "region_code", "lat", "lon")
# `amount` is the document's amount in its own `currency`: yuan from the summary, else the
# foreign amount of temp.own_amounts (never converted, never added to yuan).
_WIDE = (", ".join(f"s.{c}" for c in SUMMARY) + ", y.format,"
         " coalesce(s.amount_cny, o.amount) AS amount,"
         " CASE WHEN s.amount_cny IS NOT NULL THEN 'CNY' ELSE o.currency END AS currency")
_JOIN_AMOUNTS = " LEFT JOIN temp.own_amounts o ON o.doc_id = y.id"
# Filters the search sidecar decides exactly, with the facet kind holding each (store/sidecar/index.py
# reads it from the column or table the SQL filter tests). Any other filter, such as a date range,
# part of a buyer's or supplier's name, or a new one added to SearchState, sends the page to SQLite,
# which decides every filter.
SIDECAR_FIELDS = {"cat": "category", "province": "province", "prefecture": "prefecture", "county": "county",
                  "year": "year", "vendor": "vendor", "notice_type": "notice_type",
                  "format": "format", "surv": "surveillance"}
# The sidecar's answer for the page a connection is serving (select fills it, the page and facets read it).
_answers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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
    categories: list[str] = field(default_factory=list)
    suppliers: list[str] = field(default_factory=list)  # who sold: the supplier facts, in page order


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


def ensure_own_amounts(store: Store) -> None:
    """temp.own_amounts: the amount of each document whose amount is in another currency than yuan.

    The summary keeps yuan only (amount_cny); these documents are found by their amount facts and
    summarised again, once per connection and again whenever the database file changes."""
    db = store.db
    stamp = _file_stamp(store)
    db.execute("CREATE TEMP TABLE IF NOT EXISTS own_amounts (doc_id TEXT PRIMARY KEY, currency TEXT, amount REAL)")
    db.execute("CREATE TEMP TABLE IF NOT EXISTS own_amounts_stamp (stamp TEXT)")
    if db.execute("SELECT 1 FROM temp.own_amounts_stamp WHERE stamp = ?", (stamp,)).fetchone():
        return
    db.execute("DELETE FROM temp.own_amounts")
    db.execute("DELETE FROM temp.own_amounts_stamp")
    db.executemany("INSERT INTO temp.own_amounts VALUES (?, ?, ?)", own_amounts(store))
    db.execute("INSERT INTO temp.own_amounts_stamp VALUES (?)", (stamp,))


def _file_stamp(store: Store) -> str:
    path = store.db.execute("PRAGMA database_list").fetchone()[2]
    parts = []
    for p in (path, path + "-wal"):
        try:
            st = os.stat(p)
            parts.append(f"{st.st_mtime_ns}:{st.st_size}")
        except OSError:
            parts.append("-")
    return "/".join(parts)


def sidecar_filters(state: SearchState) -> list[tuple[str, str]] | None:
    """The state's filters as (sidecar facet kind, value) pairs, or None when one is not the sidecar's to decide."""
    out = []
    for f in fields(state):
        value = getattr(state, f.name)
        if f.name in ("q", "sort", "page") or value == f.default:
            continue
        if f.name not in SIDECAR_FIELDS:
            return None
        out += [(SIDECAR_FIELDS[f.name], v) for v in (value if f.name == "cat" else (value,))]
    return out


def answered(store: Store) -> sidecar.Answer | None:
    """The sidecar's answer for the page select() last prepared on this connection, if it gave one."""
    return _answers.get(store)


def select(store: Store, state: SearchState, conditions: list[Condition], table: bool = True) -> list[str]:
    """Fill temp.result with the documents matching the state; returns the query's terms.

    table=False: what the search page needs only (total, one page of results, facet counts,
    totals), which the search sidecar answers alone when it is current and decides the query
    and every filter (answered() then holds it and no temp.result is built).

    With a query, the full-text matches are grouped by document first and the
    filters then test only those documents (see filters.conditions), so the cost
    follows the number of matches, not the size of the facets; and what the facet
    tokens decide inside the full-text query is not tested again.
    """
    ensure_own_amounts(store)
    where, params = [], []
    for c in sql_conditions(store, conditions) if state.q else conditions:
        where.append(c.sql)
        params.extend(c.params)
    db = store.db
    for name, kind in db.execute("SELECT name, type FROM temp.sqlite_master"
                                 " WHERE name IN ('result', 'hits', 'summaries')").fetchall():
        db.execute(f"DROP {kind.upper()} temp.{name}")
    _answers.pop(store, None)
    terms: list[str] = []
    if state.q and not table and (filters := sidecar_filters(state)) is not None:
        match, terms = parse_query(state.q)
        try:
            found = sidecar.page(store, match, filters, state.sort, (state.page - 1) * PER_PAGE, PER_PAGE)
        except sidecar.SidecarError:
            found = None
        if found is not None:
            _answers[store] = found
            return terms
    try:
        if not state.q and not where:
            # The whole store: a view, read only as far as a view needs (20 rows, or cached counts).
            db.execute(f"CREATE TEMP VIEW result AS SELECT y.id AS doc_id, 0 AS score, NULL AS page, NULL AS pages,"
                       f" {_WIDE} FROM documents y LEFT JOIN doc_summary s ON s.doc_id = y.id{_JOIN_AMOUNTS}")
            # Counts over every summary read the table and its indexes, not the join.
            db.execute("CREATE TEMP VIEW summaries AS SELECT * FROM doc_summary")
            return terms
        if state.q:
            match, terms = parse_query(state.q)
            # SQLite takes the bare column p.n from the row that holds min(f.rank): the best page.
            db.execute("CREATE TEMP TABLE hits AS SELECT p.doc_id AS id, min(f.rank) AS score, p.n AS page,"
                       " group_concat(p.n) AS pages FROM pages_fts f JOIN pages p ON p.id = f.rowid"
                       " WHERE pages_fts MATCH ? GROUP BY p.doc_id", (match_with(store, match, conditions),))
            source = "temp.hits d"  # the matches stand in for `d`: the filters test d.id only
        else:
            source = "(SELECT id, 0 AS score, NULL AS page, NULL AS pages FROM documents) d"
        # CROSS JOIN keeps the matches as the outer loop: each is looked up once, by its id.
        db.execute(f"CREATE TEMP TABLE result AS SELECT d.id AS doc_id, d.score, d.page, d.pages, {_WIDE}"
                   f" FROM {source} CROSS JOIN documents y ON y.id = d.id LEFT JOIN doc_summary s ON s.doc_id = d.id"
                   + _JOIN_AMOUNTS + (" WHERE " + " AND ".join(where) if where else ""), params)
        # Without statistics SQLite takes a temporary table for a big one, and builds Bloom filters
        # over whole indexes to join it: hundreds of milliseconds where a few lookups do.
        db.execute("ANALYZE temp.result")
        db.execute("CREATE TEMP VIEW summaries AS SELECT * FROM temp.result")
    except sqlite3.OperationalError as e:
        if "fts5" in str(e) or "syntax" in str(e):
            raise QueryError(f"cannot search for {state.q!r}: {e}") from e
        raise StoreError(str(e)) from e
    return terms


def page_of_results(store: Store, state: SearchState, terms: list[str], masked: bool = True) -> list[Result]:
    if (found := answered(store)) is not None:
        # The sidecar chose and ordered the page: SQLite reads these rows only, by rowid, in its order.
        rows = store.db.execute(
            f"SELECT y.id AS doc_id, NULL AS page, NULL AS pages, {_WIDE}, y.title FROM json_each(?) j"
            f" CROSS JOIN documents y ON y.rowid = j.value LEFT JOIN doc_summary s ON s.doc_id = y.id"
            f"{_JOIN_AMOUNTS} ORDER BY j.key", (json.dumps([r for r, _ in found.hits]),)).fetchall()
    else:
        rows = store.db.execute(
            f"SELECT r.*, y.title FROM (SELECT * FROM temp.result ORDER BY {ORDER[state.sort]} LIMIT ? OFFSET ?) r"
            f" CROSS JOIN documents y ON y.id = r.doc_id ORDER BY {ORDER[state.sort]}",
            (PER_PAGE, (state.page - 1) * PER_PAGE)).fetchall()
    shown = mask if masked else (lambda t: t)
    out = []
    for r in rows:
        doc_id = r["doc_id"]
        if r["page"] is None and terms:  # found by the sidecar, which knows documents, not pages
            r = dict(r) | sidecar.matching_pages(store, doc_id, terms)
        if r["page"] is not None:
            parts, _ = snippet_parts(shown(store.page(doc_id, r["page"])["text"]), terms)
        else:
            first = store.db.execute("SELECT text FROM pages WHERE doc_id = ? ORDER BY n LIMIT 1", (doc_id,)).fetchone()
            parts, _ = snippet_parts(shown(first[0]) if first else "", [])
        sources = store.sources(doc_id)
        categories = [c for (c,) in store.db.execute(
            "SELECT category FROM doc_tags WHERE doc_id = ? ORDER BY family, category", (doc_id,))]
        suppliers = [shown(json.loads(v)) for (v,) in store.db.execute(
            "SELECT value FROM facts WHERE doc_id = ? AND kind = 'field' AND key = 'supplier'"
            " AND codebook_version = (SELECT codebook_version FROM doc_summary WHERE doc_id = ?)"
            " ORDER BY page, start", (doc_id, doc_id))]
        out.append(Result(doc_id, shown(r["title"]), r["format"], shown(sources[0]) if sources else "",
                          r["page"], sorted(int(n) for n in (r["pages"] or "").split(",") if n),
                          parts, {k: r[k] for k in SUMMARY + ("amount", "currency")}, categories,
                          list(dict.fromkeys(suppliers))))
    return out


def count(store: Store) -> int:
    if (found := answered(store)) is not None:
        return found.total
    return store.db.execute("SELECT count(*) FROM temp.result").fetchone()[0]


def totals(store: Store) -> list[dict]:
    """The result's amounts summed per currency (yuan first): never one sum across currencies."""
    if (found := answered(store)) is not None:
        return found.totals
    return [{"currency": c, "amount": a, "documents": n} for c, a, n in store.db.execute(
        "SELECT currency, sum(amount), count(*) FROM temp.result WHERE currency IS NOT NULL"
        " GROUP BY 1 ORDER BY currency != 'CNY', 3 DESC, 1")]
