"""Search pages and cut snippets from their text.

FTS5 finds the pages; the snippet is cut from the stored page text (the index
holds bigrams, not prose), with every occurrence of a query term marked «so».
Hit offsets are returned too, so the web app and notebooks can highlight
without parsing markers.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass, field

from ..privacy import mask, mask_tree
from . import Store, StoreError
from .facet_tokens import restrict
from .fts import CJK, QueryError, parse_query

MARK_OPEN, MARK_CLOSE = "«", "»"
CONTEXT = 60


@dataclass
class Hit:
    doc_id: str
    page: int
    source: str
    sources: list[str]
    title: str | None
    format: str
    snippet: str
    hits: list[list[int]] = field(default_factory=list)  # [start, end] in the page text
    score: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Condition:
    """One SQL condition on documents `d`, with its parameters (filters add these).

    `tokens`: groups of facet tokens (facet_tokens.py); every document passing the
    condition carries at least one token of each group, so the full-text query can
    require them. Empty when the condition has no such token. `exact`: the tokens
    alone decide (each stands for one exact facet value), so where the index
    carries them the SQL need not run; otherwise the SQL decides.
    """

    sql: str
    params: tuple = ()
    tokens: tuple[tuple[str, ...], ...] = ()
    exact: bool = False


def match_with(store: Store, match: str, conditions: list[Condition]) -> str:
    """The FTS5 expression for a parsed query under these conditions."""
    if not store.facet_index:
        return match
    return restrict(match, [group for c in conditions for group in c.tokens])


def sql_conditions(store: Store, conditions: list[Condition]) -> list[Condition]:
    """The conditions the full-text query (match_with) does not already decide."""
    return [c for c in conditions if not (c.exact and store.facet_index)]


def _where(store: Store, match: str, conditions: list[Condition] | None) -> tuple[list[str], list]:
    where, params = ["pages_fts MATCH ?"], [match_with(store, match, conditions or [])]
    for c in sql_conditions(store, conditions or []):
        where.append(c.sql)
        params.extend(c.params)
    return where, params


# A letter or digit of a word that is not CJK: the index holds such words whole, so a hit ends where they do.
_WORD_CHAR = f"[^\\W_{CJK}]"


def term_pattern(term: str) -> re.Pattern[str]:
    """A regex finding a query term in page text as FTS5 matched it (case-insensitive whole words,
    contiguous CJK, any punctuation or space between words of a phrase)."""
    pieces = re.findall(f"[{CJK}]+|\\w+", term)
    body = r"[\W_]*".join(re.escape(p) for p in pieces)
    if pieces and not re.fullmatch(f"[{CJK}]+", pieces[0]):
        body = f"(?<!{_WORD_CHAR})" + body
    if pieces and not re.fullmatch(f"[{CJK}]+", pieces[-1]):
        body += f"(?!{_WORD_CHAR})"
    return re.compile(body, re.I)


def snippet_parts(text: str, terms: list[str]) -> tuple[list[tuple[str, bool]], list[list[int]]]:
    """A snippet around the first hit as (text, is_hit) parts, and every hit span in the page.

    Parts keep hits apart from the text around them, so a renderer can mark them
    without parsing markers that the page text itself may contain.
    """
    spans: list[list[int]] = []
    for term in terms:
        spans.extend([m.start(), m.end()] for m in term_pattern(term).finditer(text) if m.end() > m.start())
    spans.sort()
    if not spans:
        return [(text[: 2 * CONTEXT].replace("\n", " "), False)], []
    first = spans[0][0]
    lo, hi = max(0, first - CONTEXT), min(len(text), first + CONTEXT + (spans[0][1] - first))
    parts: list[tuple[str, bool]] = [("…", False)] if lo > 0 else []
    pos = lo
    for s, e in spans:
        if s < pos or e > hi:
            continue
        parts += [(text[pos:s].replace("\n", " "), False), (text[s:e].replace("\n", " "), True)]
        pos = e
    parts.append((text[pos:hi].replace("\n", " "), False))
    if hi < len(text):
        parts.append(("…", False))
    return [p for p in parts if p[0]], spans


def make_snippet(text: str, terms: list[str]) -> tuple[str, list[list[int]]]:
    parts, spans = snippet_parts(text, terms)
    return "".join(MARK_OPEN + t + MARK_CLOSE if hit else t for t, hit in parts), spans


def search(store: Store, query: str, limit: int = 20, offset: int = 0,
           conditions: list[Condition] | None = None, masked: bool = True) -> list[Hit]:
    """Pages matching `query`, best first (ties in index order). limit=0 returns every hit.

    With `masked`, personal identifiers are masked in the page text before the
    snippet is cut (a cut must not leave half a number readable), and in the
    title and sources; masks keep the length, so hit offsets hold either way.

    When the full-text query decides every condition, the index ranks and cuts the
    page of hits before any row is joined; otherwise each match is joined and tested first.
    """
    match, terms = parse_query(query)
    where, params = _where(store, match, conditions)
    page = " LIMIT ? OFFSET ?" if limit else ""
    params += [limit, offset] if limit else []
    columns = "p.doc_id, p.n, p.text, d.title, d.format, f.rank AS score"
    joins = "CROSS JOIN pages p ON p.id = f.rowid JOIN documents d ON d.id = p.doc_id"
    if len(where) == 1:
        sql = (f"SELECT {columns} FROM (SELECT rowid, rank FROM pages_fts WHERE {where[0]}"
               f" ORDER BY rank, rowid{page}) f {joins} ORDER BY f.rank, f.rowid")
    else:
        sql = f"SELECT {columns} FROM pages_fts f {joins} WHERE {' AND '.join(where)} ORDER BY f.rank, f.rowid{page}"
    try:
        rows = store.db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as e:
        if "fts5" in str(e) or "syntax" in str(e):
            raise QueryError(f"cannot search for {query!r}: {e}") from e
        raise StoreError(str(e)) from e
    hits = []
    shown = mask if masked else (lambda t: t)
    for r in rows:
        snippet, spans = make_snippet(shown(r["text"]), terms)
        sources = mask_tree(store.sources(r["doc_id"])) if masked else store.sources(r["doc_id"])
        hits.append(Hit(r["doc_id"], r["n"], sources[0] if sources else "", sources, shown(r["title"]),
                        r["format"], snippet, spans, round(-r["score"], 4)))
    return hits


def count(store: Store, query: str, conditions: list[Condition] | None = None) -> int:
    """Number of matching pages (for result headers and recall checks)."""
    match, _ = parse_query(query)
    where, params = _where(store, match, conditions)
    sql = ("SELECT count(*) FROM pages_fts f JOIN pages p ON p.id = f.rowid JOIN documents d ON d.id = p.doc_id"
           f" WHERE {' AND '.join(where)}")
    return store.db.execute(sql, params).fetchone()[0]
