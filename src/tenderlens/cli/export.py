from __future__ import annotations

import csv
import json
import sys

import click

from ..interchange import ocds
from ..interchange.notices import notice
from ..interchange.processes import contracting_processes, fallback_date, records, releases
from ..records import document_records
from .common import db_option, fail, mask_option, open_store

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
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "csv", "ocds", "ocds-records", "ftm"]),
              default="jsonl", show_default=True,
              help="jsonl: one JSON object a line; json: one array; csv: one row a document, tags as ids; "
                   "ocds: an OCDS 1.1 release package, a release per notice; ocds-records: an OCDS record "
                   "package, a compiled record per contracting process; ftm: FollowTheMoney entities, one a line.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@click.option("--ocid-prefix", default=ocds.DEFAULT_OCID_PREFIX, show_default=True,
              help="OCDS: the ocid prefix the Open Contracting Partnership registered for you (the default is a "
                   "placeholder, fine for your own analysis, not for publication).")
@click.option("--extension-url", default=ocds.DEFAULT_EXTENSION_URL, show_default=True,
              help="OCDS: where you publish the tenderlens extension's extension.json (docs/interchange.md).")
@click.option("--publisher", default="tenderlens", show_default=True, help="OCDS: the package's publisher name.")
@mask_option
def command(db_path, fmt, out_path, ocid_prefix, extension_url, publisher, no_mask):
    """Write one record per document, in the field names of labels.jsonl, or the
    dataset in the field's own standards (OCDS, FollowTheMoney).

    Fields: doc_id, sources, is_surveillance, notice_type, date, buyer,
    contract_party, agent, project_number, suppliers, amount_cny, amount,
    region {province, prefecture, county, code, lat, lon}, tags [{id, quote,
    page, start, end}] and evidence (quote and span of each field). The JSON
    forms can be scored with `tenderlens eval GOLD --export FILE`.

    OCDS releases and records carry tenderlens's categories and evidence in its
    extension; FollowTheMoney lines load into Aleph. Mapping, field by field:
    docs/interchange.md.

    \b
    Example:
      tenderlens export --db notices.db --out notices.jsonl
      tenderlens export --format csv --db notices.db --out notices.csv
      tenderlens export --format ocds --ocid-prefix ocds-abc123- --db notices.db --out releases.json
      tenderlens export --format ocds-records --db notices.db --out records.json
      tenderlens export --format ftm --db notices.db --out entities.ftm.json
    """
    store = open_store(db_path)
    try:
        out = open(out_path, "w", encoding="utf-8", newline="") if out_path else sys.stdout
    except OSError as e:
        fail(f"cannot write {out_path}: {e.strerror}")
    n = 0
    try:
        if fmt in ("ocds", "ocds-records", "ftm"):
            n = _interchange(store, fmt, out, ocid_prefix, extension_url, publisher, not no_mask)
            return
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
            what = {"ocds": "releases", "ocds-records": "records", "ftm": "entities"}.get(fmt, "documents")
            click.echo(f"{n} {what} written to {out_path}", err=True)


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
