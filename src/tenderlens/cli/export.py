from __future__ import annotations

import json
import sys

import click

import pyarrow as pa
import pyarrow.parquet as pq

from ..interchange import ocds
from ..interchange.notices import notice
from ..interchange.processes import contracting_processes, fallback_date, records, releases
from ..privacy import mask_tree
from ..records import document_records
from ..spreadsheet import write_csv
from ..store.aggregates import ORG_COLUMNS, PURCHASE_COLUMNS, has_purchases, organisation_rows, purchase_rows
from .common import db_option, fail, mask_option, open_store

# Ids of purchases, organisations and documents: hashes, never masked.
KEEP = ("id", "doc_id", "documents", "buyer", "suppliers", "agent", "part_of", "org", "key", "child", "parent")

CSV_COLUMNS = ("doc_id", "sources", "is_surveillance", "notice_type", "date", "buyer", "contract_party", "agent",
               "project_number", "suppliers", "amount_cny", "amount_role", "province", "prefecture", "county",
               "region_code", "lat", "lon", "tags")


def csv_row(rec: dict) -> dict:
    region = rec.get("region") or {}
    return {
        **{k: rec.get(k) for k in CSV_COLUMNS if k in rec and k not in ("sources", "suppliers", "tags")},
        "sources": " | ".join(rec["sources"]),
        "suppliers": "; ".join(rec["suppliers"]),
        "amount_role": (rec.get("amount") or {}).get("role"),
        "province": region.get("province"), "prefecture": region.get("prefecture"), "county": region.get("county"),
        "region_code": region.get("code"), "lat": region.get("lat"), "lon": region.get("lon"),
        "tags": "; ".join(dict.fromkeys(t["id"] for t in rec["tags"])),
    }


@click.command("export")
@db_option
@click.option("--table", type=click.Choice(["documents", "purchases", "organisations"]), default="documents",
              show_default=True, help="documents: one record a document; purchases: one a procurement across its "
              "notices; organisations: one a buyer, supplier or agent under all its names.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "csv", "parquet", "ocds", "ocds-records", "ftm"]),
              default="jsonl", show_default=True,
              help="jsonl: one JSON object a line; json: one array; csv and parquet: one flat row a record, lists "
                   "joined by '; ' (parquet needs --out); ocds: an OCDS 1.1 release package, a release per notice; "
                   "ocds-records: an OCDS record package, a compiled record per contracting process; ftm: "
                   "FollowTheMoney entities, one a line (these three export the whole dataset, whatever --table).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@click.option("--ocid-prefix", default=ocds.DEFAULT_OCID_PREFIX, show_default=True,
              help="OCDS: the ocid prefix the Open Contracting Partnership registered for you (the default is a "
                   "placeholder, fine for your own analysis, not for publication).")
@click.option("--extension-url", default=ocds.DEFAULT_EXTENSION_URL, show_default=True,
              help="OCDS: where you publish the tenderlens extension's extension.json (docs/interchange.md).")
