"""The /search page with and without the Tantivy sidecar, on one generated store, in one run.

    .venv/bin/python bench/sidecar.py [--docs 100000] [--runs 30] [--dir /tmp] [--keep] [--store PATH]

The store is generated as bench/search_1m.py does (real dev documents ingested and
analysed, then copied by SQL with their pages, index rows, summaries and vendors);
the sidecar is then built from it by `sidecar.rebuild`, and its build time and size
are printed. Each query runs --runs times, interleaved (sidecar and SQLite-only one
after the other each round), so drift on the shared machine hits both alike:

  web q / web q + 3     the web app's result for the keyword (temp.result, total, top 20 with snippets),
                        alone and with three facets clicked (category, province, year)
  page q / page q + 3   the whole /search response through the ASGI app (results, every facet count, HTML)
  counts q + 3          the sidecar alone: total and every facet kind's counts from its term dictionary
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from search_1m import build
from serve import KEYWORD, facet_choice, percentiles, web_results

from tenderlens.store import Store, sidecar
from tenderlens.store import facet_tokens as ft
from tenderlens.store.fts import parse_query
from tenderlens.web.app import create_app
from tenderlens.web.filters import conditions
from tenderlens.web.state import SearchState

KINDS = (ft.CATEGORY, ft.FAMILY, ft.SURVEILLANCE, ft.NOTICE_TYPE, ft.YEAR, ft.PROVINCE, ft.PREFECTURE,
         ft.COUNTY, ft.BUYER, ft.VENDOR, ft.FORMAT)


def index(db_path: Path) -> None:
    store = Store(str(db_path))
    t = time.perf_counter()
    sidecar.rebuild(store)
    seconds = time.perf_counter() - t
    state = sidecar.state(store)
    store.close()
    print(f"sidecar: {state['indexed']} documents indexed in {seconds:.0f} s, {state['bytes'] / 1e6:.0f} MB")


def measure(db_path: Path, runs: int) -> None:
    filtered = facet_choice(db_path)
    keyword = SearchState(q=KEYWORD)
    store = Store(str(db_path), readonly=True)
    client = TestClient(create_app(str(db_path)), base_url="http://127.0.0.1")
    real = sidecar.fill_hits
    on = {"sidecar": True}
    sidecar.fill_hits = lambda *a: on["sidecar"] and real(*a)
    side = sidecar.open_current(store)
    assert side is not None, "the sidecar is not current"

    def counts(state):
        groups = [g for c in conditions(state) for g in c.tokens]
        q = side.restricted(parse_query(state.q)[0], groups)
        return side.count(q), {k: side.facet_counts(q, k) for k in KINDS}

    def both(fn):
        def with_sidecar(use):
            def run():
                on["sidecar"] = use
                return fn()
            return run
        return with_sidecar(True), with_sidecar(False)

    cases = {"web q": lambda: web_results(store, keyword), "web q + 3": lambda: web_results(store, filtered),
             "page q": lambda: client.get(keyword.url("/search")),
             "page q + 3": lambda: client.get(filtered.url("/search"))}
    queries = {}
    for name, fn in cases.items():
        queries[name + " sidecar"], queries[name + " sqlite"] = both(fn)
    queries["counts q + 3 sidecar"] = lambda: counts(filtered)
    for name in ("web q", "web q + 3"):  # the same documents either way, or the figures mean nothing
        a, b = queries[name + " sidecar"](), queries[name + " sqlite"]()
        assert a == b, (name, a, b)
    for name in ("page q", "page q + 3"):
        assert queries[name + " sidecar"]().status_code == 200
    samples: dict[str, list[float]] = {k: [] for k in queries}
    for _ in range(runs):
        for name, fn in queries.items():
            t = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t)
    print(f"\nkeyword {KEYWORD!r}; facets: category {filtered.cat[0]}, province {filtered.province}, "
          f"year {filtered.year}; {web_results(store, keyword)} documents, {web_results(store, filtered)} with the three")
    print(f"{'query':<22}{'p50 ms':>9}{'p95 ms':>9}   ({runs} interleaved runs each)")
    for name, times in samples.items():
        p50, p95 = percentiles(times)
        print(f"{name:<22}{p50:>9.1f}{p95:>9.1f}")
    print(f"peak resident memory of this process (store, sidecar, app): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--templates", type=int, default=400)
    ap.add_argument("--chars", type=int, default=3000, help="Longest page text kept from a template.")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--dir", default=tempfile.gettempdir(), help="Where the temporary store goes.")
    ap.add_argument("--keep", action="store_true", help="Keep the store and its sidecar (the path is printed).")
    ap.add_argument("--store", type=Path, help="Measure a store kept by an earlier --keep run.")
    args = ap.parse_args()
    if args.store:
        if not os.path.isdir(str(args.store) + ".tantivy"):
            index(args.store)
        measure(args.store, args.runs)
        return
    work = Path(tempfile.mkdtemp(prefix="tenderlens-sidecar-", dir=args.dir))
    try:
        db_path = build(args, work)
        index(db_path)
        measure(db_path, args.runs)
    finally:
        if not args.keep:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
