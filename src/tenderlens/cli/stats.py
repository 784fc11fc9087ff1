from __future__ import annotations

import click

from ..privacy import mask_tree
from .common import console, db_option, json_option, mask_option, open_store, plain, print_json


@click.command("stats")
@db_option
@json_option
@mask_option
def command(db_path, as_json, no_mask):
    """Counts by status, format and language, with every failure and its reason.

    \b
    Example:
      tenderlens stats --db notices.db --json
    """
    st = open_store(db_path).stats()
    if not no_mask:  # failure reasons and sources name files, and file names carry numbers too
        st["failures"] = mask_tree(st["failures"])
    if as_json:
        print_json(st)
        return
    console.print(f"[bold]{st['documents']}[/bold] documents, {st['pages']} pages "
                  f"({st['pages_needing_ocr']} need OCR), {st['sources']} sources, {st['facts']} facts")
    for key in ("by_status", "by_format", "by_language"):
        console.print(plain(f"{key.replace('_', ' ')}: " + ", ".join(f"{k} {v}" for k, v in st[key].items())))
    if st["failures"]:
        console.print(plain((f"{len(st['failures'])} failed:", "red")))
        for f in st["failures"]:
            console.print(plain(f"  {f['doc_id'][:12]}  {f['source']}\n      {f['error']}"))
