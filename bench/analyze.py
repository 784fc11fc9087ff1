"""Analysis benchmark on the FDDC dev HTML files (../shared/eval/fddc/html): analysis time against
extraction time of the same documents, in one run.

    .venv/bin/python bench/analyze.py [--files N] [--repeat R]

Reports, per document (mean and 95th percentile), on one core:
  extraction   bytes -> Document of normalised pages (tenderlens.extract.extract_document)
  analysis     Document -> Facts (tenderlens.analyze.analyze: fields, categories, vendors, is_surveillance)
and how analysis splits: the one Aho-Corasick matching pass, the category and vendor decisions, the
procurement fields. Target: analysis takes at most as long as extraction.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from tenderlens import codebook
from tenderlens.analyze import analyze
from tenderlens.analyze.categories import find_categories
from tenderlens.analyze.fields import extract_fields
from tenderlens.analyze.matcher import matcher_for
from tenderlens.analyze.vendors import find_vendors
from tenderlens.extract import extract_document
from tenderlens.model import RawDoc

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def per_doc(fn, items, repeat: int) -> tuple[list[float], list]:
    """Best of `repeat` timings for each item (the least disturbed by other processes on the machine)."""
    times, outs = [], []
    for item in items:
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            out = fn(item)
            best = min(best, time.perf_counter() - t)
        times.append(best)
        outs.append(out)
    return times, outs


def describe(name: str, times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1]
    return f"{name:22s} total {sum(times):7.2f} s   mean {1e3 * statistics.mean(times):6.2f} ms   p95 {1e3 * p95:6.2f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=0, help="use only the first N files (0 = all)")
    ap.add_argument("--repeat", type=int, default=3, help="time each document this many times, keep the best")
    args = ap.parse_args()
    paths = sorted((EVAL / "fddc" / "html").glob("*.html"))
    if args.files:
        paths = paths[: args.files]
    raws = [RawDoc(str(p), p.read_bytes(), p.name) for p in paths]
    book = codebook.load()
    matcher = matcher_for(book)  # built once per process, as in an ingest worker
    analyze(extract_document(raws[0]), book)  # warm caches (codebook indexes, region tables)
    print(f"{len(raws)} FDDC HTML files, {sum(len(r.data) for r in raws) / 1e6:.1f} MB, codebook {book.version}")

    ext, docs = per_doc(extract_document, raws, args.repeat)
    ana, facts = per_doc(lambda d: analyze(d, book), docs, args.repeat)
    print(describe("extraction", ext))
    print(describe("analysis", ana))
    print(f"analysis / extraction  {sum(ana) / sum(ext):.2f}x (target <= 1x); "
          f"{sum(len(f) for f in facts)} facts, {sum(any(x.key == 'is_surveillance' for x in f) for f in facts)}"
          f" surveillance documents")

    scans = {}
    parts = {
        "  matching pass": lambda d: scans.__setitem__(d.id, [matcher.scan(p.n, p.text) for p in d.pages if p.text]),
        "  categories": lambda d: find_categories(d.id, scans[d.id], book),
        "  vendors": lambda d: find_vendors(d.id, scans[d.id], book, []),
        "  procurement fields": lambda d: extract_fields(d, book),
    }
    for name, fn in parts.items():
        print(describe(name, per_doc(fn, docs, args.repeat)[0]))


if __name__ == "__main__":
    main()
