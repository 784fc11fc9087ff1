"""Exports of the current result (temp.result): one row per document or one row per fact.

Document rows are the shared summary record (summary.summarise), so an export can
be scored by `tenderlens eval`; fact rows carry their evidence (page, span, quote).
Personal identifiers are masked unless the server was started with --no-mask.
"""
from __future__ import annotations

import csv
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq

from ..model import Fact
from ..privacy import mask
from ..store import Store
from ..summary import summarise
from .results import ORDER
from .state import SearchState

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json",
           "parquet": "application/vnd.apache.parquet"}
ROWS = ("documents", "facts")
FACT_COLUMNS = ("doc_id", "kind", "key", "value", "page", "start", "end", "quote", "codebook_version", "extractor")


def _doc_ids(store: Store, state: SearchState) -> list[str]:
    return [r[0] for r in store.db.execute(
        "SELECT r.doc_id FROM temp.result r LEFT JOIN doc_summary s ON s.doc_id = r.doc_id"
        f" ORDER BY {ORDER[state.sort]}")]


def _facts(store: Store, doc_id: str) -> list[Fact]:
    """The document's facts from the codebook version its summary was built with (all, if none)."""
    rows = store.db.execute(
        "SELECT f.* FROM facts f LEFT JOIN doc_summary s ON s.doc_id = f.doc_id WHERE f.doc_id = ?"
        " AND (s.codebook_version IS NULL OR f.codebook_version = s.codebook_version)"
        " ORDER BY f.page, f.start, f.kind, f.key", (doc_id,)).fetchall()
    return [Fact(r["doc_id"], r["kind"], r["key"], json.loads(r["value"]) if r["value"] else None, r["page"],
                 r["start"], r["end"], r["quote"], r["codebook_version"], r["extractor"]) for r in rows]


def document_rows(store: Store, state: SearchState, masked: bool = True) -> list[dict]:
    shown = mask if masked else (lambda t: t)
    out = []
    for doc_id in _doc_ids(store, state):
        d = store.document(doc_id)
        rec = summarise(doc_id, _facts(store, doc_id), store.sources(doc_id))
        region = rec.pop("region") or {}
        amount = rec.pop("amount") or {}
        tags = rec.pop("tags")
        out.append({
            "doc_id": doc_id, "title": shown(d["title"] or ""), "format": d["format"], "status": d["status"],
            **{k: shown(v) if isinstance(v, str) else v for k, v in rec.items() if k not in ("sources", "suppliers")},
            "amount_role": amount.get("role"),
            "province": region.get("province"), "prefecture": region.get("prefecture"),
            "county": region.get("county"), "region_code": region.get("code"),
            "suppliers": "; ".join(shown(s) for s in rec["suppliers"]),
            "categories": "; ".join(dict.fromkeys(t["id"] for t in tags)),
            "evidence": " | ".join(f"{t['id']} p.{t['page']}: {shown(t['quote'])}" for t in tags),
            "sources": " | ".join(rec["sources"]),
        })
    return out


def fact_rows(store: Store, state: SearchState, masked: bool = True) -> list[dict]:
    shown = mask if masked else (lambda t: t)
    out = []
    for doc_id in _doc_ids(store, state):
        for f in _facts(store, doc_id):
            value = f.value if isinstance(f.value, str) else json.dumps(f.value, ensure_ascii=False, sort_keys=True)
            out.append({"doc_id": f.doc_id, "kind": f.kind, "key": f.key, "value": shown(value), "page": f.page,
                        "start": f.start, "end": f.end, "quote": shown(f.quote or ""),
                        "codebook_version": f.codebook_version, "extractor": f.extractor})
    return out


def encode(rows: list[dict], fmt: str, columns: tuple[str, ...] | None = None) -> bytes:
    columns = columns or (tuple(rows[0]) if rows else ("doc_id",))
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the Chinese correctly
    table = pa.Table.from_pylist(rows) if rows else pa.table({c: pa.array([], pa.string()) for c in columns})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()
