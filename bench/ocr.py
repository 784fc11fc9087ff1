"""OCR benchmark on the LPL check scans (../shared/eval/lpl-checks/scans), all figures from one run.

    .venv/bin/python bench/ocr.py [--lang chi_sim+eng] [--workers N]

Reports pages/s of
  bare tesseract  the `tesseract` command on page images rendered beforehand (300 dpi PNG),
                  one single-threaded process per core (OMP_THREAD_LIMIT=1), as a batch script would
  tenderlens      `ingest --ocr always` of the same PDFs on all cores, cache off: rendering, orientation
                  detection, OCR, text assembly, normalisation, analysis and the database included
  re-run          the same ingest into a fresh database with the cache the first run filled
and the ratio tenderlens / bare tesseract (target >= 0.9).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypdfium2 as pdfium

from tenderlens.executors import ProcessExecutor
from tenderlens.ocr import OcrSettings
from tenderlens.pipeline import ingest
from tenderlens.store import Store

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
DPI = 300


def render_all(pdfs: list[Path], folder: Path) -> list[Path]:
    images = []
    for pdf_path in pdfs:
        pdf = pdfium.PdfDocument(str(pdf_path))
        for i in range(len(pdf)):
            out = folder / f"{pdf_path.stem}-{i + 1}.png"
            pdf[i].render(scale=DPI / 72, grayscale=True).to_pil().save(out, dpi=(DPI, DPI))
            images.append(out)
        pdf.close()
    return images


def bare_tesseract(images: list[Path], lang: str, workers: int) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(image: Path) -> None:
        subprocess.run(["tesseract", str(image), str(image.with_suffix("")), "-l", lang],
                       env=env, check=True, capture_output=True)

    t = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - t


def through_tenderlens(scans: Path, db: Path, ocr: OcrSettings, workers: int) -> tuple[float, int]:
    store = Store(str(db))
    executor = ProcessExecutor(workers)
    try:
        t = time.perf_counter()
        result = ingest([str(scans)], store, executor, ocr=ocr)
        seconds = time.perf_counter() - t
    finally:
        executor.close()
    ocred = store.db.execute("SELECT count(*) FROM pages WHERE ocr IS NOT NULL AND ocr NOT LIKE '%\"error\"%'").fetchone()[0]
    store.close()
    if result.counts["ok"] != result.counts["seen"]:
        sys.exit(f"not every scan was read: {dict(result.counts)}")
    return seconds, ocred


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", default="chi_sim+eng")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    scans = EVAL / "lpl-checks" / "scans"
    pdfs = sorted(scans.glob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "png").mkdir()
        images = render_all(pdfs, tmp / "png")
        print(f"{len(pdfs)} check scans, {len(images)} pages, lang {args.lang}, {args.workers} workers")

        bare = bare_tesseract(images, args.lang, args.workers)
        print(f"bare tesseract   {bare:6.1f} s  {len(images) / bare:5.2f} pages/s")

        ocr = OcrSettings(mode="always", lang=args.lang, cache_dir=str(tmp / "cache"))
        ours, pages = through_tenderlens(scans, tmp / "first.db", ocr, args.workers)
        assert pages == len(images), (pages, len(images))
        print(f"tenderlens       {ours:6.1f} s  {pages / ours:5.2f} pages/s")
        print(f"ratio            {(pages / ours) / (len(images) / bare):.2f}x bare tesseract (target >= 0.9x)")

        again, _ = through_tenderlens(scans, tmp / "again.db", ocr, args.workers)
        print(f"re-run (cached)  {again:6.1f} s  {pages / again:5.2f} pages/s")


if __name__ == "__main__":
    main()
