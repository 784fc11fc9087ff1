"""OCR of the pages of one document: image -> engine chosen for the page -> cache or reading -> text with word boxes.

Each page stands alone: a page that cannot be rendered, decoded or read comes
back as the reason, and the other pages of the document still come back read.

Which engine reads a page (--ocr-engine auto): PP-OCR for Chinese and mixed
pages, Tesseract for the rest. The page is read first by the engine that read
the page before it in this worker (a document's first page by the engine its
text layer's language calls for, if it has one), and the share of CJK characters
in that reading decides: Tesseract's chi_sim+eng reading of an English page
holds 0-1% CJK, of a Chinese page 67-84%. When the first engine was the wrong
one, the page is read again by the other (already turned upright when the first
had to ask OSD). A collection
is mostly of one language, so an English collection costs nothing extra, and a
Chinese one pays for a second reading only where the script changes.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from PIL import Image

from . import engine, ppocr
from .cache import OcrCache, key
from .images import PageImageError, image_frames, pdf_pages
from .layout import assemble, is_cjk, normalised, page_box
from .settings import OcrSettings
from .words import Word, mean_confidence

TESSERACT, PPOCR = engine.ENGINE, ppocr.ENGINE
# A reading with at least this share of CJK among its non-space characters is a Chinese or mixed page.
CJK_SHARE = 0.1
# PP-OCR scores upright lines 90-100; below this mean (0-100) the page may be turned and OSD decides.
PPOCR_UPRIGHT_CONFIDENCE = 80.0

# The engine that read this worker's last page: the first engine for the next document's first page.
_recent = threading.local()
# A worker forked from a process that read pages starts afresh, as a spawned one does.
os.register_at_fork(after_in_child=lambda: _recent.__dict__.clear())


@dataclass
class OcrPage:
    text: str                 # normalised, like every page's text
    offsets: list[list[int]]  # normalise's map back to the assembled OCR text
    ocr: dict[str, Any]       # what Page.ocr stores: engine, version, lang, dpi, rotation, route, words


def ocr_pages(fmt: str, data: bytes, numbers: list[int], settings: OcrSettings,
              language: str | None = None) -> Iterator[tuple[int, OcrPage | str]]:
    """(page number, result or the reason it failed) for each wanted page of a PDF or image file.

    language: the document's language from its text layer, if any ("zh" starts with PP-OCR, "en"
    with Tesseract; without one, the engine of the worker's last page starts).
    """
    if fmt == "pdf":
        images = pdf_pages(data, numbers, settings.dpi, settings.max_pixels)
    else:
        images = image_frames(data, numbers, settings.max_pixels)
    cache = OcrCache(settings.cache_dir)
    first = {"zh": PPOCR, "en": TESSERACT}.get(language) or getattr(_recent, "engine", TESSERACT)
    for n, image, dpi in images:
        if isinstance(image, PageImageError):
            yield n, str(image)
            continue
        try:
            page = read_page(image, dpi, settings, cache, first)
        except Exception as e:  # the engine choking on one page is that page's failure only
            yield n, f"OCR failed: {type(e).__name__}: {e}"
            continue
        first = _recent.engine = page.ocr["engine"]
        yield n, page


def read_page(image: Image.Image, dpi: int, settings: OcrSettings, cache: OcrCache, first: str = TESSERACT) -> OcrPage:
    if settings.engine != "auto":
        raw, identity = _read(settings.engine, image, dpi, settings, cache)
        return _page(raw, identity, {"by": "option"})
    raw, identity = _read(first, image, dpi, settings, cache)
    share = cjk_share(raw["words"])
    chosen = PPOCR if share >= CJK_SHARE else TESSERACT
    route = {"by": "script", "first": first, "cjk_share": round(share, 3)}
    if chosen != first:
        # OSD's answer carries over; a first reading confident enough to skip OSD says little about
        # how upright the page is for the other engine, which then makes its own check.
        known = raw["rotation"] if raw["orientation_confidence"] is not None else None
        raw, identity = _read(chosen, image, dpi, settings, cache, known)
    return _page(raw, identity, route)


def cjk_share(words: list[list[Any]]) -> float:
    chars = [c for w in words for c in w[0] if not c.isspace()]
    return sum(map(is_cjk, chars)) / len(chars) if chars else 0.0


def identity(name: str, settings: OcrSettings, dpi: int) -> dict[str, Any]:
    """Everything that shapes an engine's reading of a page image: the cache key and the page's record."""
    if name == PPOCR:  # orientation still comes from Tesseract's OSD, so its data is part of the reading
        return {"engine": PPOCR, "version": ppocr.version(), "lang": "ch", "dpi": dpi,
                "models": ppocr.model_fingerprint(ppocr.TUNING), "data": engine.data_fingerprint("osd"),
                **ppocr.TUNING.key(),
                "upright_conf": PPOCR_UPRIGHT_CONFIDENCE, "min_osd_conf": engine.MIN_ORIENTATION_CONFIDENCE}
    return {"engine": TESSERACT, "version": engine.version(), "lang": settings.lang, "dpi": dpi,
            "data": engine.data_fingerprint(settings.lang), "upright_conf": engine.UPRIGHT_CONFIDENCE,
            "min_osd_conf": engine.MIN_ORIENTATION_CONFIDENCE}


def _read(name: str, image: Image.Image, dpi: int, settings: OcrSettings, cache: OcrCache,
          rotation: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The engine's raw reading of the page, from the cache or read now; `rotation` when already known."""
    ident = identity(name, settings, dpi)
    k = key(image, {**ident, "given_rotation": rotation})
    raw = cache.get(k)
    if raw is None:
        if name == PPOCR:
            raw = _recognise(image, dpi, ppocr.recognise, PPOCR_UPRIGHT_CONFIDENCE, rotation)
        else:
            raw = _recognise(image, dpi, lambda im: engine.recognise(im, dpi, settings.lang),
                             engine.UPRIGHT_CONFIDENCE, rotation)
        cache.put(k, raw)
    return raw, ident


