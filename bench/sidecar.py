"""The /search page and its API with and without the Tantivy sidecar, on one generated store, in one run.

    .venv/bin/python bench/sidecar.py [--docs 100000] [--runs 30] [--dir /tmp] [--keep] [--store PATH]

The store is generated as bench/search_1m.py does (real dev documents ingested and
analysed, then copied by SQL with their pages, index rows, summaries and vendors);
the sidecar is then built from it by `sidecar.rebuild`, and its build time and size
are printed. Each case runs --runs times, interleaved (sidecar and SQLite-only one
after the other each round, each path on its own app and store connection), so drift on
the shared machine hits both alike:

  page q / page q + 3   the whole /search response through the ASGI app (results, every facet count, totals, HTML),
                        for the keyword alone and with three facets clicked (category, province, year)
  api q / api q + 3     /api/search: total, totals per currency and one page of results as JSON
  facets q + 3          /api/facets: every facet count
  answer q / q + 3      the sidecar alone (sidecar.page): total, page of hits, every facet count, totals
  answer 监             the same for a 1-character keyword, which matches many more documents

Before timing, both paths must give the same total, totals and facet counts, or the figures mean nothing.
"""
from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from search_1m import build, store_arguments
from serve import KEYWORD, facet_choice, interleaved, percentiles

from tenderlens.store import Store, sidecar
from tenderlens.store.fts import parse_query
from tenderlens.web import results
from tenderlens.web.app import create_app
from tenderlens.web.state import SearchState


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
    # One app (and store connection) per path, as two deployments: a SQLite-path request leaves temporary
    # tables on its connection that the next request there drops, a cost no sidecar deployment pays.
    clients = {use: TestClient(create_app(str(db_path)), base_url="http://127.0.0.1") for use in (True, False)}
    real = sidecar.page
    on = {"sidecar": True}
    sidecar.page = lambda *a: real(*a) if on["sidecar"] else None
    assert sidecar.open_current(store) is not None, "the sidecar is not current"

    def answer(state):
        return real(store, parse_query(state.q)[0], results.sidecar_filters(state), state.sort, 0, 20)

    def both(url):
        def with_sidecar(use):
            def run():
                on["sidecar"] = use
                return clients[use].get(url)
            return run
        return with_sidecar(True), with_sidecar(False)

    cases = {"page q": keyword.url("/search"), "page q + 3": filtered.url("/search"),
             "api q": keyword.url("/api/search"), "api q + 3": filtered.url("/api/search"),
             "facets q + 3": filtered.url("/api/facets")}
    queries = {}
    for name, url in cases.items():
        queries[name + " sidecar"], queries[name + " sqlite"] = both(url)
    queries["answer q sidecar"] = lambda: answer(keyword)
    queries["answer q + 3 sidecar"] = lambda: answer(filtered)
    queries["answer 监 sidecar"] = lambda: answer(SearchState(q="监"))  # 1 character: an expanded prefix
    for name in ("page q", "page q + 3"):
        assert queries[name + " sidecar"]().status_code == queries[name + " sqlite"]().status_code == 200
    for name in ("api q", "api q + 3", "facets q + 3"):
        a, b = queries[name + " sidecar"]().json(), queries[name + " sqlite"]().json()
        a.pop("results", None), b.pop("results", None)  # ties in rank may order the page differently
        sums = [[t.pop("amount") for t in x.get("totals", [])] for x in (a, b)]
        assert a == b and all(abs(p - q) <= 1e-9 * abs(q) for p, q in zip(*sums)), name  # added in another order
    samples = interleaved(queries, runs)
    print(f"\nkeyword {KEYWORD!r}; facets: category {filtered.cat[0]}, province {filtered.province}, "
          f"year {filtered.year}; {answer(keyword).total} documents, {answer(filtered).total} with the three")
    print(f"{'case':<24}{'p50 ms':>9}{'p95 ms':>9}   ({runs} interleaved runs each)")
    for name, times in samples.items():
        p50, p95 = percentiles(times)
        print(f"{name:<24}{p50:>9.1f}{p95:>9.1f}")
    print(f"peak resident memory of this process (store, sidecar, app): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    store.close()


def main() -> None:
    args = store_arguments(__doc__, docs=100_000, runs=30).parse_args()
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
