"""Original files, found again at the paths they were ingested from.

The store keeps text, not bytes. A page image or a download is served only from a
local source path that still holds the very same bytes (its SHA-256 equals the
document id), so no request can reach any other file on the machine.

Rendering is bounded by pixels, as OCR is (ocr/images.py): a page is drawn at a
scale that keeps width x height within MAX_RENDER_PIXELS, however large its page
box, and an image file larger than the OCR decode limit is refused before its
pixels are decoded.
"""
from __future__ import annotations

import hashlib
import io
import math
import os
import threading
import warnings
from functools import lru_cache

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from ..ocr.settings import DEFAULT_MAX_PIXELS
from ..privacy import mask
from ..store import Store

RENDER_SCALE = 1.6  # about 115 dpi: readable Chinese at screen width
MAX_RENDER_PIXELS = 12_000_000  # an A0 plan at about 50 dpi; some 36 MB of RGB, and a PNG of a few MB


class RenderError(Exception):
    """A page that cannot be drawn within the bounds, or at all; the message says why."""


def render_scale(width: float, height: float, max_pixels: int = MAX_RENDER_PIXELS) -> float:
    """The scale to draw a page of width x height points at: RENDER_SCALE, or less to stay within max_pixels."""
    scale = min(RENDER_SCALE, math.sqrt(max_pixels / max(width * height, 1e-9)))
    while math.ceil(width * scale) * math.ceil(height * scale) > max_pixels:  # a bitmap rounds its sides up
        scale *= 0.999
    if width * scale < 1 or height * scale < 1:
        raise RenderError(f"the page is {width:.0f} x {height:.0f} points: too large to draw within"
                          f" {max_pixels / 1e6:.0f} megapixels")
    return scale


@lru_cache(maxsize=256)
def _sha256(path: str, size: int, mtime: float) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def original_path(store: Store, doc_id: str) -> str | None:
    """A local file among the document's sources whose bytes are still the document's."""
    for uri in store.sources(doc_id):
        if "!" in uri or "://" in uri:  # inside an archive, or remote
            continue
        try:
            st = os.stat(uri)
        except OSError:
            continue
        if os.path.isfile(uri) and _sha256(uri, st.st_size, st.st_mtime) == doc_id:
            return uri
    return None


# PDFium is not thread-safe: page images requested together (a phone scrolling a long PDF) crashed
# the server when drawn in parallel, so one is drawn at a time.
_PDFIUM = threading.Lock()


def page_png(path: str, fmt: str, n: int, cover: list[list[float]] = ()) -> bytes | None:
    """Page n (1-based) of a PDF or an image file as PNG, with the `cover` boxes ([x0, y0, x1, y1]
    as fractions of the page) blacked out; None when there is no such page."""
    if fmt == "pdf":
        with _PDFIUM:
            try:
                pdf = pdfium.PdfDocument(path)
            except pdfium.PdfiumError as e:
                raise RenderError(f"the PDF cannot be read: {e}") from e
            try:
                if not 1 <= n <= len(pdf):
                    return None
                page = pdf[n - 1]
                image = page.render(scale=render_scale(*page.get_size())).to_pil()
            except pdfium.PdfiumError as e:
                raise RenderError(f"the page cannot be drawn: {e}") from e
            finally:
                pdf.close()
    elif fmt == "image":
        if n != 1:
            return None
        image = _open_image(path)
    else:
        return None
    image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    w, h = image.size
    for x0, y0, x1, y1 in cover:
        draw.rectangle([x0 * w - 1, y0 * h - 1, x1 * w + 1, y1 * h + 1], fill="black")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def _open_image(path: str) -> Image.Image:
    """An image file, refused before decoding when over the OCR limit, then shrunk to MAX_RENDER_PIXELS."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            w, h = image.size  # from the header: no pixel decoded yet
            if w * h > DEFAULT_MAX_PIXELS:
                raise RenderError(f"the image is {w} x {h} pixels, over the limit of"
                                  f" {DEFAULT_MAX_PIXELS / 1e6:.0f} megapixels")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise RenderError(f"the image is refused as a possible decompression bomb (over the limit of"
                          f" {DEFAULT_MAX_PIXELS / 1e6:.0f} megapixels): {e}") from e
    except (OSError, ValueError) as e:
        raise RenderError(f"the image cannot be read: {e}") from e
    if w * h > MAX_RENDER_PIXELS:
        f = math.sqrt(MAX_RENDER_PIXELS / (w * h))
        image.thumbnail((max(1, int(w * f)), max(1, int(h * f))))
    return image


def masked_boxes(text: str, words: list[list]) -> list[list[float]] | None:
    """Boxes of the OCR words holding what privacy.mask hides in the page text; None when
    something hidden in the text has no word box, so the image cannot be shown masked."""
    hidden = [i for i, (a, b) in enumerate(zip(text, mask(text))) if a != b]
    if not hidden:
        return []
    covered, boxes = set(), []
    for start, end, *box in words:
        inside = [i for i in hidden if start <= i < end]
        if inside:
            covered.update(inside)
            boxes.append(box)
    return boxes if covered == set(hidden) else None
