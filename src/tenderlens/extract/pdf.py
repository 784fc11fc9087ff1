"""PDF: the text layer, page by page, with pypdfium2 (Apache-2.0/BSD licensed).

A page whose text layer holds almost nothing but which carries an image is
marked for OCR: scanned tender attachments, FOIA releases, and screenshots with
a one-line caption look like this. A page with neither is simply blank. A page
whose text layer is garbage (an old OCR pass, unmapped fonts), or far too little
for the scan it lies on, keeps its layer and is named, with the reason, for OCR
to read under --ocr auto (see ocr/textlayer.py).
"""
from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..model import ExtractionError
from ..ocr.textlayer import INK_DPI, bad_text, too_little_text
from . import Extracted

# Fewer visible characters than this, and the page is taken to be a scan.
MIN_TEXT_CHARS = 20
# An image covering this share of the page makes it a scan, whose ink the text layer should account for.
SCAN_COVER = 0.5


def extract(data: bytes, name: str = "") -> Extracted:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise ExtractionError(f"unreadable PDF: {e}") from e
    try:
        pages: list[str | None] = []
        bad_layers: dict[int, str] = {}
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            visible = sum(1 for c in text if not c.isspace())
            scanned = visible < MIN_TEXT_CHARS and _has_image(page)
            pages.append(None if scanned else text)
            if not scanned and visible:
                reason = bad_text(text) or (_is_scan(page) and too_little_text(visible, _ink(page)))
                if reason:
                    bad_layers[i + 1] = reason
            page.close()
        if not pages:
            raise ExtractionError("PDF has no pages")
        meta = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    return Extracted(pages, meta.get("Title") or None, {"pdf": meta}, bad_layers=bad_layers)


def _has_image(page: pdfium.PdfPage) -> bool:
    return next(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2), None) is not None


def _is_scan(page: pdfium.PdfPage) -> bool:
    w, h = page.get_size()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) >= SCAN_COVER * w * h:
            return True
    return False


def _ink(page: pdfium.PdfPage) -> int:
    """Dark pixels of the page rendered small: how much is written on it, text layer or not."""
    bitmap = page.render(scale=INK_DPI / 72, grayscale=True)
    return int((bitmap.to_numpy() < 128).sum())
