"""Analysis benchmark on the FDDC dev HTML files (../shared/eval/fddc/html): analysis time against
extraction time of the same documents, in one run.

    .venv/bin/python bench/analyze.py [--files N] [--repeat R]

Reports, per document (mean and 95th percentile), on one core, extraction and analysis of each
document timed one right after the other:
  extraction   bytes -> Document of normalised pages (tenderlens.extract.extract_document)
  analysis     Document -> Facts (tenderlens.analyze.analyze: fields, categories, vendors, is_surveillance)
and how analysis splits: the one Aho-Corasick matching pass, the category and vendor decisions (given
the buyer and suppliers the fields found, as in analyze), the procurement fields, and each field
finder on the whitespace-free views (built once per document; the view time is shown on its own).
Target: analysis takes at most as long as extraction.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from tenderlens import codebook
from tenderlens.analyze import analyze
from tenderlens.analyze.categories import find_categories
from tenderlens.analyze.fields import FactMaker, extract_fields, views
from tenderlens.analyze.fields.amounts import find_amounts
from tenderlens.analyze.fields.dates import find_date
from tenderlens.analyze.fields.labels import read
from tenderlens.analyze.fields.notice import find_notice_type
from tenderlens.analyze.fields.parties import find_parties
from tenderlens.analyze.fields.region import find_region
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

    ext, ana, docs, facts = [], [], [], []
    for raw in raws:
        # Each document is extracted and then analysed before the next, so that both timings meet the
        # machine in the same state: a shared machine's speed drifts over a run.
        (e,), (doc,) = per_doc(extract_document, [raw], args.repeat)
        (a,), (f,) = per_doc(lambda d: analyze(d, book), [doc], args.repeat)
        ext.append(e), ana.append(a), docs.append(doc), facts.append(f)
    print(describe("extraction", ext))
    print(describe("analysis", ana))
    print(f"analysis / extraction  {sum(ana) / sum(ext):.2f}x (target <= 1x); "
          f"{sum(len(f) for f in facts)} facts, {sum(any(x.key == 'is_surveillance' for x in f) for f in facts)}"
          f" surveillance documents")

    scans, parties = {}, {}
    make = FactMaker("bench", book.version)

    def fields_of(d, key):
        return [f.value for f in parties[d.id] if f.key == key]

    parts = {
        "  matching pass": lambda d: scans.__setitem__(d.id, [matcher.scan(p.n, p.text) for p in d.pages if p.text]),
        "  procurement fields": lambda d: extract_fields(d, book),
        "    views": views,
        "    parties": lambda d: parties.__setitem__(d.id, find_parties(views(d), make)),
        "    amounts": lambda d: find_amounts(views(d), make),
        "    date": lambda d: find_date(views(d), make),
        "    labelled values": lambda d: read(views(d)),
        "    notice type": lambda d: find_notice_type(views(d), make),
        "    region": lambda d: find_region(views(d), make, parties[d.id]),
        "  categories": lambda d: find_categories(d.id, scans[d.id], book,
                                                  next(iter(fields_of(d, "buyer") + fields_of(d, "contract_party")), None)),
        "  vendors": lambda d: find_vendors(d.id, scans[d.id], book, fields_of(d, "supplier")),
    }
    view_time = None
    for name, fn in parts.items():
        times = per_doc(fn, docs, args.repeat)[0]
        if name.startswith("    ") and view_time is not None:  # each field finder without the views it ran on
            times = [t - v for t, v in zip(times, view_time)]
        elif name == "    views":
            view_time = times
        print(describe(name, times))


if __name__ == "__main__":
    main()
