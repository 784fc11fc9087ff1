from __future__ import annotations

import json

import click
from ..privacy import mask, mask_tree
from .common import console, db_option, fail, json_option, mask_option, open_store, plain, print_json


@click.command("facts")
@click.argument("doc_id")
@db_option
@click.option("--kind", help="Only facts of this kind: field, vendor, tech, target, source or exempt.")
@click.option("--codebook-version", help="Only facts of this codebook version (default: all stored).")
@json_option
@mask_option
def command(doc_id, db_path, kind, codebook_version, as_json, no_mask):
    """List what analysis found in a document, each fact with its quote, page and span.

    DOC_ID is the full SHA-256 or a unique prefix of at least 6 characters, as
    printed by `search`. The quote is the page text at [start, end).

    \b
    Example:
      tenderlens facts 3f2a9c1b7d04 --db notices.db
      tenderlens facts 3f2a9c1b7d04 --kind tech --json
    """
    store = open_store(db_path)
    doc = store.document(doc_id)
    if doc is None:
        fail(f"no document {doc_id} in {db_path}")
    shown = (lambda t: t) if no_mask else mask
    out = []
    for r in store.facts(doc["id"]):
        if (kind and r["kind"] != kind) or (codebook_version and r["codebook_version"] != codebook_version):
            continue
        value = json.loads(r["value"]) if r["value"] else None
        out.append({"kind": r["kind"], "key": r["key"], "value": value if no_mask else mask_tree(value, keep=()),
                    "page": r["page"], "start": r["start"], "end": r["end"], "quote": shown(r["quote"] or ""),
                    "codebook_version": r["codebook_version"], "extractor": r["extractor"]})
    if as_json:
        print_json({"doc_id": doc["id"], "facts": out})
        return
    if not out:
        console.print(plain(f"no facts for {doc['id'][:12]}; run `tenderlens analyze --db {db_path}`"))
        return
    for f in out:
        value = f["value"] if isinstance(f["value"], str) else json.dumps(f["value"], ensure_ascii=False)
        console.print(plain((f["kind"], "bold"), f" {f['key']} = {value}"))
        console.print(plain(f"    p.{f['page']} [{f['start']}:{f['end']}] «{f['quote']}»  ",
                            (f"{f['extractor']} {f['codebook_version']}", "dim")))
