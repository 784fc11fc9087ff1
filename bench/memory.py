"""Peak memory of `tenderlens ingest` at 10k and 100k documents, all figures from one run.

    .venv/bin/python bench/memory.py [--sizes 10000 100000] [--engine local:2] [--dir /tmp]

The corpus is the FDDC dev HTML (../shared/eval/fddc/html) replicated into a
temporary folder, each copy with its own bytes (an HTML comment with a counter
appended), so every copy is a new document with the full pipeline's work:
extraction, analysis, store and index. 100k copies take about 1 GB of disk, the
store about as much again; both are deleted afterwards.

The ingest runs as the command a user types, in a child process; its process
tree is sampled every 0.2 s (psutil) for the resident memory of the writer (the
tenderlens process itself), of its largest worker, and of the whole tree.
Memory is flat when the figures at 100k match those at 10k.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
MB = 1 << 20


def replicate(folder: Path, n: int) -> int:
    """n copies of the dev files, 1,000 to a subfolder, each with different bytes."""
    sources = [p.read_bytes() for p in sorted((EVAL / "fddc" / "html").glob("*.html"))]
    total = 0
    for i in range(n):
        sub = folder / f"{i // 1000:04d}"
        if i % 1000 == 0:
            sub.mkdir()
        data = sources[i % len(sources)] + f"\n<!-- tenderlens memory bench copy {i} -->\n".encode()
        (sub / f"copy-{i:07d}.html").write_bytes(data)
        total += len(data)
    return total


def tree_rss(proc: psutil.Process) -> tuple[int, int, int]:
    """(writer, largest worker, whole tree) resident bytes."""
    try:
        writer = proc.memory_info().rss
        kids = [c.memory_info().rss for c in proc.children(recursive=True)]
    except psutil.Error:
        return 0, 0, 0
    return writer, max(kids, default=0), writer + sum(kids)


def measure(folder: Path, db: Path, engine: str) -> dict:
    cmd = [sys.executable, "-m", "tenderlens.cli", "ingest", str(folder), "--db", str(db), "--engine", engine, "-q"]
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc = psutil.Process(child.pid)
    peak = [0, 0, 0]
    trace = []  # writer RSS over time, to see whether it climbs
    while child.poll() is None:
        sample = tree_rss(proc)
        peak = [max(a, b) for a, b in zip(peak, sample)]
        trace.append(sample[0])
        time.sleep(0.2)
    out, err = child.communicate()
    if child.returncode not in (0, 1):
        sys.exit(f"ingest failed ({child.returncode}): {err[-2000:]}")
    tenth = max(1, len(trace) // 10)
    return {"seconds": time.perf_counter() - t0, "writer": peak[0], "worker": peak[1], "tree": peak[2],
            "writer_first_tenth": max(trace[:tenth], default=0), "writer_last_tenth": max(trace[-tenth:], default=0),
            "summary": out.strip().splitlines()[-1] if out.strip() else err.strip()[-300:]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--engine", default="local:2")
    ap.add_argument("--dir", default=tempfile.gettempdir(), help="Where the temporary corpus and store go.")
    args = ap.parse_args()
    print(f"engine {args.engine}; {psutil.cpu_count()} cores, load average {psutil.getloadavg()[0]:.1f} at start")
    print(f"{'documents':>10}{'corpus MB':>11}{'seconds':>9}{'docs/s':>8}{'writer MB':>11}{'worker MB':>11}"
          f"{'tree MB':>9}{'writer 1st/last tenth MB':>26}")
    for n in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="tenderlens-mem-", dir=args.dir))
        try:
            corpus = work / "corpus"
            corpus.mkdir()
            size = replicate(corpus, n)
            r = measure(corpus, work / "store.db", args.engine)
        finally:
            shutil.rmtree(work)
        print(f"{n:>10}{size / 1e6:>11.0f}{r['seconds']:>9.0f}{n / r['seconds']:>8.0f}{r['writer'] / MB:>11.0f}"
              f"{r['worker'] / MB:>11.0f}{r['tree'] / MB:>9.0f}"
              f"{r['writer_first_tenth'] / MB:>13.0f} / {r['writer_last_tenth'] / MB:<10.0f}", flush=True)
        print(f"{'':>10}ingest said: {r['summary']}", flush=True)
    print(f"load average {psutil.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
