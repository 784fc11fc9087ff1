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
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from operator import itemgetter
from typing import Any

import ahocorasick_rs

from ...model import Document, Fact, Page
from ..matcher import ViewMap
from .orgs import NAME_CHARS, SUFFIXES, name_at


@dataclass(eq=False)
class View:
    page: Page
    text: str            # page text with whitespace removed (Chinese) or kept (English)
    map: ViewMap         # view positions <-> page-text positions
    breaks: frozenset[int] = frozenset()  # view positions where a removed whitespace run held a line break
    _names: dict[int, tuple[int, int] | None] = field(default_factory=dict, repr=False)  # name_at by start

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Page-text span [start, end) of view characters [start, end)."""
        return self.map.to_text(start), self.map.to_text(end - 1) + 1

    def locate(self, start: int, end: int) -> tuple[int, int]:
        """View span of page-text span [start, end)."""
        return self.map.to_view(start), self.map.to_view(end)

    def name_at(self, start: int) -> tuple[int, int] | None:
        """orgs.name_at on this view, remembered per position (several rules ask at the same place)
        and skipped where it cannot find a name."""
        if start not in self._names:
            self._names[start] = name_at(self.text, start, breaks=self.breaks) if self._may_name(start) else None
        return self._names[start]

    def _may_name(self, start: int) -> bool:
        """False where orgs.name_at surely finds nothing: a name not opening with a Latin letter is a
        run of at least two name characters (40 at most) that holds an organisation suffix."""
        if _LATIN_START.match(self.text, start):
            return True
        stops, ends, latest_starts = self._name_bounds
        k = bisect.bisect_left(stops, start)
        run_end = min(stops[k] if k < len(stops) else len(self.text), start + _NAME_MAX)
        k = bisect.bisect_right(ends, run_end)  # suffixes ending within the run's reach
        return run_end - start >= 2 and k > 0 and latest_starts[k - 1] >= start

    @cached_property
    def _name_bounds(self) -> tuple[list[int], list[int], list[int]]:
        """Positions of characters no name holds; the end of every suffix occurrence (overlapping
        ones too), in order, with the latest start among the occurrences ending there or before."""
        stops = [m.start() for m in _NOT_NAME.finditer(self.text)]
        found = sorted(_SUFFIXES.find_matches_as_indexes(self.text, overlapping=True), key=itemgetter(2))
        return stops, [e for _, _, e in found], list(accumulate((s for _, s, _ in found), max))


_NAME_MAX = 40  # orgs.name_at's default max_len
_LATIN_START = re.compile(r"[A-Za-z]")
_NOT_NAME = re.compile(NAME_CHARS.replace("[", "[^", 1))
_SUFFIXES = ahocorasick_rs.AhoCorasick(SUFFIXES)


def views(doc: Document) -> list[View]:
    out = []
    for page in doc.pages:
        if not page.text:
            continue
        if doc.language == "en":
            out.append(View(page, page.text, ViewMap([0], [0], len(page.text))))
            continue
        gaps = [(m.start(), m.end(), 0) for m in _WHITESPACE.finditer(page.text)]
        view_map = ViewMap.of_gaps(gaps, len(page.text))
        # Each gap's view position is where the next segment begins (view_starts[k + 1]).
        breaks = frozenset(v for (a, b, _), v in zip(gaps, view_map.view_starts[1:]) if "\n" in page.text[a:b])
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
