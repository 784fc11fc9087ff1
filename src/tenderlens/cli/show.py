from __future__ import annotations

import json

import click

from ..privacy import mask, mask_tree
from .common import console, db_option, fail, json_option, mask_option, open_store, plain, print_json


@click.command("show")
@click.argument("doc_id")
@db_option
@click.option("--page", "page_n", type=click.IntRange(1, 1 << 62), help="Only this page (1-based).")
@json_option
@mask_option
def command(doc_id, db_path, page_n, as_json, no_mask):
    """Show a document: its metadata, sources and page text.

    DOC_ID is the full SHA-256 or a unique prefix of at least 6 characters, as
    printed by `search`.

    \b
    Example:
      tenderlens show 3f2a9c1b7d04 --page 3 --db notices.db
    """
    store = open_store(db_path)
    doc = store.document(doc_id)
    if doc is None:
        fail(f"no document {doc_id} in {db_path}")
    pages = [store.page(doc["id"], page_n)] if page_n else list(store.pages(doc["id"]))
    if page_n and pages[0] is None:
        fail(f"document {doc['id'][:12]} has {doc['n_pages']} pages; there is no page {page_n}")
    shown = (lambda t: t) if no_mask else mask
    out = {k: doc[k] for k in ("id", "format", "mime", "size", "title", "language", "status", "error", "n_pages")}
    out["meta"] = json.loads(doc["meta"] or "{}")
    out["sources"] = store.sources(doc["id"])
    if not no_mask:  # titles, member names, URLs, metadata and errors carry numbers too
        out = mask_tree(out)
    out["pages"] = [{"n": p["n"], "text": shown(p["text"]), "needs_ocr": bool(p["needs_ocr"]),
                     "ocr": json.loads(p["ocr"]) if p["ocr"] else None} for p in pages]
    if as_json:
        print_json(out)
        return
    console.print(plain((out["id"], "bold"), f"  {out['format']}  {out['status']}  {out['n_pages']} pages"))
    if out["title"]:
        console.print(plain("title: ", out["title"]))
    if out["error"]:
        console.print(plain(("error:", "red"), " ", out["error"]))
    for s in out["sources"]:
        console.print(plain("source: ", s))
    for p in out["pages"]:
        console.rule(f"page {p['n']}" + (" (needs OCR)" if p["needs_ocr"] else ""))
        console.print(plain(p["text"]))
