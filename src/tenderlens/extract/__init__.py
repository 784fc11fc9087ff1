"""Extract: bytes become a Document of normalised Pages.

One small module per format, each with `extract(data, name) -> Extracted`. The
format is decided by what the bytes are (see sniff); adding a format means adding
a module here and a line in FORMATS.
"""
from __future__ import annotations

import hashlib
import importlib
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import EMPTY, FAILED, NEEDS_OCR, OK, Document, ExtractionError, Page, RawDoc
from ..ocr import OcrSettings, ocr_pages
from ..sniff import sniff
from ..textnorm import normalise
from . import titles

# format -> module name in this package
FORMATS = {
    "html": "html", "pdf": "pdf", "docx": "docx", "doc": "doc", "xlsx": "xlsx", "xls": "xls",
    "text": "text", "csv": "text", "json": "json", "image": "image",
}


@dataclass
class Extracted:
    """What a format module returns: one text per page, None where the page needs OCR."""

    pages: list[str | None]
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # page number -> why its text layer is not to be trusted: OCR reads it under --ocr auto
    bad_layers: dict[int, str] = field(default_factory=dict)


def doc_id(raw: RawDoc) -> str:
    """SHA-256 of the bytes; a collection failure with no bytes is keyed by its source."""
    if raw.data:
        return hashlib.sha256(raw.data).hexdigest()
    return hashlib.sha256(b"tenderlens-unread\0" + raw.source.encode()).hexdigest()


def extract_document(raw: RawDoc, id: str | None = None, ocr: OcrSettings | None = None) -> Document:
    """Never raises for a bad document: failures come back as status 'failed' with a reason.

    With OCR settings, scanned pages (and under mode `always`, every PDF page and
    image) are read by OCR; without, they stay marked as needing it.
    """
    id = id or doc_id(raw)
    if raw.error:
        return Document(id, "unknown", "", len(raw.data), status=FAILED, error=raw.error)
    fmt, mime = sniff(raw.data, raw.name_hint)
    doc = Document(id, fmt, mime, len(raw.data))
    module = FORMATS.get(fmt)
    if module is None:
        doc.status, doc.error = FAILED, f"unsupported format: {mime}"
        return doc
    try:
        got = importlib.import_module(f".{module}", __name__).extract(raw.data, raw.name_hint)
    except ExtractionError as e:
        doc.status, doc.error = FAILED, str(e)
        return doc
    except Exception as e:  # a library choking on hostile bytes is still one bad file
        doc.status, doc.error = FAILED, f"{fmt} extraction failed: {type(e).__name__}: {e}"
        return doc
    doc.meta = got.meta
    for n, text in enumerate(got.pages, start=1):
        if text is None:
            doc.pages.append(Page(n, "", [[0, 0]], needs_ocr=True))
        else:
            norm, offsets = normalise(text)
            doc.pages.append(Page(n, norm, offsets))
    if ocr and ocr.active and fmt in ("pdf", "image"):
        _read_scans(doc, raw.data, ocr, got.bad_layers)
    doc.title = titles.choose(got.title and normalise(got.title)[0], doc.pages[0].text if doc.pages else "",
                              stated_first=fmt != "pdf")
    doc.language = guess_language("".join(p.text[:2000] for p in doc.pages[:3]))
    if any(p.needs_ocr for p in doc.pages):
        doc.status = NEEDS_OCR
        failed = [f"page {p.n}: {p.ocr['error']}" for p in doc.pages if p.ocr and "error" in p.ocr]
        doc.error = "; ".join(failed[:5]) or None
    elif not any(p.text for p in doc.pages):
        doc.status, doc.error = EMPTY, "no visible text in the document"
    else:
        doc.status = OK
    return doc


def _read_scans(doc: Document, data: bytes, settings: OcrSettings, bad_layers: dict[int, str]) -> None:
    """OCR the pages that need it; a page OCR cannot read keeps what it had and records why.

    A page with a bad text layer is read too; its OCR record says why the layer was replaced.
    """
    wanted = [p.n for p in doc.pages if p.needs_ocr or p.n in bad_layers or settings.mode == "always"]
    language = guess_language("".join(p.text[:2000] for p in doc.pages if p.text and p.n not in bad_layers))
    for n, got in ocr_pages(doc.format, data, wanted, settings, language):
        page = doc.pages[n - 1]
        if isinstance(got, str):
            page.ocr = {"engine": settings.engine, "lang": settings.lang, "error": got}
        else:
            if n in bad_layers:
                got.ocr["replaced_text_layer"] = bad_layers[n]
            doc.pages[n - 1] = Page(n, got.text, got.offsets, ocr=got.ocr)


_CJK_CHAR = re.compile("[\u4e00-\u9fff]")
_LATIN_CHAR = re.compile("[A-Za-z]")


def guess_language(sample: str) -> str | None:
    """zh when CJK ideographs make up a fair share of the letters, else en."""
    cjk, latin = len(_CJK_CHAR.findall(sample)), len(_LATIN_CHAR.findall(sample))
    if not cjk and not latin:
        return None
    # An ideograph carries about as much as a four-letter word.
    return "zh" if cjk * 4 >= latin else "en"
