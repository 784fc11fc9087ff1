"""Scale-up and Dask overhead of `ingest`, all figures from one run.

    .venv/bin/python bench/scale.py [--rounds 2]

Corpus: the FDDC dev HTML (../shared/eval/fddc/html) plus the cn-gov tender PDFs,
ingested whole (extract, analyse, store, index) into a fresh store each time by
  serial        everything in this process (what --engine serial and local:1 run)
  pool:1        a process pool of 1 worker (the writer stays in this process, beside it)
  pool:2        a process pool of 2 workers (--engine local:2)
  dask-local:2  a local Dask cluster of 2 single-threaded worker processes
Configurations are interleaved round by round, so drift in the machine's load
hits all of them alike; each figure is the median over rounds. "run" counts
starting and stopping the executor (a Dask cluster takes seconds to start),
"ingest" only the ingest call. Reports
  scale-up   2 cores against 1: pool:2 (--engine local:2) against serial (--engine local:1, one
             process doing everything), target >= 1.8x; and pool:2 against pool:1, which
             already uses 2 processes on 2 cores (the worker on one, the writer on the other)
  Dask       dask-local:2 against pool:2 (target >= 0.9x)
  writer     documents/s the one writer stores (pages, index, facts, summary) when workers keep up:
             the ceiling of any cluster feeding one SQLite file
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

from tenderlens import codebook
from tenderlens.collect import iter_raw
from tenderlens.dask_executor import DaskExecutor
from tenderlens.executors import ProcessExecutor, SerialExecutor
from tenderlens.extract import doc_id
from tenderlens.pipeline import ingest, process
from tenderlens.store import Store

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
ENGINES = {
    "serial": SerialExecutor,
    "pool:1": lambda: ProcessExecutor(1),
    "pool:2": lambda: ProcessExecutor(2),
    "dask-local:2": lambda: DaskExecutor(local_workers=2),
}


def once(engine: str, paths: list[str], tmp: str) -> tuple[float, float, int]:
    db = os.path.join(tmp, f"{engine.replace(':', '-')}-{time.monotonic_ns()}.db")
    t0 = time.perf_counter()
    executor = ENGINES[engine]()
    store = Store(db)
    try:
        t1 = time.perf_counter()
        result = ingest(paths, store, executor)
        t2 = time.perf_counter()
    finally:
        store.close()
        executor.close()
    t3 = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    stored = sum(result.counts[s] for s in ("ok", "needs_ocr", "empty", "failed"))
    return t3 - t0, t2 - t1, stored


def writer_rate(paths: list[str], tmp: str) -> float:
    """Documents/s of the writer alone, on results computed beforehand."""
    done = [process((raw, doc_id(raw))) for raw in iter_raw(paths)]
    version = codebook.load().version
    store = Store(os.path.join(tmp, "writer.db"))
    t = time.perf_counter()
    store.begin()
    for i, (doc, facts, prepared) in enumerate(done):
        store.write_document(doc, [f"copy-{i}"], facts=facts, codebook_version=version, prepared=prepared)
        if i % 200 == 199:
            store.commit()
            store.begin()
    store.commit()
    seconds = time.perf_counter() - t
    store.close()
    return len(done) / seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    paths = [str(EVAL / "fddc" / "html"), str(EVAL / "cn-gov-pdfs" / "examples")]
    files = sum(1 for p in paths for f in Path(p).iterdir() if f.suffix in (".html", ".pdf"))
    print(f"{files} documents (FDDC dev HTML + cn-gov PDFs); {psutil.cpu_count()} cores; "
          f"load average {psutil.getloadavg()[0]:.1f} at start, {time.strftime('%H:%M UTC', time.gmtime())}")
    runs: dict[str, list[tuple[float, float]]] = {e: [] for e in ENGINES}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for engine in ENGINES:
                run, ing, stored = once(engine, paths, tmp)
                runs[engine].append((run, ing))
                print(f"  round {r + 1} {engine:<13} run {run:6.1f} s  ingest {ing:6.1f} s  {stored} documents",
                      flush=True)
        writer = writer_rate(paths, tmp)
    med = {e: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)) for e, v in runs.items()}
    print(f"\n{'engine':<14}{'run s':>8}{'ingest s':>10}{'docs/s':>8}")
    for e, (run, ing) in med.items():
        print(f"{e:<14}{run:>8.1f}{ing:>10.1f}{files / ing:>8.1f}")
    print(f"\nscale-up pool:2 / serial     run {med['serial'][0] / med['pool:2'][0]:.2f}x  "
          f"ingest {med['serial'][1] / med['pool:2'][1]:.2f}x  (2 cores against 1; target >= 1.8x)")
    print(f"scale-up pool:2 / pool:1     run {med['pool:1'][0] / med['pool:2'][0]:.2f}x  "
          f"ingest {med['pool:1'][1] / med['pool:2'][1]:.2f}x  (pool:1 already has the writer on a 2nd core)")
    print(f"Dask dask-local:2 / pool:2   run {med['pool:2'][0] / med['dask-local:2'][0]:.2f}x  "
          f"ingest {med['pool:2'][1] / med['dask-local:2'][1]:.2f}x  (target >= 0.9x)")
    print(f"writer alone: {writer:.0f} documents/s stored (pages, index, facts, summary)")
    print(f"load average {psutil.getloadavg()[0]:.1f} at the end, {time.strftime('%H:%M UTC', time.gmtime())}")


if __name__ == "__main__":
    sys.exit(main())
