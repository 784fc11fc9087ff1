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


# -- organisations and purchases --------------------------------------------------------------------
# Derived from facts by tenderlens.orgs and tenderlens.purchases and stored in their own tables; a
# person edits them only through the merges file (docs/purchases.md).

ORG_KINDS = ("public_body", "company", "other")
# How an alias came to its organisation, strongest first: a false merge is worse than a missed one.
ALIAS_REASONS = ("credit_code", "renamed", "name", "defined", "codebook", "fuzzy", "merges")
STAGES = ("tender", "shortlist", "award", "contract", "modification", "cancellation", "other")


@dataclass(frozen=True)
class Mention:
    """A party named in a document: the name as written, its role there, and where it stands."""

    doc_id: str
    role: str                # buyer, contract_party, agent, supplier, bidder, vendor
    name: str
    page: int = 0
    start: int = 0
    end: int = 0
    quote: str = ""


@dataclass
class Alias:
    name: str                # as written in the documents
    reason: str              # one of ALIAS_REASONS: why this name is this organisation
    doc_ids: list[str] = field(default_factory=list)


@dataclass
class Organisation:
    id: str                  # "org-" + hash of its strongest key, so it survives re-analysis
    name: str                # canonical: the merges file's rename, else the most used alias
    kind: str                # one of ORG_KINDS
    region: str | None = None
    credit_code: str | None = None   # 统一社会信用代码, where a document prints it
    aliases: list[Alias] = field(default_factory=list)
    part_of: str | None = None       # the parent's id: a branch (分公司, 分局) or a consortium member's consortium


@dataclass(frozen=True)
class Link:
    """Why two documents belong to one purchase; `evidence` holds the shared value."""

    doc_a: str
    doc_b: str
    reason: str              # project_number, shortlist_winner, near_duplicate, shortlist_title, buyer_title
    evidence: str


@dataclass
class PurchaseDoc:
    doc_id: str
    stage: str               # one of STAGES
    date: str | None
    reasons: list[str] = field(default_factory=list)  # "reason: evidence" of every link that holds it


@dataclass
class Purchase:
    id: str                  # "pur-" + hash of its strongest key (project number, else its first document)
    title: str | None
    buyer: str | None        # organisation ids
    suppliers: list[str] = field(default_factory=list)
    agent: str | None = None
    method: str | None = None
    amounts: dict[str, float] = field(default_factory=dict)   # stage role -> amount in `currency`
    amount: float | None = None      # final: contract, else award, else budget/ceiling
    currency: str | None = None
    dates: dict[str, str] = field(default_factory=dict)       # stage -> earliest date
    region: dict[str, Any] | None = None
    categories: list[str] = field(default_factory=list)
    docs: list[PurchaseDoc] = field(default_factory=list)
    bidders: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)  # {id, evidence}
