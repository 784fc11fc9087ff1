"""One Aho-Corasick pass per page finds every codebook phrase at once.

Every phrase the codebook holds (category cues, counter-cues, context words,
vendor names) goes into a single automaton. Pages are matched in a view that
forgives layout: line breaks and spaces next to a CJK character are dropped
(HTML and PDF break 视频\\n监控 and WiFi\\n围栏 across lines), other whitespace runs
become one space, a blank line stays a hard boundary, letters are lower-cased
and traditional characters simplified (OpenCC t2s). Every view index maps back to the page text, so a hit is quoted
from the page exactly as written.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate

import ahocorasick_rs
import opencc

from ..codebook import Codebook
from ..textnorm import normalise

_WS = re.compile(r"(\s+)")
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
BLOCK = "\n"  # a blank line in the page: nothing matches or counts across it
_SENTENCE_END = re.compile(r"[。；！？;!?\n]|\.(?=\s|$)")


def _joins(a: str, b: str) -> bool:
    """Two ASCII characters that would be one word: letters with letters, digits with digits."""
    return a.isascii() and b.isascii() and ((a.isalpha() and b.isalpha()) or (a.isdigit() and b.isdigit()))


@dataclass
class ViewMap:
    """View index <-> page-text index, as breakpoints: from each one on, both advance together."""

    view_starts: list[int]
    text_starts: list[int]
    view_len: int

    def to_text(self, i: int) -> int:
        k = bisect.bisect_right(self.view_starts, i) - 1
        return self.text_starts[k] + (i - self.view_starts[k])

    def to_view(self, t: int) -> int:
        """The first view index whose page-text index is t or later."""
        k = bisect.bisect_right(self.text_starts, t) - 1
        stop = self.view_starts[k + 1] if k + 1 < len(self.view_starts) else self.view_len
        return min(self.view_starts[k] + (t - self.text_starts[k]), stop)

    @classmethod
    def of_gaps(cls, gaps, text_len: int) -> "ViewMap":
        """The map of a view made from a text by replacing each gap [a, b) by `n` characters."""
        vstarts, tstarts = [0], [0]
        n = 0  # view length so far
        last = 0
        for a, b, inserted in gaps:
            n += a - last
            if inserted:
                vstarts.append(n)
                tstarts.append(a)
                n += inserted
            vstarts.append(n)
            tstarts.append(b)
            last = b
        return cls(vstarts, tstarts, n + text_len - last)


def _runs(text: str) -> tuple[list[str], list[str]]:
    """`text` split into pieces and whitespace runs (piece, run, piece, ..., piece), and what each run
    becomes in the matching view. One split and a list comprehension: a re.sub callback per run costs more."""
    parts = _WS.split(text)
    # Only the first and last piece can be empty (whitespace at either end of the text): a run there is dropped.
    return parts, [BLOCK if "\n\n" in run else " " if before and after and before[-1].isascii() and after[0].isascii()
                   else "" for before, run, after in zip(parts[0::2], parts[1::2], parts[2::2])]


def fold(text: str) -> str:
    """The matching view of `text`."""
    parts, runs = _runs(text)
    parts[1::2] = runs
    view = "".join(parts)
    lowered = view.lower()
    # str.lower is fast but may change the length (İ); then only ASCII is folded.
    view = lowered if len(lowered) == len(view) else view.translate(_LOWER)
    # Traditional characters match the simplified cues (視頻監控 is 视频监控), where the
    # conversion keeps every character in place.
    simplified = _t2s().convert(view)
    return simplified if len(simplified) == len(view) else view


def view_map(text: str) -> ViewMap:
    """The map from indices of `fold(text)` back to `text`."""
    parts, runs = _runs(text)
    at = [0, *accumulate(map(len, parts))]  # where each piece and run begins
    return ViewMap.of_gaps(zip(at[1::2], at[2::2], map(len, runs)), len(text))


def make_view(text: str) -> tuple[str, ViewMap]:
    """The matching view of `text` and the map from its indices back to `text`."""
    return fold(text), view_map(text)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def phrase_key(phrase: str) -> str:
    """A codebook phrase as it appears in the matching view."""
    return fold(normalise(phrase)[0])


@dataclass
class PageScan:
    """Every codebook phrase found on one page, in view coordinates."""

    page: int
    text: str                       # the page text facts quote from
    view: str
    hits: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # phrase key -> [(start, end)]
    order: list[tuple[int, int, str]] = field(default_factory=list)       # (start, end, key) by position
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def _ends(self) -> list[int]:
        # Only pages with a cue hit have their sentences read.
        return [m.start() for m in _SENTENCE_END.finditer(self.view)]

    def sentence(self, i: int) -> tuple[int, int]:
        """View span of the sentence holding view index i (bounded by 。；！？ and blank lines)."""
        k = bisect.bisect_right(self._ends, i)
        lo = self._ends[k - 1] + 1 if k else 0
        hi = self._ends[k] if k < len(self._ends) else len(self.view)
        return lo, hi

    @cached_property
    def map(self) -> ViewMap:
        # Built only for pages with a fact to quote: most pages have none.
        return view_map(self.text)

    def page_span(self, start: int, end: int) -> tuple[int, int]:
        """A view span [start, end) as a span of the page text."""
        return self.map.to_text(start), self.map.to_text(end - 1) + 1

    def _present(self, keys) -> list[list[tuple[int, int]]]:
        """Hit lists of those phrases of `keys` that occur on this page (cached per key list)."""
        got = self._cache.get(id(keys))
        if got is None or got[0] is not keys:
            got = self._cache[id(keys)] = (keys, [self.hits[k] for k in keys if k in self.hits])
        return got[1]

    def covered(self, keys, start: int, end: int) -> bool:
        """Whether a hit of any phrase in `keys` contains view span [start, end)."""
        for found in self._present(keys):
            i = bisect.bisect_right(found, start, key=lambda h: h[0]) - 1
            if i >= 0 and found[i][1] >= end:
                return True
        return False

    def near(self, keys, lo: int, hi: int) -> tuple[int, int] | None:
        """The first hit of any phrase in `keys` lying inside view span [lo, hi), or None."""
        for found in self._present(keys):
            # Hits of one phrase are in text order: jump to the first at or after lo.
            i = bisect.bisect_left(found, lo, key=lambda h: h[0])
            if i < len(found) and found[i][1] <= hi:
                return found[i]
        return None


class Matcher:
    """The codebook's phrases compiled into one automaton (built once per process).

    ahocorasick_rs (the Rust aho-corasick crate's DFA) walks a page several times faster
    than pyahocorasick's trie, whose root holds every first character of ~1,200 phrases."""

    def __init__(self, phrases):
        self.keys = sorted({k for k in map(phrase_key, phrases) if k})
        self.automaton = ahocorasick_rs.AhoCorasick(self.keys) if self.keys else None
        # Whether a phrase starts or ends with a character that can join a neighbour into one word:
        # only those hits need their neighbours read (most phrases are Chinese).
        self.edges = [(_joins(k[0], k[0]), _joins(k[-1], k[-1])) for k in self.keys]

    def scan(self, page_n: int, text: str) -> PageScan:
        view = fold(text)
        found = PageScan(page_n, text, view)
        if self.automaton is not None:
            keys, edges = self.keys, self.edges
            for i, start, end in self.automaton.find_matches_as_indexes(view, overlapping=True):
                key = keys[i]
                opens, closes = edges[i]
                # English words match on word boundaries only (iris, not irish; GB/T28181 is fine),
                # plurals included (drones, readers).
                if opens and start and _joins(view[start - 1], key[0]):
                    continue
                if closes:
                    after = view[end:end + 2]
                    if after[:1] == "s" and not (len(after) > 1 and _joins("s", after[1])):
                        after = after[1:]
                    if after and _joins(key[-1], after[0]):
                        continue
                found.hits.setdefault(key, []).append((start, end))
                found.order.append((start, end, key))
        found.order.sort()
        return found


def codebook_phrases(codebook: Codebook) -> list[str]:
    ctx = codebook.context
    phrases = [*ctx.negation, *ctx.negation_lookalikes, *ctx.incidental, *ctx.security, *ctx.security_lookalikes,
               *ctx.government, *ctx.upkeep]
    for cat in codebook.categories.values():
        phrases += [c.text for c in cat.cues] + [w for c in cat.cues for w in c.near] + list(cat.counter_cues)
        phrases += list(cat.domain_counter_cues)
    for v in codebook.vendors.values():
        phrases += [*v.names, *v.counter_cues]
    return phrases


def matcher_for(codebook: Codebook) -> Matcher:
    if "matcher" not in codebook._cache:
        codebook._cache["matcher"] = Matcher(codebook_phrases(codebook))
    return codebook._cache["matcher"]
