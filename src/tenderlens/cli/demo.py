from __future__ import annotations

from importlib.resources import files

import click

from ..executors import SerialExecutor
from ..pipeline import ingest
from ..store import Store, StoreError
from ..store.aggregates import Filters, purchases
from ..store.search import MARK_CLOSE, MARK_OPEN, search
from .common import console, fail, marked, plain
from .link import relink, report
from .serve import host_option, port_option, run_server

SAMPLE_QUERIES = ("雪亮", "人脸识别", '"license plate"')
PURCHASES_SHOWN = 5


def demo_corpus() -> str:
    return str(files("tenderlens") / "demo" / "corpus")


@click.command("demo")
@click.option("--db", "db_path", default="demo.db", show_default=True, help="Where to build the demo database.")
@click.option("--serve", is_flag=True, help="Then open the web app on the demo database (runs until Ctrl-C).")
@host_option
@port_option
def command(db_path, serve, host, port):
    """Ingest the bundled demo corpus, link its notices into purchases, then print a summary, sample searches and the largest purchases.

    The demo corpus is a dozen short synthetic notices written for tenderlens,
    every one marked as a sample: Chinese and English, HTML (UTF-8 and GBK), PDF,
    DOCX, XLSX, JSON, text and a zip archive.

    \b
    Example:
      tenderlens demo --db demo.db
      tenderlens demo --serve          # then open http://127.0.0.1:8765
    """
    try:
        store = Store(db_path)
        result = ingest([demo_corpus()], store, SerialExecutor())
        linked = relink(store, db_path)
    except StoreError as e:
        fail(str(e))
    c = result.counts
    console.print(plain(("demo corpus", "bold"), f" {demo_corpus()}"))
    console.print(f"{c['seen']} documents seen, {c['ok']} ok, {c['needs_ocr']} need OCR, "
                  f"{c['failed']} failed, {c['already_stored']} already stored -> {db_path}", markup=False, highlight=False)
    report(linked, db_path)
    st = store.stats()
    console.print(plain("formats: " + ", ".join(f"{k} {v}" for k, v in st["by_format"].items())))
    for q in SAMPLE_QUERIES:
        hits = search(store, q, limit=3)
        console.print(plain("\n", (f"tenderlens search {q} --db {db_path}", "bold")))
        for h in hits:
            console.print(plain(f"  {h.doc_id[:12]} p.{h.page} ", (h.source.rsplit('/', 1)[-1], "dim"), "\n    ")
                          + marked(h.snippet, MARK_OPEN, MARK_CLOSE))
    console.print(plain("\n", (f"tenderlens purchases --limit {PURCHASES_SHOWN} --db {db_path}", "bold"),
                        "  (also --group-by buyer|supplier|province|year|category, and `tenderlens orgs`)"))
    for r in purchases(store.db, Filters(), "amount", PURCHASES_SHOWN):
        amount = f"{r['amount']:,.0f} {r['currency']}" if r["amount"] is not None else "-"
        suppliers = "; ".join(filter(None, r["supplier_names"])) or "-"
        console.print(plain(f"  {amount:>18}  {r['buyer_name'] or '-'} <- {suppliers}  ",
                            (f"{len(r['documents'])} notice(s)", "dim"), f"\n    {r['title'] or ''}"))
    store.close()
    if serve:
        run_server(db_path, host, port)
