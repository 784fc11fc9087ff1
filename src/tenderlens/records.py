"""Document records of a store: each document's facts folded by summary.summarise.

What `tenderlens export` writes and `tenderlens eval --db` scores. Facts are read
for one codebook version per document: the one its summary row names when
`tenderlens analyze` wrote one, else the version of its newest facts.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from .model import Fact
from .privacy import mask_tree
from .store import Store
from .summary import amount_value, summarise


def facts_of(store: Store, doc_id: str) -> list[Fact]:
    """The document's facts of the codebook version its record is built from."""
    has_summary = store.db.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='doc_summary'").fetchone()
    version = None
    if has_summary:
        row = store.db.execute("SELECT codebook_version FROM doc_summary WHERE doc_id=?", (doc_id,)).fetchone()
        version = row[0] if row else None
    if version is None:
        row = store.db.execute("SELECT codebook_version FROM facts WHERE doc_id=? ORDER BY id DESC LIMIT 1",
                               (doc_id,)).fetchone()
        version = row[0] if row else None
    rows = store.db.execute("SELECT * FROM facts WHERE doc_id=? AND codebook_version IS ?", (doc_id, version))
    return [Fact(r["doc_id"], r["kind"], r["key"], json.loads(r["value"]) if r["value"] else None, r["page"],
                 r["start"], r["end"], r["quote"], r["codebook_version"], r["extractor"]) for r in rows]


def own_amounts(store: Store, doc_ids: list[str] | None = None) -> list[tuple[str, str, float]]:
    """(doc_id, currency, amount) of each document (of `doc_ids`, or all) whose amount is in another currency.

    The summary keeps yuan only (amount_cny); these documents are found by their amount facts
    and summarised again, so the web app and the search sidecar read the same amount."""
    sql = ("SELECT DISTINCT f.doc_id FROM facts f JOIN doc_summary s ON s.doc_id = f.doc_id"
           " WHERE f.kind = 'field' AND f.key = 'amount' AND s.amount_cny IS NULL"
           " AND coalesce(json_extract(f.value, '$.currency'), 'CNY') != 'CNY'")
    params: list[str] = []
    if doc_ids is not None:
        sql += f" AND f.doc_id IN ({','.join('?' * len(doc_ids))})"
        params = list(doc_ids)
    out = []
    for (doc_id,) in store.db.execute(sql, params).fetchall():
        value = summarise(doc_id, facts_of(store, doc_id)).get("amount") or {}
        currency, amount = value.get("currency"), amount_value(value)
        if currency and currency != "CNY" and amount is not None:
            out.append((doc_id, currency, amount))
    return out


def document_records(store: Store, masked: bool = True) -> Iterator[dict]:
    """One record per stored document that was read (failed documents have no text to show)."""
    ids = [r[0] for r in store.db.execute("SELECT id FROM documents WHERE status != 'failed' ORDER BY id")]
    for doc_id in ids:
        yield document_record(store, doc_id, masked)


def document_record(store: Store, doc_id: str, masked: bool = True) -> dict:
    row = store.db.execute("SELECT title FROM documents WHERE id = ?", (doc_id,)).fetchone()
    record = summarise(doc_id, facts_of(store, doc_id), store.sources(doc_id), row[0] if row else None)
    record["warnings"] = store.warnings(doc_id)  # text lost or doubted while reading it
    return mask_tree(record, keep=("doc_id",)) if masked else record
