"""Analysis: pure functions of (Document, Codebook) -> Facts.

`analyze` runs one matching pass per page (analyze.matcher), then the
procurement fields (analyze.fields), the surveillance categories
(analyze.categories), vendor resolution (analyze.vendors) and the document-level
`is_surveillance` field. Nothing here reads or writes a store, so the same call
runs in an ingest worker, in `tenderlens analyze`, in a notebook or on a cluster.
"""
from __future__ import annotations

from ..codebook import Codebook
from ..model import Document, Fact
from .categories import find_categories
from .fields import extract_fields
from .matcher import matcher_for
from .vendors import find_vendors

IS_SURVEILLANCE = "is_surveillance"


def analyze(doc: Document, codebook: Codebook) -> list[Fact]:
    pages = [p for p in doc.pages if p.text]
    if not pages:
        return []
    fields = extract_fields(doc, codebook)
    matcher = matcher_for(codebook)
    scans = [matcher.scan(p.n, p.text) for p in pages]
    buyer = _first(fields, "buyer") or _first(fields, "contract_party")
    suppliers = [f.value for f in fields if f.kind == "field" and f.key == "supplier" and isinstance(f.value, str)]
    categories = find_categories(doc.id, scans, codebook, buyer)
    facts = [*fields, *categories]
    decided = is_surveillance(categories)
    if decided is not None:
        facts.append(decided)
    return facts + find_vendors(doc.id, scans, codebook, suppliers)


def is_surveillance(category_facts: list[Fact]) -> Fact | None:
    """True when a tech.* capability counts (categories.md); the first such hit is the evidence.

    The government or public-security purpose the definition asks for is already a
    condition of every counted tech cue. No fact means false: there is no span that
    shows an absence.
    """
    for f in category_facts:
        if f.kind == "tech":
            return Fact(f.doc_id, "field", IS_SURVEILLANCE, True, f.page, f.start, f.end, f.quote,
                        f.codebook_version, IS_SURVEILLANCE)
    return None


def _first(facts: list[Fact], key: str) -> str | None:
    for f in facts:
        if f.kind == "field" and f.key == key and isinstance(f.value, str):
            return f.value
    return None