@click.option("--publisher", default="tenderlens", show_default=True, help="OCDS: the package's publisher name.")
@mask_option
def command(db_path, table, fmt, out_path, ocid_prefix, extension_url, publisher, no_mask):
    """Write one record per document, purchase or organisation, or the dataset in
    the field's own standards (OCDS, FollowTheMoney).

    Documents use the field names of labels.jsonl: doc_id, sources,
    is_surveillance, notice_type, date, buyer, contract_party, agent,
    project_number, suppliers, amount_cny, amount, region {province, prefecture,
    county, code, lat, lon}, tags [{id, quote, page, start, end}] and evidence
    (quote and span of each field); the JSON forms can be scored with
    `tenderlens eval GOLD --export FILE`. Purchases and organisations are those
    `tenderlens link` built (docs/purchases.md, docs/json.md).

    OCDS releases and records carry tenderlens's categories and evidence in its
    extension; FollowTheMoney lines load into Aleph. Mapping, field by field:
    docs/interchange.md.

    \b
    Example:
      tenderlens export --db notices.db --out notices.jsonl
      tenderlens export --format csv --db notices.db --out notices.csv
      tenderlens export --table purchases --format parquet --db notices.db --out purchases.parquet
      tenderlens export --format ocds --ocid-prefix ocds-abc123- --db notices.db --out releases.json
      tenderlens export --format ocds-records --db notices.db --out records.json
      tenderlens export --format ftm --db notices.db --out entities.ftm.json
    """
    store = open_store(db_path)
    if fmt == "parquet" and not out_path:
        fail("parquet is binary: give --out FILE")
    if table != "documents" and not has_purchases(store.db):
        fail(f"no purchases in {db_path} yet: run `tenderlens link --db {db_path}`")
    flat = fmt in ("csv", "parquet")
    if table == "documents":
        records = document_records(store, masked=not no_mask)
        columns = CSV_COLUMNS
        if flat:
            records = map(csv_row, records)
    else:
        rows = (purchase_rows if table == "purchases" else organisation_rows)(store.db, flat)
        records = rows if no_mask else [mask_tree(r, KEEP) for r in rows]
        columns = PURCHASE_COLUMNS if table == "purchases" else ORG_COLUMNS
    if fmt == "parquet":
        data = list(records)
        try:
            pq.write_table(pa.Table.from_pylist(data, schema=_schema(data, columns)), out_path)
        except OSError as e:
            fail(f"cannot write {out_path}: {e}")
        click.echo(f"{len(data)} {table} written to {out_path}", err=True)
        return
    try:
        out = open(out_path, "w", encoding="utf-8", newline="") if out_path else sys.stdout
    except OSError as e:
        fail(f"cannot write {out_path}: {e.strerror}")
    n = 0
    try:
        if fmt in ("ocds", "ocds-records", "ftm"):
            n = _interchange(store, fmt, out, ocid_prefix, extension_url, publisher, not no_mask)
            table = {"ocds": "releases", "ocds-records": "records", "ftm": "entities"}[fmt]
        elif fmt == "csv":
            n = write_csv(out, columns, records)
        elif fmt == "jsonl":
            for rec in records:
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        else:
            out.write("[")
            for rec in records:
                out.write(("," if n else "") + "\n" + json.dumps(rec, ensure_ascii=False))
                n += 1
            out.write("\n]\n")
    finally:
        if out_path:
            out.close()
    if out_path:
        click.echo(f"{n} {table} written to {out_path}", err=True)


def _interchange(store, fmt: str, out, prefix: str, extension_url: str, publisher: str, masked: bool) -> int:
    """Write an OCDS package or FollowTheMoney lines; the count of releases, records or entities."""
    groups = contracting_processes(store)
    n = 0
    if fmt == "ftm":
        from ..interchange import ftm   # followthemoney takes seconds to import: only when asked for
        processes = ((key, [notice(store, d, masked, with_text=True) for d in doc_ids]) for key, doc_ids in groups)
        for entity in ftm.dataset(processes):
            out.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
        return n
    kind, items = (("releases", releases(store, prefix, groups, masked)) if fmt == "ocds"
                   else ("records", records(store, prefix, groups, masked)))
    # Streamed: the package's fields, then its releases or records one by one.
    head = ocds.package(kind, [], f"urn:tenderlens:{kind}", fallback_date(store), publisher, extension_url)
    out.write(json.dumps(head, ensure_ascii=False).removesuffix("[]}") + "[")
    for item in items:
        out.write(("," if n else "") + "\n" + json.dumps(item, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


def _schema(data: list[dict], columns: tuple[str, ...]) -> pa.Schema:
    """Column types inferred from the rows; all-null columns as strings, so an empty table keeps its columns."""
    inferred = pa.Table.from_pylist(data).schema if data else pa.schema([])
    return pa.schema([(c, inferred.field(c).type if c in inferred.names and inferred.field(c).type != pa.null()
                       else pa.string()) for c in columns])
