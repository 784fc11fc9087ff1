"""Ingest benchmark on the FDDC dev HTML files (../shared/eval/fddc/html), all figures from one run.

    .venv/bin/python bench/ingest.py [--files N]

Reports
  whole path     documents/s of `ingest` (collect, extract, store, index), serial and on all cores, and peak RSS
  extraction     bytes -> normalised page text, against a bare lxml parse + text_content() of the same bytes
  store + index  writing those pages with Store.write_document, against a bare insert of the same bigram
                 index text into a plain FTS5 table (same tokenizer): the floor is SQLite itself
and, for the extraction, where the time goes (sniff, decode, parse, block walk, normalise).
"""
from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import lxml.html

from tenderlens.executors import ProcessExecutor, SerialExecutor
from tenderlens.extract import doc_id, extract_document
from tenderlens.extract.encoding import decode
from tenderlens.extract.html import html_to_text
from tenderlens.model import RawDoc
from tenderlens.pipeline import ingest
from tenderlens.sniff import sniff
from tenderlens.store import Store
from tenderlens.store.fts import index_text
from tenderlens.textnorm import normalise

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=0, help="use only the first N files (0 = all)")
    args = ap.parse_args()
    paths = sorted((EVAL / "fddc" / "html").glob("*.html"))
    if args.files:
        paths = paths[: args.files]
    raws = [RawDoc(str(p), p.read_bytes(), p.name) for p in paths]
    mb = sum(len(r.data) for r in raws) / 1e6
    print(f"{len(raws)} FDDC HTML files, {mb:.1f} MB")

    # Extraction against a bare parse with the same parser.
    bare, _ = timed(lambda: [lxml.html.document_fromstring(r.data).text_content() for r in raws])
    ext, docs = timed(lambda: [extract_document(r) for r in raws])
    print(f"\nextraction        {ext:6.2f} s   bare lxml parse+text {bare:6.2f} s   ratio {ext / bare:.2f}x (target <= 2x)")
    parts = {
        "sha256": lambda: [doc_id(r) for r in raws],
        "sniff (libmagic)": lambda: [sniff(r.data, r.name_hint) for r in raws],
        "decode": lambda: [decode(r.data, markup=True) for r in raws],
    }
    texts = [decode(r.data, markup=True)[0] for r in raws]
    parts["parse + block walk"] = lambda: [html_to_text(t) for t in texts]
    bodies = [html_to_text(t)[0] for t in texts]
    parts["normalise"] = lambda: [normalise(b) for b in bodies]
    for name, fn in parts.items():
        print(f"  {name:20s} {timed(fn)[0]:6.2f} s")

    # Store + index against a bare FTS5 insert of the same index text.
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(os.path.join(tmp, "store.db"))

        def write_all():
            store.begin()
            for i, d in enumerate(docs):
                store.write_document(d, [d.id])
                if i % 200 == 199:
                    store.commit()
                    store.begin()
            store.commit()
        st, _ = timed(write_all)
        store.close()

        db = sqlite3.connect(os.path.join(tmp, "bare.db"), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE VIRTUAL TABLE f USING fts5(body, content='', tokenize='unicode61 remove_diacritics 2')")
        page_texts = [p.text for d in docs for p in d.pages]

        def bare_insert(rows):
            db.execute("BEGIN")
            db.executemany("INSERT INTO f (body) VALUES (?)", ((t,) for t in rows))
            db.execute("COMMIT")
        tr, indexed = timed(lambda: [index_text(t) for t in page_texts])
        bi, _ = timed(bare_insert, indexed)
        db.close()
    print(f"\nstore + index     {st:6.2f} s   bare FTS5 insert {bi:6.2f} s (+ bigram transform {tr:.2f} s)")
    print(f"  ratio against bare insert + transform {st / (bi + tr):.2f}x (target <= 1.5x); "
          f"against the insert alone {st / bi:.2f}x")

    # The whole path.
    for label, make in (("serial", SerialExecutor), ("all cores", ProcessExecutor)):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(os.path.join(tmp, "whole.db"))
            ex = make()
            t, res = timed(ingest, [str(p) for p in paths], store, ex)
            ex.close()
            store.close()
        print(f"\nwhole path ({label}, {ex.workers} worker(s)): {res.counts['ok']} ok in {t:.2f} s = {len(paths) / t:.0f} docs/s")
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {rss_self:.0f} MB (it also holds all files in memory for the"
          f" comparisons above), largest worker {rss_children:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
