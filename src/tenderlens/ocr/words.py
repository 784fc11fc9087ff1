"""What every OCR engine returns: words in reading order, each with its pixel box and the break before it."""
from __future__ import annotations

from dataclasses import dataclass

# What separates a word from the one before: a paragraph, a line, a visible gap on the same
# line (table cells, label and value), or nothing but the script's own spacing.
PARA, LINE, GAP, NONE = 2, 1, 3, 0


@dataclass
class Word:
    text: str
    brk: int                         # PARA, LINE, GAP or NONE
    box: tuple[int, int, int, int]   # x0, y0, x1, y1 in pixels of the image it was read from
    conf: float                      # 0-100


def mean_confidence(words: list[Word]) -> float:
    confs = [w.conf for w in words if w.conf >= 0]
    return sum(confs) / len(confs) if confs else 0.0
