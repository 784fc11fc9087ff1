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
                "data": engine.data_fingerprint(lang), "min_osd_conf": engine.MIN_ORIENTATION_CONFIDENCE,
                "upright_conf": engine.UPRIGHT_CONFIDENCE}
    k = key(image, identity)
    raw = cache.get(k)
    if raw is None:
        raw = _recognise(image, dpi, lang)
        cache.put(k, raw)
    return _page(raw, identity)


def _recognise(image: Image.Image, dpi: int, lang: str) -> dict[str, Any]:
    """Read the page as it comes; only a doubtful reading pays for orientation detection.

    OSD costs about a third of an OCR pass. Upright pages read with a mean word
    confidence of 70-95, sideways or upside-down ones 30-50 (LPL checks, Chinese
    tender pages), so a confident first reading is kept as it is. Otherwise OSD
    decides, and a turned page is read again; the more confident reading wins.
    """
    words = engine.recognise(image, dpi, lang)
    rotation, confidence = 0, None
    if _mean_confidence(words) < engine.UPRIGHT_CONFIDENCE:
        rotation, confidence = engine.orientation(image, dpi)
        if rotation:
            turned = engine.recognise(image.rotate(rotation, expand=True), dpi, lang)
            if _mean_confidence(turned) > _mean_confidence(words):
                words = turned
            else:
                rotation = 0
    size = image.size if rotation in (0, 180) else (image.height, image.width)
    return {"rotation": rotation, "size": list(size),
            "orientation_confidence": None if confidence is None else round(confidence, 2),
            "words": [[w.text, w.brk, *w.box, w.conf] for w in words]}


def _mean_confidence(words: list[engine.Word]) -> float:
    confs = [w.conf for w in words if w.conf >= 0]
    return sum(confs) / len(confs) if confs else 0.0


def _page(raw: dict[str, Any], identity: dict[str, Any]) -> OcrPage:
    words = [engine.Word(t, brk, (x0, y0, x1, y1), conf) for t, brk, x0, y0, x1, y1, conf in raw["words"]]
    text, spans = assemble(words)
    norm, offsets, moved = normalised(text, spans)
    size, rotation = tuple(raw["size"]), raw["rotation"]
    boxes = [[*span, *page_box(w.box, size, rotation)] for w, span in zip(words, moved) if span]
    ocr = {"engine": identity["engine"], "version": identity["version"], "lang": identity["lang"],
           "dpi": identity["dpi"], "rotation": rotation, "orientation_confidence": raw["orientation_confidence"],
           "confidence": round(_mean_confidence(words), 1), "words": boxes}
    return OcrPage(norm, offsets, ocr)
