"""Search latency of the web app on a store of 100k documents, all figures from one run.

    .venv/bin/python bench/serve.py [--docs 100000] [--templates 400] [--runs 60]

The store is built from dev documents (../shared/eval/fddc/html plus the demo
corpus): the templates are ingested and analysed by the real pipeline once, then
replicated through the store API, each copy with its own bytes (a line of text
sampled from its template appended to its last page, so ids, bigrams and lengths
vary) and its template's facts, which rebuild its summary and tags. Pages are cut
to --chars characters to keep the file near 1 GB.

Reports p50 / p95 latency of
  bare        store.search.search(): the keyword alone, top 20 pages by rank (what `tenderlens search` runs)
  web q       the web app's result list for the keyword alone (matching documents, total, top 20 with snippets)
  web q + 3   the same with three facet filters (category, province, year), as a click on three facets makes it
  web page    the whole /search response for q + 3 (result list, every facet count, HTML) through the ASGI app
  api q + 3   the same answer as JSON from /api/search
  doc page    a document page arrived at from the keyword's results (page text with hits, facts in words)
  page q + buyer  the whole /search page for the keyword with part of the name of the commonest buyer
              among its documents (buyer=…: the names containing it as facet tokens, web/filters.py)
  purchases 3 the whole /purchases page with three filters (category, province, year: the commonest
              surveillance category, then province, then year among its purchases), 100 rows with totals
  api purch 3 the same answer as JSON from /api/purchases

The store's purchases are those `tenderlens link` found among the templates, copied once per round of
copies (copy_purchases), with the templates' organisations.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sqlite3
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from tenderlens.cli import main as cli
from tenderlens.cli.demo import demo_corpus
from tenderlens.model import Document, Fact, Page
from tenderlens.pipeline import ingest
from tenderlens.records import facts_of
from tenderlens.store import Store
from tenderlens.store import purchases as purchase_tables
from tenderlens.store.search import count, search
from tenderlens.web import create_app, results
from tenderlens.web.app import TUNING
from tenderlens.web.filters import conditions
from tenderlens.web.purchases import PurchaseQuery
from tenderlens.web.state import SearchState

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
OUT = Path(__file__).resolve().parent / "out"
KEYWORD = "监控"


def build_templates(path: Path, n: int) -> None:
    files = sorted((EVAL / "fddc" / "html").glob("*.html"))[:n]
    store = Store(str(path))
    ingest([str(f) for f in files] + [demo_corpus()], store)
    store.close()
    result = CliRunner().invoke(cli, ["analyze", "--db", str(path), "-q"])
    if result.exit_code != 0:
        sys.exit(f"analysis of the templates failed: {result.output}")


def load_templates(path: Path, chars: int) -> list[tuple[Document, list[Fact]]]:
    store = Store(str(path), readonly=True)
    out = []
    for (doc_id,) in store.db.execute("SELECT id FROM documents WHERE status = 'ok' ORDER BY id").fetchall():
        doc = store.load_document(doc_id)
        doc.pages = [Page(p.n, p.text[:chars], [], p.needs_ocr) for p in doc.pages if p.text]
        if not doc.pages:
            continue
        lengths = {p.n: len(p.text) for p in doc.pages}
        facts = [f for f in facts_of(store, doc_id) if f.page in lengths and f.end <= lengths[f.page]]
        out.append((doc, facts))
    store.close()
    return out


def replicate(path: Path, templates: list[tuple[Document, list[Fact]]], n: int,
              seed: int = 7) -> tuple[float, list[tuple[str, str]]]:
    """Write n copies of the templates; the seconds taken and (template id, copy id) of each copy in order."""
    rng = random.Random(seed)
    copies = []
    store = Store(str(path))
    t0 = time.perf_counter()
    store.begin()
    for i in range(n):
        doc, facts = templates[i % len(templates)]
        last = doc.pages[-1].text
        start = rng.randrange(max(1, len(last) - 40))
        line = f"\n副本 {i}: {last[start:start + 40]}"
        text = doc.pages[-1].text + line
        new_id = hashlib.sha256(f"{doc.id}:{i}".encode() + text.encode()).hexdigest()
        copies.append((doc.id, new_id))
        pages = doc.pages[:-1] + [Page(doc.pages[-1].n, text, [])]
        copy = Document(new_id, doc.format, doc.mime, len(text.encode()), pages, doc.title, doc.language)
        version = facts[0].codebook_version if facts else "none"
        store.write_document(copy, [f"bench-copy-{i}/{doc.id[:12]}.{doc.format}"], codebook_version=version,
                             facts=[Fact(new_id, f.kind, f.key, f.value, f.page, f.start, f.end, f.quote,
                                         f.codebook_version, f.extractor) for f in facts])
        if i % 2000 == 1999:
            store.commit()
            store.begin()
            print(f"  {i + 1} documents, {time.perf_counter() - t0:.0f} s", end="\r", flush=True)
    store.commit()
    store.db.execute("ANALYZE")
    store.close()
    return time.perf_counter() - t0, copies


def copy_purchases(tpl_path: Path, path: Path, copies: list[tuple[str, str]], per_round: int) -> int:
    """The purchases `tenderlens link` found among the templates, copied once per round of copies (the
    copies of round k of a purchase's notices form its k-th copy), with the templates' organisations.
    Linking 100k near-copies would fold them into the templates' few hundred purchases instead."""
    db = sqlite3.connect(str(path))
    db.executescript(purchase_tables.TABLES)
    db.execute("ATTACH ? AS tpl", (str(tpl_path),))
    db.execute("BEGIN")
    for table in ("organisations", "aliases", "org_relations"):
        db.execute(f"INSERT OR IGNORE INTO {table} SELECT * FROM tpl.{table}")
    docs: dict[str, list] = {}
    for purchase_id, doc_id, stage, date, reasons in db.execute("SELECT * FROM tpl.purchase_docs"):
        docs.setdefault(purchase_id, []).append((doc_id, stage, date, reasons))
    template = {r[0]: r for r in db.execute("SELECT * FROM tpl.purchases")}
    related: dict[tuple[str, str], list] = {}
    for table in ("purchase_suppliers", "purchase_tags", "purchase_flags"):
        for pid, *rest in db.execute(f"SELECT * FROM tpl.{table}"):
            related.setdefault((table, pid), []).append(rest)
    n = 0
    for k in range(0, len(copies), per_round):
        copy_of = dict(copies[k:k + per_round])
        for pid, row in template.items():
            own = [(copy_of[d], *rest) for d, *rest in docs.get(pid, []) if d in copy_of]
            if not own:
                continue
            new = f"{pid}-{k // per_round}"
            record = json.loads(row[-1])
            record["id"] = new
            record["documents"] = [dict(d, doc_id=copy_of[d["doc_id"]]) for d in record["documents"]
                                   if d["doc_id"] in copy_of]
            db.execute("INSERT INTO purchases VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (new, *row[1:12], len(own), json.dumps(record, ensure_ascii=False)))
            db.executemany("INSERT INTO purchase_docs VALUES (?,?,?,?,?)", [(new, *d) for d in own])
            for table in ("purchase_suppliers", "purchase_tags", "purchase_flags"):
                for rest in related.get((table, pid), []):
                    db.execute(f"INSERT INTO {table} VALUES (?{',?' * len(rest)})", (new, *rest))
            n += 1
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()
    return n


def facet_choice(path: Path) -> dict:
    """Three facet values clicked one after another (the commonest category among documents holding the
    keyword, then the commonest province among those, then the commonest year), as a user drills down."""
    store = Store(str(path), readonly=True)
    state = SearchState(q=KEYWORD)
    picks = (("cat", "doc_tags t", "t.category", "t.family = 'tech'"),
             ("province", "doc_summary s", "s.province", "s.province IS NOT NULL"),
             ("year", "doc_summary s", "s.year", "s.year IS NOT NULL"))
    for param, table, column, where in picks:
        results.select(store, state, conditions(state))
        value = store.db.execute(f"SELECT {column} FROM temp.result r JOIN {table} ON {table[-1]}.doc_id = r.doc_id"
                                 f" WHERE {where} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        state = replace(state, **{param: (value,) if param == "cat" else str(value)})
    store.close()
    return state


def purchase_choice(path: Path) -> str:
    """The purchases view with three filters clicked one after another, as for the search: the commonest
    surveillance category, then the commonest province among its purchases, then the commonest year."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    category = db.execute("SELECT category FROM purchase_tags WHERE category LIKE 'tech.%' GROUP BY 1"
                          " ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    tagged = "p.id IN (SELECT purchase_id FROM purchase_tags WHERE category = ?)"
    province = db.execute(f"SELECT province FROM purchases p WHERE {tagged} AND province IS NOT NULL GROUP BY 1"
                          " ORDER BY count(*) DESC LIMIT 1", (category,)).fetchone()[0]
    year = db.execute(f"SELECT year FROM purchases p WHERE {tagged} AND province = ? AND year IS NOT NULL"
                      " GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", (category, province)).fetchone()[0]
    db.close()
    return PurchaseQuery(category=category, region=province, year=str(year)).url()


def web_results(store: Store, state: SearchState) -> int:
    results.ensure_analysis_tables(store)
    terms = results.select(store, state, conditions(state))
    total = results.count(store)
    results.page_of_results(store, state, terms)
    return total


def percentiles(samples: list[float]) -> tuple[float, float]:
    qs = statistics.quantiles(samples, n=20, method="inclusive")
    return statistics.median(samples) * 1000, qs[18] * 1000


def interleaved(queries: dict, runs: int) -> dict[str, list[float]]:
    """Seconds each query took in each of `runs` rounds, every query once a round, so drift on a
    shared machine hits every query alike."""
    samples: dict[str, list[float]] = {k: [] for k in queries}
    for _ in range(runs):
        for name, fn in queries.items():
            t = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t)
    return samples


def time_and_report(queries: dict, runs: int, filtered: SearchState, totals: dict) -> None:
    """Time each query `runs` times, interleaved, and print p50/p95 with the ratio to the bare full-text query."""
    samples = interleaved(queries, runs)
    print(f"\nkeyword {KEYWORD!r}; facets: category {filtered.cat[0]}, province {filtered.province}, year {filtered.year}")
    print(f"matches: {totals['bare']} pages for the keyword; web: {totals['web q']} documents, "
          f"{totals['web q + 3']} with the three facets")
    bare95 = percentiles(samples["bare"])[1]
    print(f"{'query':<16}{'p50 ms':>9}{'p95 ms':>9}{'p95 / bare p95':>16}   ({runs} runs each)")
    for name, times in samples.items():
        p50, p95 = percentiles(times)
        print(f"{name:<16}{p50:>9.1f}{p95:>9.1f}{p95 / bare95:>16.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--templates", type=int, default=400)
    ap.add_argument("--chars", type=int, default=3000, help="Longest page text kept from a template.")
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--reuse", action="store_true", help="Measure the store a previous run built, if there is one.")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    tpl_path, db_path = OUT / "serve-templates.db", OUT / f"serve-{args.docs}.db"
    if not (args.reuse and db_path.exists()):
        for p in (tpl_path, db_path):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{p}{suffix}").unlink(missing_ok=True)
        t = time.perf_counter()
        build_templates(tpl_path, args.templates)
        templates = load_templates(tpl_path, args.chars)
        print(f"templates: {len(templates)} documents ingested and analysed in {time.perf_counter() - t:.0f} s")
        seconds, copies = replicate(db_path, templates, args.docs)
        print(f"store: {args.docs} documents written in {seconds:.0f} s")
        n = copy_purchases(tpl_path, db_path, copies, len(templates))
        print(f"store: {n} purchases copied from the templates' {len(templates)} documents")
    print(f"store: {db_path}, {db_path.stat().st_size / 1e6:.0f} MB")

    filtered = facet_choice(db_path)
    keyword = SearchState(q=KEYWORD)
    store = Store(str(db_path), readonly=True)
    for pragma in TUNING:  # as the web app's connections
        store.db.execute(pragma)
    client = TestClient(create_app(str(db_path)), base_url="http://127.0.0.1")
    url = filtered.url("/search")
    totals = {"bare": count(store, KEYWORD), "web q": web_results(store, keyword),
              "web q + 3": web_results(store, filtered)}
    assert client.get(url).status_code == 200
    doc_id = store.db.execute("SELECT doc_id FROM temp.result ORDER BY score LIMIT 1").fetchone()[0]
    doc_url = keyword.url(f"/doc/{doc_id}")
    assert client.get(doc_url).status_code == 200 and client.get("/api" + url).status_code == 200
    # Part of a buyer's name (no facet token: a LIKE over the summary), as typed into the buyer box.
    web_results(store, keyword)   # the commonest buyer among the keyword's documents
    buyer = store.db.execute("SELECT buyer FROM temp.result WHERE buyer IS NOT NULL GROUP BY 1"
                             " ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    part_url = replace(keyword, buyer=buyer[2:6]).url("/search")
    assert client.get(part_url).status_code == 200
    print(f"buyer part: {buyer[2:6]!r} of {buyer!r}, {client.get('/api' + part_url).json()['total']} documents")
    purchases_url = purchase_choice(db_path)
    assert client.get(purchases_url).status_code == 200 and client.get("/api" + purchases_url).status_code == 200
    print(f"purchases view: {purchases_url}, {client.get('/api' + purchases_url).json()['overall']['purchases']}"
          f" of {store.db.execute('SELECT count(*) FROM purchases').fetchone()[0]} purchases")
    queries = {"bare": lambda: search(store, KEYWORD, limit=20),
               "web q": lambda: web_results(store, keyword),
               "web q + 3": lambda: web_results(store, filtered),
               "web page": lambda: client.get(url),
               "api q + 3": lambda: client.get("/api" + url),
               "doc page": lambda: client.get(doc_url),
               "page q + buyer": lambda: client.get(part_url),
               "purchases 3": lambda: client.get(purchases_url),
               "api purch 3": lambda: client.get("/api" + purchases_url)}
    time_and_report(queries, args.runs, filtered, totals)
    store.close()


if __name__ == "__main__":
    main()
