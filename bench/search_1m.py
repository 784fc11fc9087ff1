"""Search and facet latency on a store of 1M documents, all figures from one run.

    .venv/bin/python bench/search_1m.py [--docs 1000000] [--dir /tmp] [--keep]

Templates are real dev documents ingested and analysed by the real pipeline (as
bench/serve.py builds them, which measures 100k through the store API). The 1M
store is then filled by direct SQL inserts, which is what makes a million
documents take minutes rather than hours: each copy gets its own id and bytes (a
line sampled from its template appended to its last page, as in serve.py), its
template's pages and FTS rows, its summary and category rows, and its vendor
facts (the only facts a search page reads). The store goes to a temporary folder
under --dir (about 15 GB at 1M documents) and is deleted afterwards unless --keep.

Reports p50 / p95 over interleaved runs of
  bare         store.search.search(): the keyword alone, top 20 pages
  search q + 3 store.search.search() with the three facets as `tenderlens search` filters
               (--category, --region with the province's code, --year): top 20 pages
  web q        the web app's result list for the keyword (matching documents, total, top 20 with snippets)
  web q + 3    the same with three facet filters (category, province, year) clicked as a user drills down
  facets q + 3 every facet count the result page shows for q + 3
  page q + 3   the whole /search response for q + 3 through the ASGI app (results, facets, HTML)
  page q       the whole /search response for the keyword alone
"""
from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from serve import KEYWORD, build_templates, facet_choice, time_and_report, web_results

from tenderlens import codebook
from tenderlens.store import Store, filters
from tenderlens.store.fts import index_text
from tenderlens.store.search import count, search
from tenderlens.web import create_app
from tenderlens.web.facets import facets
from tenderlens.web.filters import conditions
from tenderlens.web.i18n import Words
from tenderlens.web.labels import Labels
from tenderlens.web.results import select
from tenderlens.web.state import SearchState


class Template:
    """One analysed document as rows, ready to copy under new ids."""

    def __init__(self, db: sqlite3.Connection, doc_id: str, chars: int):
        self.document = db.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()
        self.pages = [(n, text[:chars]) for n, text in
                      db.execute("SELECT n, text FROM pages WHERE doc_id=? AND text != '' ORDER BY n", (doc_id,))]
        self.indexed = [index_text(text) for _, text in self.pages]
        self.summary = db.execute("SELECT * FROM doc_summary WHERE doc_id=?", (doc_id,)).fetchone()
        self.facets = db.execute("SELECT facet_index FROM doc_summary WHERE doc_id=?", (doc_id,)).fetchone()[0]
        self.tags = db.execute("SELECT category, family FROM doc_tags WHERE doc_id=?", (doc_id,)).fetchall()
        self.vendors = db.execute("SELECT kind, key, value, page, start, end, quote, codebook_version, extractor"
                                  " FROM facts WHERE doc_id=? AND kind='vendor'", (doc_id,)).fetchall()


def load_templates(path: Path, chars: int) -> list[Template]:
    db = sqlite3.connect(str(path))
    ids = [r[0] for r in db.execute("SELECT d.id FROM documents d JOIN doc_summary s ON s.doc_id = d.id"
                                    " WHERE d.status='ok' ORDER BY d.id")]
    out = [t for t in (Template(db, i, chars) for i in ids) if t.pages]
    db.close()
    return out


def replicate(path: Path, templates: list[Template], n: int, batch: int = 5000, seed: int = 7) -> float:
    Store(str(path)).close()  # the schema, as the application creates it
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")  # a benchmark store: rebuilt, not recovered, after a crash
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    rng = random.Random(seed)
    t0 = time.perf_counter()
    page_id = 0
    rows: dict[str, list] = {k: [] for k in ("documents", "sources", "pages", "fts", "summary", "tags", "facts")}

    def flush():
        db.execute("BEGIN")
        if rows["documents"]:  # as many columns as the store's documents table has today
            db.executemany(f"INSERT INTO documents VALUES ({','.join('?' * len(rows['documents'][0]))})",
                           rows["documents"])
        db.executemany("INSERT INTO sources (doc_id, uri) VALUES (?,?)", rows["sources"])
        db.executemany("INSERT INTO pages (id, doc_id, n, text, offsets, needs_ocr) VALUES (?,?,?,?,'[]',0)",
                       rows["pages"])
        db.executemany("INSERT INTO pages_fts (rowid, body, facets) VALUES (?,?,?)", rows["fts"])
        if rows["summary"]:
            marks = ",".join("?" * len(rows["summary"][0]))
            db.executemany(f"INSERT INTO doc_summary VALUES ({marks})", rows["summary"])
        db.executemany("INSERT INTO doc_tags VALUES (?,?,?)", rows["tags"])
        db.executemany("INSERT INTO facts (doc_id, kind, key, value, page, start, end, quote, codebook_version,"
                       " extractor) VALUES (?,?,?,?,?,?,?,?,?,?)", rows["facts"])
        db.execute("COMMIT")
        for v in rows.values():
            v.clear()

    for i in range(n):
        t = templates[i % len(templates)]
        last_n, last = t.pages[-1]
        start = rng.randrange(max(1, len(last) - 40))
        line = f"\n副本 {i}: {last[start:start + 40]}"
        new_id = hashlib.sha256(f"{t.document[0]}:{i}".encode() + line.encode()).hexdigest()
        rows["documents"].append((new_id, *t.document[1:]))
        rows["sources"].append((new_id, f"bench-copy-{i}/{t.document[0][:12]}.{t.document[1]}"))
        for k, ((pn, text), indexed) in enumerate(zip(t.pages, t.indexed)):
            page_id += 1
            if k == len(t.pages) - 1:  # a CJK run never spans a newline, so the index text appends too
                text, indexed = text + line, indexed + index_text(line)
            rows["pages"].append((page_id, new_id, pn, text))
            rows["fts"].append((page_id, indexed, t.facets))
        rows["summary"].append((new_id, *t.summary[1:]))
        rows["tags"].extend((new_id, c, f) for c, f in t.tags)
        rows["facts"].extend((new_id, *f) for f in t.vendors)
        if (i + 1) % batch == 0:
            flush()
            print(f"  {i + 1} documents, {time.perf_counter() - t0:.0f} s", end="\r", file=sys.stderr, flush=True)
    flush()
    db.execute("INSERT INTO pages_fts (pages_fts) VALUES ('optimize')")
    db.execute("ANALYZE")
    db.execute("PRAGMA journal_mode=WAL")
    db.close()
    return time.perf_counter() - t0


