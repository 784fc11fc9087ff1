"""What masking costs and finds on real notices, all figures from one run.

    .venv/bin/python bench/masking.py [--source yichang] [--docs 400] [--rounds 5] [--show 25]

Ingests --docs files of a folder of ../shared/eval (fddc: listed-company
announcements; yichang: municipal procurement notices, which print contact phone
numbers; ccgp-notices, cn-gov-pdfs: held out, never read to write the rules),
sorted by path, with the real pipeline, then over their stored page text reports:
  mask        time of privacy.mask over every page, as a ratio to the bigram index text alone,
              and as a share of the time ingest took over the same files (what masking adds to a run)
  index       time of fts.index_text (which masks) over every page, as a ratio to the bigram text alone
  found       how many ID-card and mobile numbers masking finds, how many pages hold one,
              and how many characters it changes (a share of all characters); --show prints that
              many found numbers in context (fixed seed), to judge by eye which are personal
Speed is a ratio within this run, never an absolute time.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from tenderlens.pipeline import ingest
from tenderlens.privacy import identifier_spans, mask
from tenderlens.store import Store
from tenderlens.store.fts import _CJK_RUN, _bigrams, index_text

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def bigrams_only(text: str) -> str:
    return _CJK_RUN.sub(lambda m: _bigrams(m.group()), text)


def best_of(rounds: int, fn, texts: list[str]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for t in texts:
            fn(t)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", default="yichang", help="folder of ../shared/eval holding the HTML files")
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "bench.db"))
        files = [p for p in sorted((EVAL / args.source).rglob("*")) if p.is_file() and p.suffix != ".md"]
        start = time.perf_counter()
        ingest([str(p) for p in files[:args.docs]], store)
        ingest_seconds = time.perf_counter() - start
        texts = [r[0] for r in store.db.execute("SELECT text FROM pages WHERE text != ''")]
        store.close()
    chars = sum(map(len, texts))
    base = best_of(args.rounds, bigrams_only, texts)
    print(f"{len(texts)} pages, {chars} characters from {min(args.docs, len(files))} files of {args.source}")
    masking = best_of(args.rounds, mask, texts)
    print(f"mask        {masking / base:.2f}x the bigram text; {masking / ingest_seconds:.2%} of the ingest time")
    print(f"index       {best_of(args.rounds, index_text, texts) / base:.2f}x the bigram text (bigrams of masked text)")
    spans = [identifier_spans(t) for t in texts]
    changed = sum(a != b for t in texts for a, b in zip(t, mask(t)))
    print(f"found       {sum(map(len, spans))} numbers on {sum(1 for s in spans if s)} pages;"
          f" {changed} characters masked ({changed / chars:.5%} of all)")
    found = [(t, a, b) for t, s in zip(texts, spans) for a, b in s]
    for t, a, b in random.Random(7).sample(found, min(args.show, len(found))):
        print("   ", repr(t[max(0, a - 12):b + 3]))


if __name__ == "__main__":
    main()
