"""Images (scans, photos of notices): one page that needs OCR; see the ocr module."""
from __future__ import annotations

from . import Extracted


def extract(data: bytes, name: str = "") -> Extracted:
    return Extracted([None])
