"""What the writer inserts for one document, computed where the document was processed.

Workers extract and analyse; the one writer process owns SQLite and is the
ceiling of every run (docs/scaling.md). So everything about a document's rows
that needs no database (the bigram index text, the offset maps as JSON, the
summary and its facet tokens) is prepared by the worker, and the writer only
executes inserts. Pure: no store access.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..model import Document, Fact, Page
from ..summary import summarise
from .facet_tokens import document_tokens
from .fts import index_text


@dataclass
class Prepared:
    index: list[str]      # per page: the text as the full-text index sees it ('' for an empty page)
    offsets: list[str]    # per page: the offset map as JSON
    record: dict | None   # summary.summarise of the facts; None when the document was not analysed
    facets: str           # the facet tokens every page of the document is indexed with


def page_rows(page: Page) -> tuple[str, str]:
    """A page's index text and its offset map as JSON."""
    return index_text(page.text) if page.text else "", json.dumps(page.offsets, separators=(",", ":"))


def prepare(doc: Document, facts: list[Fact] | None) -> Prepared:
    record = summarise(doc.id, facts) if facts is not None else None
    rows = [page_rows(p) for p in doc.pages]
    return Prepared([index for index, _ in rows], [offsets for _, offsets in rows],
                    record, document_tokens(record, doc.format, facts) if record is not None else "")
