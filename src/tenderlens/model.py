"""The domain model: documents, pages and facts.

This module is the vocabulary every stage shares. It imports nothing from the
store, the web app or an execution engine, so analysis code written against it
runs the same in a notebook, a worker process or a Dask cluster.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Document status values, as stored and as shown by `tenderlens stats`.
OK = "ok"
FAILED = "failed"
NEEDS_OCR = "needs_ocr"      # at least one page has no usable text layer yet
EMPTY = "empty"              # read without error, but there is no visible text (e.g. a page that only links an image)
STATUSES = (OK, NEEDS_OCR, EMPTY, FAILED)


@dataclass(frozen=True)
class RawDoc:
    """Bytes as collected, before we know what they are."""

    source: str              # path, path inside an archive (a.zip!b/c.pdf), or URL
    data: bytes
    name_hint: str = ""      # file name, used only to break ties in format sniffing
    error: str | None = None  # set when collection itself failed (bad archive, bound exceeded)
    raw_source: bytes | None = None  # the source's raw bytes, when its name is not valid UTF-8
    warnings: tuple[str, ...] = ()  # what collection lost or doubted (a cut WARC record)


@dataclass
class Page:
    """One page of text. `text` is normalised; `offsets` maps it back.

    `offsets` is a list of [normalised_index, original_index] breakpoints: from
    each breakpoint on, characters advance one-to-one until the next one. It lets
    a span in normalised text be shown where it stands in the extracted original.
    """

    n: int                   # 1-based page number
    text: str
    offsets: list[list[int]] = field(default_factory=list)
    needs_ocr: bool = False
    ocr: dict[str, Any] | None = None  # engine, version, lang, boxes when text came from OCR


@dataclass
class Document:
    id: str                  # SHA-256 of the bytes
    format: str              # html, pdf, docx, doc, xlsx, xls, text, csv, json, image, unknown
    mime: str
    size: int
    pages: list[Page] = field(default_factory=list)
    title: str | None = None
    language: str | None = None
    status: str = OK
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # Text lost or doubted without failing: a parser limit hit, a cut record, a charset conflict.
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Fact:
    """A claim about a document, with the evidence that makes it checkable.

    Notice fields (buyer, amount, ...) are facts with a typed `value`; surveillance
    categories are facts whose `key` is a category id such as tech.face_recognition.
    The quote equals page.text[start:end] of the page it names.
    """

    doc_id: str
    kind: str                # field, tech, target, source, exempt, vendor
    key: str
    value: Any
    page: int
    start: int
    end: int
    quote: str
    codebook_version: str
    extractor: str


class ExtractionError(Exception):
    """A document that cannot be read; the message is stored as its reason."""
