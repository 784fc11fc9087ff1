from __future__ import annotations

import click

from ..privacy import mask_tree
from ..store.aggregates import has_purchases, summary
from .common import console, db_option, json_option, mask_option, open_store, plain, print_json


@click.command("stats")
@db_option
@json_option
@mask_option
def command(db_path, as_json, no_mask):
    """Counts by status, format and language, with every failure and its reason; purchases and
    organisations, each purchase counted once with its amount summed once (per currency).

    \b
    Example:
      tenderlens stats --db notices.db --json
    """
    store = open_store(db_path)
    st = store.stats()
    if not no_mask:  # failure reasons and sources name files, and file names carry numbers too
        st["failures"] = mask_tree(st["failures"])
    if has_purchases(store.db):
        st["purchases"] = summary(store.db)
    if as_json:
        print_json(st)
        return
    console.print(f"[bold]{st['documents']}[/bold] documents, {st['pages']} pages "
                  f"({st['pages_needing_ocr']} need OCR), {st['sources']} sources, {st['facts']} facts")
    for key in ("by_status", "by_format", "by_language"):
        console.print(plain(f"{key.replace('_', ' ')}: " + ", ".join(f"{k} {v}" for k, v in st[key].items())))
    if "purchases" in st:
        p = st["purchases"]
        console.print(f"[bold]{p['purchases']}[/bold] purchases from {p['documents']} documents "
                      f"({p['linked_documents']} linked to another), {p['organisations']} organisations; amounts: "
                      + (", ".join(f"{v:,.0f} {c}" for c, v in p["totals"].items()) or "-"))
        if p["flags"]:
            console.print(plain("red flags: " + ", ".join(f"{k} {v}" for k, v in p["flags"].items())))
    if st["failures"]:
        console.print(plain((f"{len(st['failures'])} failed:", "red")))
        for f in st["failures"]:
            console.print(plain(f"  {f['doc_id'][:12]}  {f['source']}\n      {f['error']}"))