def _recognise(image: Image.Image, dpi: int, read: Callable[[Image.Image], list[Word]], upright: float,
               rotation: int | None) -> dict[str, Any]:
    """Read the page as it comes; only a doubtful reading pays for orientation detection.

    OSD costs about a third of a Tesseract pass. Upright pages read with a mean
    word confidence of 70-95 (Tesseract) or 90-100 (PP-OCR), sideways or
    upside-down ones far lower (LPL checks, Chinese tender pages), so a confident
    first reading is kept as it is. Otherwise OSD decides, and a turned page is
    read again; the more confident reading wins.
    """
    confidence = None
    if rotation is not None:
        words = read(image.rotate(rotation, expand=True) if rotation else image)
    else:
        words = read(image)
        rotation = 0
        if mean_confidence(words) < upright:
            rotation, confidence = engine.orientation(image, dpi)
            if rotation:
                turned = read(image.rotate(rotation, expand=True))
                if mean_confidence(turned) > mean_confidence(words):
                    words = turned
                else:
                    rotation = 0
    size = image.size if rotation in (0, 180) else (image.height, image.width)
    return {"rotation": rotation, "size": list(size),
            "orientation_confidence": None if confidence is None else round(confidence, 2),
            "words": [[w.text, w.brk, *w.box, w.conf] for w in words]}


def _page(raw: dict[str, Any], identity: dict[str, Any], route: dict[str, Any]) -> OcrPage:
    words = [Word(t, brk, (x0, y0, x1, y1), conf) for t, brk, x0, y0, x1, y1, conf in raw["words"]]
    text, spans = assemble(words)
    norm, offsets, moved = normalised(text, spans)
    size, rotation = tuple(raw["size"]), raw["rotation"]
    boxes = [[*span, *page_box(w.box, size, rotation)] for w, span in zip(words, moved) if span]
    ocr = {"engine": identity["engine"], "version": identity["version"], "lang": identity["lang"],
           "dpi": identity["dpi"], "rotation": rotation, "orientation_confidence": raw["orientation_confidence"],
           "confidence": round(mean_confidence(words), 1), "route": route, "words": boxes}
    return OcrPage(norm, offsets, ocr)
