"""OCR benchmark: pages per CPU-second of --ocr-engine auto against Tesseract only, on English and Chinese scans,
and the peak memory of a worker. Every figure comes from one run.

    .venv/bin/python bench/ocr.py [--english 10] [--chinese 4] [--accuracy N]
    .venv/bin/python bench/ocr.py --levers N [--half tune|held] [--only SETTING ...]

English set: the first N LPL check scans (../shared/eval/lpl-checks/scans), PDFs of page images.
Chinese set: N three-page documents of government PDF pages (../shared/eval/cn-gov-pdfs) made into
"scanned" TIFFs (tests/scanned.py: 200 dpi, skew, noise, JPEG q40), no text layer.

Each engine setting runs in a fresh worker process (one thread, as ingest's workers are) that
reads every page through extract_document with the cache off; the process's CPU time per set and
its peak resident memory are reported. Targets: auto on English pages >= 0.9x Tesseract only
(routing costs almost nothing), on Chinese pages >= 0.35x, a worker <= 1.5 GB.

--accuracy N also scores both engines on N Chinese pages in the three variants of tests/scanned.py
(order-free character error rate; company names and amounts of the text layer found).

--levers N scores PP-OCR's tunings (ppocr.Tuning: box growth, recognition batch, detection size, model)
against each other in one run, on N pages of each half of the Chinese pages: the pages with at least
400 characters, shuffled with a fixed seed, split into a tuning half (rules are chosen from it) and a
held-out half (only scored). Settings are interleaved page by page, so machine load falls on all alike;
--half runs one half, so the two halves can run side by side:

    .venv/bin/python bench/ocr.py --levers 5 --half tune & .venv/bin/python bench/ocr.py --levers 5 --half held
"""
from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
sys.path.insert(0, str(REPO / "tests"))

from scanned import VARIANTS, cer, flat, landmarks, page_image, page_text  # noqa: E402

CN = EVAL / "cn-gov-pdfs" / "examples"
# Pages with at least 400 characters of text layer, picked with a fixed seed (see chinese_pages).
SEED = 7


