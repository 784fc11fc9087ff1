from __future__ import annotations

import click

from .. import codebook
from ..store import StoreError
from ..store.filters import conditions
from ..store.fts import QueryError
from ..store.search import MARK_CLOSE, MARK_OPEN, search
from .common import console, db_option, fail, json_option, marked, mask_option, open_store, plain, print_json


@click.command("search")
@click.argument("query")
@db_option
@click.option("--limit", type=click.IntRange(0, 1_000_000), default=20, show_default=True, help="Most hits to print; 0 for all.")
@click.option("--offset", type=click.IntRange(0, 1 << 62), default=0, help="Skip this many hits (paging).")
@click.option("--category", help="Only documents tagged with this category id (tech.face_recognition) or family (target).")
@click.option("--region", help="Only documents in this region: a GB/T 2260 code prefix (4401) or a name (广东, 广州市).")
@click.option("--buyer", help="Only documents whose buyer or signing party contains this text.")
@click.option("--vendor", help="Only documents naming this vendor (any codebook name: 海康威视, Hikvision) or supplier.")
@click.option("--year", type=click.IntRange(1000, 9999), help="Only documents dated in this year.")
@click.option("--min-amount", type=float, help="Only documents with an amount of at least this many yuan.")
@click.option("--max-amount", type=float, help="Only documents with an amount of at most this many yuan.")
@click.option("--surveillance", is_flag=True, default=None,
              help="Only documents analysis judged to be about buying surveillance (is_surveillance).")
@json_option
@mask_option
def command(query, db_path, limit, offset, category, region, buyer, vendor, year, min_amount, max_amount,
            surveillance, as_json, no_mask):
    """Full-text search over page text, Chinese and English.

    Words must all occur; "quoted phrases" occur as written; OR takes either
    neighbour; -word excludes. Chinese words of any length match as contiguous
    strings (雪亮, 人脸识别). Filters narrow the hits to documents by what
    analysis found in them; amounts are in yuan.

    \b
    Example:
      tenderlens search 雪亮 --db notices.db
      tenderlens search '"video surveillance" OR CCTV' --json --limit 0
      tenderlens search 监控 --category tech.face_recognition --region 广东 --year 2017 --min-amount 1e6
    """
    store = open_store(db_path)
    where = conditions(category, region, buyer, vendor, year, min_amount, max_amount, surveillance or None,
                       codebook.load())
    try:
        hits = search(store, query, limit=limit, offset=offset, conditions=where, masked=not no_mask)
    except QueryError as e:
        fail(str(e))
    except StoreError as e:
        fail(f"{e} (filters need analysed documents: run `tenderlens analyze --db {db_path}`)")
    if as_json:
        print_json([h.to_dict() for h in hits])
        return
    if not hits:
        console.print(plain(f"no hits for {query}"))
        return
    for h in hits:
        console.print(plain((h.doc_id[:12], "bold"), f" p.{h.page}  ", (h.source, "dim")))
        console.print(plain("    ") + marked(h.snippet, MARK_OPEN, MARK_CLOSE))
    console.print(f"[dim]{len(hits)} hits shown (offset {offset})[/dim]")
