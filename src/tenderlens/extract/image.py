"""Images (scans, photos of notices): one page per frame, each needing OCR; see the ocr package."""
from __future__ import annotations

from ..ocr.images import frame_count
from . import Extracted

# A TIFF claiming more frames than this is not a scan of a document.
MAX_FRAMES = 2000


def extract(data: bytes, name: str = "") -> Extracted:
    return Extracted([None] * min(frame_count(data), MAX_FRAMES))
