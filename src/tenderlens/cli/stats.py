from __future__ import annotations

import click

from .common import console, db_option, json_option, open_store, print_json


@click.command("stats")
@db_option
@json_option
def command(db_path, as_json):
    """Counts by status, format and language, with every failure and its reason, and documents with warnings.

    \b
    Example:
      tenderlens stats --db notices.db --json
    """
    st = open_store(db_path).stats()
    if as_json:
        print_json(st)
        return
    console.print(f"[bold]{st['documents']}[/bold] documents, {st['pages']} pages "
                  f"({st['pages_needing_ocr']} need OCR), {st['sources']} sources, {st['facts']} facts")
    for key in ("by_status", "by_format", "by_language"):
        console.print(f"{key.replace('_', ' ')}: " + ", ".join(f"{k} {v}" for k, v in st[key].items()))
    if st["documents_with_warnings"]:
        console.print(f"[yellow]{st['documents_with_warnings']} with warnings[/yellow] (text lost or doubted):")
        for w in st["warnings"]:
            console.print(f"  {w['doc_id'][:12]}  {w['source']}\n      " + "\n      ".join(w["warnings"]), markup=False)
    if st["failures"]:
        console.print(f"[red]{len(st['failures'])} failed:[/red]")
        for f in st["failures"]:
            console.print(f"  {f['doc_id'][:12]}  {f['source']}\n      {f['error']}", markup=False)
