from __future__ import annotations

import csv
import json
import sys

import click

from ..records import document_records
from .common import db_option, fail, mask_option, open_store

CSV_COLUMNS = ("doc_id", "sources", "is_surveillance", "notice_type", "date", "buyer", "contract_party", "agent",
               "project_number", "suppliers", "amount_cny", "amount_role", "province", "prefecture", "county",
               "region_code", "lat", "lon", "tags", "warnings")


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
        "warnings": "; ".join(rec.get("warnings") or []),
    }


@click.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "csv"]), default="jsonl", show_default=True,
              help="jsonl: one JSON object a line; json: one array; csv: one row a document, tags as ids.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@mask_option
def command(db_path, fmt, out_path, no_mask):
    """Write one record per document, in the field names of labels.jsonl.

    Fields: doc_id, sources, is_surveillance, notice_type, date, buyer,
    contract_party, agent, project_number, suppliers, amount_cny, amount,
    region {province, prefecture, county, code, lat, lon}, tags [{id, quote,
    page, start, end}] and evidence (quote and span of each field). The JSON
    forms can be scored with `tenderlens eval GOLD --export FILE`.

    \b
    Example:
      tenderlens export --db notices.db --out notices.jsonl
      tenderlens export --format csv --db notices.db --out notices.csv
    """
    store = open_store(db_path)
    try:
        out = open(out_path, "w", encoding="utf-8", newline="") if out_path else sys.stdout
    except OSError as e:
        fail(f"cannot write {out_path}: {e.strerror}")
    n = 0
    try:
        records = document_records(store, masked=not no_mask)
        if fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for rec in records:
                writer.writerow(csv_row(rec))
                n += 1
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
        click.echo(f"{n} documents written to {out_path}", err=True)
