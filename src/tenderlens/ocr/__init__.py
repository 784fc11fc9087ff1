"""OCR for scans and image-only pages, in Chinese and English, with word boxes as evidence.

settings  what a job asks for (--ocr auto|always|never, --ocr-lang), checked before work starts
images    PDF pages rendered whole with pypdfium2, image files decoded with Pillow; both bounded
words     what every engine returns: words with pixel boxes and the break before each
engine    Tesseract via tesserocr: orientation (OSD), then words with pixel boxes (English pages)
ppocr     PP-OCR through RapidOCR on ONNX Runtime: words from per-character boxes (Chinese pages)
layout    words -> page text without spaces between CJK characters; spans through textnorm
cache     results on disk keyed by the page image's hash and the settings
pages     the above, page by page, each page failing alone; which engine reads which page

extract.extract_document calls ocr_pages for the pages that need it; docs/ocr.md
describes the settings, the cache and the stored box format.
"""
from __future__ import annotations

from .engine import ENGINE
from .pages import OcrPage, ocr_pages
from .settings import ENGINES, OcrSettings, OcrSettingsError, default_cache_dir

__all__ = ["ENGINE", "ENGINES", "OcrPage", "OcrSettings", "OcrSettingsError", "default_cache_dir", "ocr_pages"]
