"""One search page from the sidecar alone: the total, the documents shown, every facet count, totals per currency.

SQLite is then read for the shown documents only (their summary columns, titles
and snippets), so the cost of a page no longer grows with the number of matches
the way grouping pages into documents and counting facets in SQL does.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import tantivy

from .index import SEP, Sidecar

# Buckets asked of the terms aggregation: tantivy's own limit for one aggregation. More facet values
# among the matches than that make it raise, and the page goes to SQLite (sidecar.page), so no
# count is ever cut off.
BUCKETS = 65_000


@dataclass
class Answer:
    total: int
    hits: list[tuple[int, float]]                 # (documents rowid, score or sort value) of the page, in order
    counts: dict[str, dict[str, int]] = field(default_factory=dict)   # kind -> value -> documents
    totals: list[dict] = field(default_factory=list)                  # per currency, as results.totals


def answer(sidecar: Sidecar, match: str, filters: list[tuple[str, str]], sort: str, offset: int,
           limit: int) -> Answer:
    query = sidecar.restricted(match, filters)
    searcher = sidecar.searcher()
    aggs = {"facet": {"terms": {"field": "facet", "size": BUCKETS}},
            "currency": {"terms": {"field": "currency", "size": BUCKETS}, "aggs": {"sum": {"sum": {"field": "amount"}}}}}
    found = searcher.search(query, limit=max(1, limit), offset=offset, count=True,
                            **({"order_by_field": "date"} if sort == "date" else {}))
    counted = searcher.aggregate(query, aggs)
    counts: dict[str, dict[str, int]] = {}
    for b in counted["facet"]["buckets"]:
        kind, value = b["key"].split(SEP, 1)
        counts.setdefault(kind, {})[value] = b["doc_count"]
    by_currency = {b["key"]: (b["sum"]["value"], b["doc_count"]) for b in counted["currency"]["buckets"]}
    totals = [{"currency": c, "amount": a, "documents": n} for c, (a, n) in
              sorted(by_currency.items(), key=lambda kv: (kv[0] != "CNY", -kv[1][1], kv[0]))]
    if sort == "amount":
        hits = _by_amount(sidecar, searcher, query, by_currency, found.count, offset, limit)
    else:
        hits = []
        if limit > 0 and found.hits:
            rowids = searcher.fast_field_values("rowid", [a for _, a in found.hits])
            hits = [(r, s) for (s, _), r in zip(found.hits, rowids)]
    return Answer(found.count, hits, counts, totals)


def _by_amount(sidecar: Sidecar, searcher, query, by_currency: dict, total: int, offset: int,
               limit: int) -> list[tuple[int, float]]:
    """The page sorted as the SQL path sorts amounts: yuan first, then each other currency by name,
    each largest first, then documents without an amount by relevance. Each group is one sorted
    search; the counts per currency say which groups the page falls in."""
    Q, Must = tantivy.Query, tantivy.Occur.Must
    currencies = sorted(by_currency, key=lambda c: (c != "CNY", c))
    groups = [(Q.boolean_query([(Must, query), (Must, Q.term_query(sidecar.schema, "currency", c))]),
               by_currency[c][1], {"order_by_field": "amount"}) for c in currencies]
    without = total - sum(n for _, n in by_currency.values())
    groups.append((Q.boolean_query([(Must, query), (tantivy.Occur.MustNot, Q.exists_query("amount"))]), without, {}))
    out: list[tuple[int, float]] = []
    for q, n, order in groups:
        if len(out) >= limit:
            break
        if offset >= n:
            offset -= n
            continue
        out += sidecar.hits(q, limit - len(out), offset, searcher, **order)
        offset = 0
    return out
