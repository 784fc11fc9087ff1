"""Evidence for field facts: a whitespace-free view of each page that maps back to its text.

Documents converted from PDF break lines inside names and put spaces between
digits and units (湖南省\\n娄底市人民政府, 2018 年 5 月). Patterns run on a view of
the page with whitespace removed; every match maps back to a span of the page
text, so the quote is what the page says and the value is the name without the
line breaks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate, compress, repeat
from operator import contains
from typing import Any

from ...model import Document, Fact, Page
from ..matcher import ViewMap
from .orgs import name_at


@dataclass(eq=False)
class View:
    page: Page
    text: str            # page text with whitespace removed (Chinese) or kept (English)
    map: ViewMap         # view positions <-> page-text positions
    breaks: frozenset[int] = frozenset()  # view positions where a removed whitespace run held a line break

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Page-text span [start, end) of view characters [start, end)."""
        return self.map.to_text(start), self.map.to_text(end - 1) + 1

    def locate(self, start: int, end: int) -> tuple[int, int]:
        """View span of page-text span [start, end)."""
        return self.map.to_view(start), self.map.to_view(end)

    def name_at(self, start: int) -> tuple[int, int] | None:
        """orgs.name_at on this view. It fails fast where no name starts: a pre-check in Python
        (is there an organisation suffix ahead?) costs more than it spares."""
        return name_at(self.text, start, breaks=self.breaks)


def views(doc: Document) -> list[View]:
    out = []
    for page in doc.pages:
        if not page.text:
            continue
        if doc.language == "en":
            out.append(View(page, page.text, ViewMap([0], [0], len(page.text))))
            continue
        # Split once, then positions come from running sums (C-level), not from a match object per run.
        parts = _WHITESPACE.split(page.text)   # piece, whitespace run, piece, ..., piece
        pieces, runs = parts[0::2], parts[1::2]
        text_starts = [0, *accumulate(map(len, parts))][2::2]   # where the text after each run begins
        view_starts = [0, *accumulate(map(len, pieces[:-1]))]  # ... and where it begins in the view
        text = "".join(pieces)
        breaks = frozenset(compress(view_starts[1:], map(contains, runs, repeat("\n"))))
        out.append(View(page, text, ViewMap(view_starts, [0, *text_starts], len(text)), breaks))
    return out


_WHITESPACE = re.compile(r"(\s+)")


@dataclass
class FactMaker:
    """Builds facts of one document with one codebook version."""

    doc_id: str
    version: str

    def __call__(self, view: View, start: int, end: int, key: str, value: Any, extractor: str) -> Fact:
        s, e = view.span(start, end)
        return Fact(self.doc_id, "field", key, value, view.page.n, s, e, view.page.text[s:e], self.version,
                    extractor)
