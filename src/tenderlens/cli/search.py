from __future__ import annotations

import click

from ..privacy import mask
from ..store.fts import QueryError
from ..store.search import MARK_CLOSE, MARK_OPEN, search
from .common import console, db_option, fail, json_option, mask_option, open_store, print_json


@click.command("search")
@click.argument("query")
@db_option
@click.option("--limit", type=int, default=20, show_default=True, help="Most hits to print; 0 for all.")
@click.option("--offset", type=int, default=0, help="Skip this many hits (paging).")
@json_option
@mask_option
def command(query, db_path, limit, offset, as_json, no_mask):
    """Full-text search over page text, Chinese and English.

    Words must all occur; "quoted phrases" occur as written; OR takes either
    neighbour; -word excludes. Chinese words of any length match as contiguous
    strings (雪亮, 人脸识别).

    \b
    Example:
      tenderlens search 雪亮 --db notices.db
      tenderlens search '"video surveillance" OR CCTV' --json --limit 0
    """
    store = open_store(db_path)
    try:
        hits = search(store, query, limit=limit, offset=offset)
    except QueryError as e:
        fail(str(e))
    for h in hits:
        if not no_mask:
            h.snippet = mask(h.snippet)
    if as_json:
        print_json([h.to_dict() for h in hits])
        return
    if not hits:
        console.print(f"no hits for {query}")
        return
    for h in hits:
        snippet = h.snippet.replace("[", r"\[").replace(MARK_OPEN, "[bold yellow]").replace(MARK_CLOSE, "[/bold yellow]")
        console.print(f"[bold]{h.doc_id[:12]}[/bold] p.{h.page}  [dim]{h.source}[/dim]")
        console.print(f"    {snippet}")
    console.print(f"[dim]{len(hits)} hits shown (offset {offset})[/dim]")