def chinese_pages(n_pages: int, half: str | None = None) -> list[tuple[Path, int]]:
    """Pages with at least 400 characters in a fixed shuffled order; half "tune" or "held" for one half of them."""
    import random

    import pypdfium2 as pdfium
    pages = []
    for path in sorted(CN.glob("*.pdf")):
        pdf = pdfium.PdfDocument(str(path))
        pages += [(path, i) for i in range(len(pdf)) if len(flat(pdf[i].get_textpage().get_text_range())) >= 400]
        pdf.close()
    random.Random(SEED).shuffle(pages)
    if half:
        pages = pages[:len(pages) // 2] if half == "tune" else pages[len(pages) // 2:]
    return pages[:n_pages]


def chinese_docs(n_docs: int) -> list[tuple[str, bytes, int]]:
    docs = []
    pages = chinese_pages(3 * n_docs)
    for d in range(n_docs):
        frames = [page_image(path, i, "scanned", seed=k)[0] for k, (path, i) in enumerate(pages[3 * d:3 * d + 3])]
        buf = io.BytesIO()
        frames[0].save(buf, format="TIFF", compression="tiff_lzw", save_all=True, append_images=frames[1:], dpi=(200, 200))
        docs.append((f"cn-{d}.tif", buf.getvalue(), len(frames)))
    return docs


def english_docs(n_docs: int) -> list[tuple[str, bytes, int]]:
    import pypdfium2 as pdfium
    docs = []
    for path in sorted((EVAL / "lpl-checks" / "scans").glob("*.pdf"))[:n_docs]:
        data = path.read_bytes()
        docs.append((path.name, data, len(pdfium.PdfDocument(data))))
    return docs


def worker(engine: str, sets: dict[str, list[tuple[str, bytes, int]]], out) -> None:
    """One worker process reading every set with one engine setting: CPU seconds per set, engines used, peak RSS."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from tenderlens.extract import extract_document
    from tenderlens.model import OK, RawDoc
    from tenderlens.ocr import OcrSettings
    settings = OcrSettings(mode="always", engine=engine, cache_dir=None)
    result = {}
    for name, docs in sets.items():
        t = time.process_time()
        used: dict[str, int] = {}
        for fname, data, _ in docs:
            doc = extract_document(RawDoc(fname, data, fname), ocr=settings)
            assert doc.status == OK, (fname, doc.status, doc.error)
            for p in doc.pages:
                used[p.ocr["engine"]] = used.get(p.ocr["engine"], 0) + 1
        result[name] = (time.process_time() - t, used)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put(result)


def run(engine: str, sets) -> dict:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    p = ctx.Process(target=worker, args=(engine, sets, out))
    p.start()
    result = out.get()
    p.join()
    return result


def accuracy(n_pages: int) -> None:
    from tenderlens.ocr import engine, ppocr
    from tenderlens.ocr.layout import assemble
    pages = chinese_pages(n_pages)
    print(f"\naccuracy on {len(pages)} Chinese pages (order-free CER; names and amounts found)")
    for variant in VARIANTS:
        for name, read in (("tesseract", lambda im, dpi: engine.recognise(im, dpi, "chi_sim+eng")),
                           ("ppocr", lambda im, dpi: ppocr.recognise(im))):
            errors = chars = found = wanted = 0
            for k, (path, i) in enumerate(pages):
                truth = page_text(path, i)
                image, dpi = page_image(path, i, variant, seed=k)
                text, _ = assemble(read(image, dpi))
                e, n = cer(truth, text)
                errors, chars = errors + e, chars + n
                names = landmarks(truth)
                found, wanted = found + sum(1 for x in names if x in flat(text)), wanted + len(names)
            print(f"  {variant:8s} {name:10s} CER {errors / chars:.4f}  found {found}/{wanted}")


def levers(n_pages: int, halves: tuple[str, ...], only: list[str] | None = None) -> None:
    """CER, names found and CPU time of each PP-OCR tuning, per variant, on the tuning and held-out halves."""
    from PIL import Image

    from tenderlens.ocr import ppocr
    from tenderlens.ocr.layout import assemble
    T = ppocr.Tuning
    settings = {
        "v4, RapidOCR defaults (unclip 1.6, batch 6)": T(rec_model="v4", rec_batch=6),
        "v4, batch 1": T(rec_model="v4"),
        "v4, batch 1, unclip 2.0": T(rec_model="v4", unclip_ratio=2.0),
        "v4, batch 1, unclip 2.5": T(rec_model="v4", unclip_ratio=2.5),
        "v4, batch 1, unclip 2.0, detection 1280": T(rec_model="v4", unclip_ratio=2.0, det_side=1280),
        "v4, batch 1, unclip 2.0, detection 960": T(rec_model="v4", unclip_ratio=2.0, det_side=960),
        "v5, batch 1, unclip 2.0": T(unclip_ratio=2.0),
        "v5, batch 1 (tenderlens)": T(),
    }
    if only:
        settings = {name: t for name, t in settings.items() if name in only}
    for tuning in settings.values():  # models loaded outside the timing
        ppocr.recognise(Image.new("L", (64, 64), 255), tuning)
    print(f"\nPP-OCR tunings on {n_pages} pages of each half (order-free CER; names and amounts found; CPU s/page)")
    for half in halves:
        pages = chinese_pages(n_pages, half)
        tally = {(name, v): [0, 0, 0, 0, 0.0] for name in settings for v in VARIANTS}
        for k, (path, i) in enumerate(pages):
            truth = page_text(path, i)
            names = landmarks(truth)
            for variant in VARIANTS:
                image, _ = page_image(path, i, variant, seed=k)
                for name, tuning in settings.items():
                    t = time.process_time()
                    text, _ = assemble(ppocr.recognise(image, tuning))
                    cost = time.process_time() - t
                    e, n = cer(truth, text)
                    row = tally[(name, variant)]
                    row[0] += e
                    row[1] += n
                    row[2] += sum(1 for x in names if x in flat(text))
                    row[3] += len(names)
                    row[4] += cost
        print(f"  {half} half: {', '.join(f'{p.name[:9]}:{i}' for p, i in pages)}")
        for name in settings:
            cells = []
            for v in VARIANTS:
                e, n, f, w, cost = tally[(name, v)]
                cells.append(f"{v} {e / n:.4f} {f}/{w} {cost / len(pages):.2f}s")
            print(f"    {name:40s} " + " | ".join(cells), flush=True)
    print(f"  peak memory of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--english", type=int, default=10, help="LPL check scans in the English set")
    ap.add_argument("--chinese", type=int, default=4, help="three-page scanned documents in the Chinese set")
    ap.add_argument("--accuracy", type=int, default=0, metavar="N", help="also score both engines on N Chinese pages")
    ap.add_argument("--levers", type=int, default=0, metavar="N",
                    help="only compare PP-OCR's tunings on N pages of each half of the Chinese pages")
    ap.add_argument("--half", choices=("tune", "held"), help="--levers on one half only (run the two side by side)")
    ap.add_argument("--only", action="append", metavar="SETTING",
                    help='--levers on this setting only (repeatable), e.g. --only "v5, batch 1 (tenderlens)"')
    args = ap.parse_args()
    if args.levers:
        os.environ["OMP_THREAD_LIMIT"] = "1"
        levers(args.levers, (args.half,) if args.half else ("tune", "held"), args.only)
        return
    sets = {"english": english_docs(args.english), "chinese": chinese_docs(args.chinese)}
    pages = {name: sum(n for *_, n in docs) for name, docs in sets.items()}
    print(f"English: {len(sets['english'])} check scans, {pages['english']} pages; "
          f"Chinese: {len(sets['chinese'])} scanned documents, {pages['chinese']} pages")
    results = {engine: run(engine, sets) for engine in ("tesseract", "auto")}
    for engine, result in results.items():
        rates = ", ".join(f"{name} {pages[name] / result[name][0]:.3f} pages/CPU-s ({result[name][0]:.0f} s; "
                          f"read by {result[name][1]})" for name in sets)
        print(f"{engine:10s} {rates}; peak worker memory {result['peak_mb']:.0f} MB")
    for name, target in (("english", 0.9), ("chinese", 0.35)):
        ratio = results["tesseract"][name][0] / results["auto"][name][0]
        print(f"auto / tesseract on {name} pages: {ratio:.2f}x (target >= {target}x)")
    if args.accuracy:
        accuracy(args.accuracy)


if __name__ == "__main__":
    main()
