"""OCR words -> normalised page text, with each word's box tied to its character span.

Tesseract puts a space between every pair of words, and for Chinese it treats
each ideograph, or each short run, as a word: "采 购 项 目". Chinese is written
without spaces, so no space goes where either side of the gap is CJK (an
ideograph, kana, hangul, or full-width punctuation such as ，。（）), while
English words keep theirs. A visible gap on one line (PP-OCR's separate boxes
for a table's cells, or a label and its value) is a space whatever the script.

The text then goes through textnorm.normalise, like every page, and word spans
are carried through its offset map, so a span always indexes the stored text.
"""
from __future__ import annotations

import bisect

from ..textnorm import normalise
from .words import GAP, LINE, PARA, Word

_SEPARATOR = {PARA: "\n\n", LINE: "\n", GAP: " "}


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF      # radicals, CJK punctuation, kana, bopomofo, ideographs
            or 0xAC00 <= o <= 0xD7AF   # hangul
            or 0xF900 <= o <= 0xFAFF   # compatibility ideographs
            or 0xFE30 <= o <= 0xFE4F   # vertical forms
            or 0xFF00 <= o <= 0xFFEF   # full-width forms and punctuation
            or 0x20000 <= o <= 0x3FFFF)


def assemble(words: list[Word]) -> tuple[str, list[tuple[int, int]]]:
    """Page text from words, and each word's [start, end) in it."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for i, w in enumerate(words):
        if i:
            sep = _SEPARATOR.get(w.brk)
            if sep is None:
                sep = "" if is_cjk(parts[-1][-1]) or is_cjk(w.text[0]) else " "
            parts.append(sep)
            pos += len(sep)
        parts.append(w.text)
        spans.append((pos, pos + len(w.text)))
        pos += len(w.text)
    return "".join(parts), spans


def normalised(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[list[int]], list[tuple[int, int] | None]]:
    """normalise(text), its offset map, and the spans moved into the normalised text (None if a word vanished)."""
    norm, breaks = normalise(text)
    # origin[i]: where normalised character i came from; non-decreasing, so spans map by bisection.
    origin: list[int] = []
    for k, (n, o) in enumerate(breaks):
        upto = min(breaks[k + 1][0] if k + 1 < len(breaks) else len(norm), len(norm))
        origin.extend(range(o, o + max(upto - n, 0)))
    moved: list[tuple[int, int] | None] = []
    for s, e in spans:
        a, b = bisect.bisect_left(origin, s), bisect.bisect_left(origin, e)
        moved.append((a, b) if a < b else None)
    return norm, breaks, moved


def page_box(box: tuple[int, int, int, int], size: tuple[int, int], rotation: int) -> list[float]:
    """A pixel box on the upright image -> [x0, y0, x1, y1] as fractions of the page as displayed.

    The upright image is the page turned `rotation` degrees counter-clockwise;
    turning the box back puts it where the word stands on the unrotated page.
    """
    w, h = size
    corners = [_unturn(x / w, y / h, rotation) for x, y in ((box[0], box[1]), (box[2], box[3]))]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return [round(min(xs), 4), round(min(ys), 4), round(max(xs), 4), round(max(ys), 4)]


def _unturn(u: float, v: float, rotation: int) -> tuple[float, float]:
    if rotation == 90:
        return 1 - v, u
    if rotation == 180:
        return 1 - u, 1 - v
    if rotation == 270:
        return v, 1 - u
    return u, v
