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
from itertools import accumulate
from operator import sub
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
        runs = list(_WHITESPACE.finditer(page.text))
        ends = [m.end() for m in runs]
        removed = list(accumulate(m.end() - m.start() for m in runs))  # whitespace removed up to each run's end
        view_starts = [0, *map(sub, ends, removed)]
        view_map = ViewMap(view_starts, [0, *ends], len(page.text) - (removed[-1] if removed else 0))
        # A run's view position is where the text after it begins.
        breaks = frozenset(v for m, v in zip(runs, view_starts[1:]) if "\n" in m.group())
        out.append(View(page, _WHITESPACE.sub("", page.text), view_map, breaks))
    return out


_WHITESPACE = re.compile(r"\s+")


@dataclass
class FactMaker:
    """Builds facts of one document with one codebook version."""

    doc_id: str
    version: str

    def __call__(self, view: View, start: int, end: int, key: str, value: Any, extractor: str) -> Fact:
        s, e = view.span(start, end)
        return Fact(self.doc_id, "field", key, value, view.page.n, s, e, view.page.text[s:e], self.version,
                    extractor)
