"""OCR of the pages of one document: image -> cache or engine -> normalised text with word boxes.

Each page stands alone: a page that cannot be rendered, decoded or read comes
back as the reason, and the other pages of the document still come back read.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from PIL import Image

from . import engine
from .cache import OcrCache, key
from .images import PageImageError, image_frames, pdf_pages
from .layout import assemble, normalised, page_box
from .settings import OcrSettings


@dataclass
class OcrPage:
    text: str                 # normalised, like every page's text
    offsets: list[list[int]]  # normalise's map back to the assembled OCR text
    ocr: dict[str, Any]       # what Page.ocr stores: engine, version, lang, dpi, rotation, words


def ocr_pages(fmt: str, data: bytes, numbers: list[int], settings: OcrSettings) -> Iterator[tuple[int, OcrPage | str]]:
    """(page number, result or the reason it failed) for each wanted page of a PDF or image file."""
    if fmt == "pdf":
        images = pdf_pages(data, numbers, settings.dpi, settings.max_pixels)
    else:
        images = image_frames(data, numbers, settings.max_pixels)
    cache = OcrCache(settings.cache_dir)
    for n, image, dpi in images:
        if isinstance(image, PageImageError):
            yield n, str(image)
            continue
        try:
            yield n, read_page(image, dpi, settings.lang, cache)
        except Exception as e:  # the engine choking on one page is that page's failure only
            yield n, f"OCR failed: {type(e).__name__}: {e}"


def read_page(image: Image.Image, dpi: int, lang: str, cache: OcrCache) -> OcrPage:
    identity = {"engine": engine.ENGINE, "version": engine.version(), "lang": lang, "dpi": dpi,
                "data": engine.data_fingerprint(lang), "min_osd_conf": engine.MIN_ORIENTATION_CONFIDENCE}
    k = key(image, identity)
    raw = cache.get(k)
    if raw is None:
        raw = _recognise(image, dpi, lang)
        cache.put(k, raw)
    return _page(raw, identity)


def _recognise(image: Image.Image, dpi: int, lang: str) -> dict[str, Any]:
    rotation, confidence = engine.orientation(image, dpi)
    upright = image.rotate(rotation, expand=True) if rotation else image
    words = engine.recognise(upright, dpi, lang)
    return {"rotation": rotation, "orientation_confidence": round(confidence, 2), "size": list(upright.size),
            "words": [[w.text, w.brk, *w.box, w.conf] for w in words]}


def _page(raw: dict[str, Any], identity: dict[str, Any]) -> OcrPage:
    words = [engine.Word(t, brk, (x0, y0, x1, y1), conf) for t, brk, x0, y0, x1, y1, conf in raw["words"]]
    text, spans = assemble(words)
    norm, offsets, moved = normalised(text, spans)
    size, rotation = tuple(raw["size"]), raw["rotation"]
    boxes = [[*span, *page_box(w.box, size, rotation)] for w, span in zip(words, moved) if span]
    confs = [w.conf for w in words if w.conf >= 0]
    ocr = {"engine": identity["engine"], "version": identity["version"], "lang": identity["lang"],
           "dpi": identity["dpi"], "rotation": rotation, "orientation_confidence": raw["orientation_confidence"],
           "confidence": round(sum(confs) / len(confs), 1) if confs else None, "words": boxes}
    return OcrPage(norm, offsets, ocr)
