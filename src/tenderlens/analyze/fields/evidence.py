"""Evidence for field facts: a whitespace-free view of each page that maps back to its text.

Documents converted from PDF break lines inside names and put spaces between
digits and units (湖南省\\n娄底市人民政府, 2018 年 5 月). Patterns run on a view of
the page with whitespace removed; every match maps back to a span of the page
text, so the quote is what the page says and the value is the name without the
line breaks.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ...model import Document, Fact, Page
from .orgs import SUFFIX_ANY, name_at


@dataclass(eq=False)
class View:
    page: Page
    text: str            # page text with whitespace removed (Chinese) or kept (English)
    index: list[int]     # index[i] = position in page.text of text[i]
    breaks: frozenset[int] = frozenset()  # view positions where a removed whitespace run held a line break

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Page-text span [start, end) of view characters [start, end)."""
        return self.index[start], self.index[end - 1] + 1

    def name_at(self, start: int) -> tuple[int, int] | None:
        """orgs.name_at on this view; skipped cheaply where no organisation suffix follows."""
        if not self.text[start:start + 1].isascii():
            ends = self.suffix_ends
            k = bisect.bisect_right(ends, start + 1)
            if k == len(ends) or ends[k] > start + 40:
                return None
        return name_at(self.text, start, breaks=self.breaks)

    @cached_property
    def suffix_ends(self) -> list[int]:
        return [m.end() for m in SUFFIX_ANY.finditer(self.text)]

    def locate(self, start: int, end: int) -> tuple[int, int]:
        """View span of page-text span [start, end)."""
        return bisect.bisect_left(self.index, start), bisect.bisect_left(self.index, end)


def views(doc: Document) -> list[View]:
    out = []
    for page in doc.pages:
        if not page.text:
            continue
        if doc.language == "en":
            out.append(View(page, page.text, list(range(len(page.text)))))
            continue
        parts: list[str] = []
        index: list[int] = []
        breaks: set[int] = set()
        pos = 0
        for gap in _WHITESPACE.finditer(page.text):
            parts.append(page.text[pos:gap.start()])
            index.extend(range(pos, gap.start()))
            if "\n" in gap.group():
                breaks.add(len(index))
            pos = gap.end()
        parts.append(page.text[pos:])
        index.extend(range(pos, len(page.text)))
        out.append(View(page, "".join(parts), index, frozenset(breaks)))
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
