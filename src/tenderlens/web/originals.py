"""Original files, found again at the paths they were ingested from.

The store keeps text, not bytes. A page image or a download is served only from a
local source path that still holds the very same bytes (its SHA-256 equals the
document id), so no request can reach any other file on the machine.
"""
from __future__ import annotations

import hashlib
import io
import os
from functools import lru_cache

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from ..privacy import mask
from ..store import Store

RENDER_SCALE = 1.6  # about 115 dpi: readable Chinese at screen width


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


def page_png(path: str, fmt: str, n: int, cover: list[list[float]] = ()) -> bytes | None:
    """Page n (1-based) of a PDF or an image file as PNG, with the `cover` boxes ([x0, y0, x1, y1]
    as fractions of the page) blacked out; None when there is no such page."""
    if fmt == "pdf":
        pdf = pdfium.PdfDocument(path)
        try:
            if not 1 <= n <= len(pdf):
                return None
            image = pdf[n - 1].render(scale=RENDER_SCALE).to_pil()
        finally:
            pdf.close()
    elif fmt == "image":
        if n != 1:
            return None
        image = Image.open(path)
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
