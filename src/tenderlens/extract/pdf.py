"""PDF: the text layer, page by page, with pypdfium2 (Apache-2.0/BSD licensed).

A page whose text layer holds almost nothing but which carries an image is
marked for OCR: scanned tender attachments, FOIA releases, and screenshots with
a one-line caption look like this. A page with neither is simply blank.
"""
from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..model import ExtractionError
from . import Extracted

# Fewer visible characters than this, and the page is taken to be a scan.
MIN_TEXT_CHARS = 20


def extract(data: bytes, name: str = "") -> Extracted:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise ExtractionError(f"unreadable PDF: {e}") from e
    try:
        pages: list[str | None] = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            visible = sum(1 for c in text if not c.isspace())
            scanned = visible < MIN_TEXT_CHARS and _has_image(page)
            pages.append(None if scanned else text)
            page.close()
        if not pages:
            raise ExtractionError("PDF has no pages")
        meta = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    return Extracted(pages, meta.get("Title") or None, {"pdf": meta})


def _has_image(page: pdfium.PdfPage) -> bool:
    return next(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2), None) is not None