def store_arguments(doc: str, docs: int, runs: int) -> argparse.ArgumentParser:
    """The options of a benchmark on a generated store (this one and bench/sidecar.py)."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--docs", type=int, default=docs)
    ap.add_argument("--templates", type=int, default=400)
    ap.add_argument("--chars", type=int, default=3000, help="Longest page text kept from a template.")
    ap.add_argument("--runs", type=int, default=runs)
    ap.add_argument("--dir", default=tempfile.gettempdir(), help="Where the temporary store goes.")
    ap.add_argument("--keep", action="store_true", help="Keep the store (and any sidecar); the path is printed.")
    ap.add_argument("--store", type=Path, help="Measure a store kept by an earlier --keep run instead of building one.")
    return ap


def main() -> None:
    args = store_arguments(__doc__, docs=1_000_000, runs=60).parse_args()
    if args.store:
        measure(args, args.store)
        return
    work = Path(tempfile.mkdtemp(prefix="tenderlens-1m-", dir=args.dir))
    try:
        measure(args, build(args, work))
    finally:
        if not args.keep:
            shutil.rmtree(work)


def build(args, work: Path) -> Path:
    tpl_path, db_path = work / "templates.db", work / f"search-{args.docs}.db"
    t = time.perf_counter()
    build_templates(tpl_path, args.templates)
    templates = load_templates(tpl_path, args.chars)
    print(f"templates: {len(templates)} documents ingested and analysed in {time.perf_counter() - t:.0f} s")
    seconds = replicate(db_path, templates, args.docs)
    size = sum(p.stat().st_size for p in work.glob(db_path.name + "*")) / 1e9
    print(f"store: {args.docs} documents written by SQL in {seconds:.0f} s, {size:.1f} GB -> {db_path}")
    return db_path


def measure(args, db_path: Path) -> None:

    filtered = facet_choice(db_path)
    keyword = SearchState(q=KEYWORD)
    labels = Labels.from_codebook(codebook.load())
    store = Store(str(db_path), readonly=True)
    client = TestClient(create_app(str(db_path)), base_url="http://127.0.0.1")

    def facet_counts(state):
        select(store, state, conditions(state))
        return facets(store, state, labels, Words())

    code = store.db.execute("SELECT substr(region_code, 1, 2) FROM doc_summary WHERE province = ? LIMIT 1",
                            (filtered.province,)).fetchone()[0]
    cli = filters.conditions(category_=filtered.cat[0], region_=code, year_=int(filtered.year))
    totals = {"bare": count(store, KEYWORD), "search q + 3": count(store, KEYWORD, cli), "web q": web_results(store, keyword),
              "web q + 3": web_results(store, filtered)}
    for url in (keyword.url("/search"), filtered.url("/search")):
        assert client.get(url).status_code == 200, url
    queries = {
        "bare": lambda: search(store, KEYWORD, limit=20),
        "search q + 3": lambda: search(store, KEYWORD, limit=20, conditions=cli),
        "web q": lambda: web_results(store, keyword),
        "web q + 3": lambda: web_results(store, filtered),
        "facets q + 3": lambda: facet_counts(filtered),
        "page q + 3": lambda: client.get(filtered.url("/search")),
        "page q": lambda: client.get(keyword.url("/search")),
    }
    time_and_report(queries, args.runs, filtered, totals)
    store.close()


if __name__ == "__main__":
    main()
