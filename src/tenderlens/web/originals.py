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
from PIL import Image

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


def page_png(path: str, fmt: str, n: int) -> bytes | None:
    """Page n (1-based) of a PDF or an image file as PNG; None when there is no such page."""
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
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "PNG")
    return buf.getvalue()
