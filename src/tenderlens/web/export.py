"""Exports of the current result (temp.result): one row per document or one row per fact; and of the
purchases view: one row per purchase or per group, under the view's filters.

Document rows are the records `tenderlens export` writes (records.document_record;
flat, in the CLI's CSV columns, for CSV and Parquet; nested for JSON), so an
export of a filtered view can be scored by `tenderlens eval`. Fact rows carry
their evidence: page, span and quote. Personal identifiers are masked unless the
server was started with --no-mask. CSV cells that a spreadsheet would run as a
formula are neutralised (spreadsheet.py).
"""
from __future__ import annotations

import io
import json

import pyarrow as pa
import pyarrow.parquet as pq

from ..cli.export import CSV_COLUMNS, KEEP, csv_row
from ..privacy import mask, mask_tree
from ..spreadsheet import write_csv
from ..records import document_record, facts_of
from ..store import Store
from ..store import aggregates as agg
from .purchases import PurchaseQuery
from .results import ORDER
from .state import SearchState

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json",
           "parquet": "application/vnd.apache.parquet"}
ROWS = ("documents", "facts")
FACT_COLUMNS = ("doc_id", "kind", "key", "value", "page", "start", "end", "quote", "codebook_version", "extractor")


def doc_ids(store: Store, state: SearchState) -> list[str]:
    """The current result in the order the search page shows it."""
    return [r[0] for r in store.db.execute(
        f"SELECT doc_id FROM temp.result ORDER BY {ORDER[state.sort]}")]


def document_rows(store: Store, state: SearchState, masked: bool, flat: bool) -> list[dict]:
    records = (document_record(store, doc_id, masked) for doc_id in doc_ids(store, state))
    return [csv_row(r) for r in records] if flat else list(records)


def fact_rows(store: Store, state: SearchState, masked: bool) -> list[dict]:
    shown = mask if masked else (lambda t: t)
    out = []
    for doc_id in doc_ids(store, state):
        for f in sorted(facts_of(store, doc_id), key=lambda f: (f.page or 0, f.start or 0, f.kind, f.key)):
            value = f.value if isinstance(f.value, str) else json.dumps(f.value, ensure_ascii=False, sort_keys=True)
            out.append({"doc_id": f.doc_id, "kind": f.kind, "key": f.key, "value": shown(value), "page": f.page,
                        "start": f.start, "end": f.end, "quote": shown(f.quote or ""),
                        "codebook_version": f.codebook_version, "extractor": f.extractor})
    return out


def export(store: Store, state: SearchState, fmt: str, rows: str, masked: bool = True) -> bytes:
    if rows == "documents":
        data, columns = document_rows(store, state, masked, flat=fmt != "json"), CSV_COLUMNS
    else:
        data, columns = fact_rows(store, state, masked), FACT_COLUMNS
    return write(data, columns, fmt)


def purchase_export(db, query: PurchaseQuery, fmt: str, masked: bool = True) -> bytes:
    """The purchases view under its filters, in its order: every purchase (the records `tenderlens export
    --table purchases` writes), or every group when the view is grouped."""
    flat = fmt != "json"
    if query.by:
        data, columns = agg.group_rows(db, query.by, query.filters(), flat), agg.GROUP_COLUMNS
    else:
        data, columns = agg.purchase_rows(db, flat, query.filters(), query.sort), agg.PURCHASE_COLUMNS
    return write([mask_tree(r, KEEP) for r in data] if masked else data, columns, fmt)


def write(data: list[dict], columns: tuple[str, ...], fmt: str) -> bytes:
    """Rows as JSON, CSV (neutralised, with a BOM for Excel) or Parquet."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        buf = io.StringIO()
        write_csv(buf, columns, data)
        return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the Chinese correctly
    table = pa.Table.from_pylist(data, schema=_schema(data, columns))
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _schema(data: list[dict], columns: tuple[str, ...]) -> pa.Schema:
    """Column types inferred from the rows; all-null columns as strings, so empty exports keep their columns."""
    inferred = pa.Table.from_pylist(data).schema if data else pa.schema([])
    return pa.schema([(c, inferred.field(c).type if c in inferred.names and inferred.field(c).type != pa.null()
                       else pa.string()) for c in columns])
