"""Bring a store written by an earlier tenderlens up to the current schema, in one transaction.

Schema 1 -> 2: the full-text index gains the `facets` column (facet_tokens.py), so
it is rebuilt from the stored page text and each document's stored facts.
Schema 2 -> 3: ID-card and mobile numbers are masked in the index text (fts.py), so
the index is rebuilt the same way; a contentless index forgets a row only when
given the exact text it indexed, so an index of unmasked text cannot be kept.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..summary import summarise
from .facet_tokens import document_tokens
from .fts import index_text

if TYPE_CHECKING:
    from . import Store


def upgrade(store: Store, version: int) -> None:
    from . import PAGES_FTS, RANK_PAGE_TEXT, SCHEMA_VERSION
    from ..records import facts_of  # records reads through a Store, so it comes after the store module

    db = store.db
    db.execute("BEGIN IMMEDIATE")
    try:
        if version < 2:
            db.execute("ALTER TABLE doc_summary ADD COLUMN facet_index TEXT NOT NULL DEFAULT ''")
        if version < 3:
            db.execute("DROP TABLE pages_fts")
            db.execute(PAGES_FTS)
            db.execute(RANK_PAGE_TEXT)
            analysed = {r[0] for r in db.execute("SELECT doc_id FROM doc_summary")}
            for doc_id, format in db.execute("SELECT id, format FROM documents").fetchall():
                facets = ""
                if doc_id in analysed:
                    facts = facts_of(store, doc_id)
                    facets = document_tokens(summarise(doc_id, facts), format, facts)
                    db.execute("UPDATE doc_summary SET facet_index=? WHERE doc_id=?", (facets, doc_id))
                db.executemany("INSERT INTO pages_fts (rowid, body, facets) VALUES (?, ?, ?)",
                               [(pid, index_text(text), facets) for pid, text in
                                db.execute("SELECT id, text FROM pages WHERE doc_id=? AND text != ''", (doc_id,))])
        db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION),))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
