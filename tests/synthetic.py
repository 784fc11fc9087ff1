"""Synthetic sentences written for the field rules, as a one-page document, its fields and its record."""
from __future__ import annotations

from tenderlens.analyze.fields import extract_fields
from tenderlens.model import Document, Fact, Page
from tenderlens.summary import summarise
from tenderlens.textnorm import normalise


def doc_of(text: str, language: str = "zh") -> Document:
    norm, offsets = normalise(text)
    return Document("d" * 64, "text", "text/plain", len(text), [Page(1, norm, offsets)], language=language)


def fields_of(text: str, language: str = "zh") -> tuple[Document, list[Fact]]:
    """The document and its fields; every quote is checked against the page (evidence or nothing)."""
    doc = doc_of(text, language)
    facts = extract_fields(doc, "test")
    for f in facts:
        assert doc.pages[f.page - 1].text[f.start:f.end] == f.quote, f
    return doc, facts


def record(text: str, language: str = "zh") -> dict:
    doc, facts = fields_of(text, language)
    return summarise(doc.id, facts)
