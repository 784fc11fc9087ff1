"""Is a PDF page's text layer worth keeping, or should OCR read the page under --ocr auto?

Scanned FOIA releases often carry a text layer from an old OCR pass that reads
`BUREAU OF ORGANxZED CRrME t;'~~`: it is text, so nothing marks the page for OCR,
and a researcher searching it finds nothing. A layer is judged bad when
- many of its words are not words: letters mixed with digits or symbols
  (`17a1y`, `~ecxuest`), or case switching inside a word (`CRrME`). Measured:
  the LPL check scans' garbage layers 21-26% of words, OCR text of the FOIA
  releases 2-5%, and 10% on 20 pages of stamped, handwritten forms;
- many of its characters are replacement or private-use characters (fonts
  without a Unicode map);
- it holds too little text for the ink on the page: a full-page scan whose
  layer has only a stamp's or a header's words.
"""
from __future__ import annotations

import re

# Share of non-words (of Latin words) above which a layer is garbage; needs this many words to judge.
MAX_NON_WORDS = 0.15
MIN_WORDS = 20
# Share of replacement, private-use or control characters above which a layer is garbage.
MAX_UNMAPPED = 0.05
# Dark pixels (of a page rendered at INK_DPI) per character of text: printed pages hold one character
# per 2-20 dark pixels (see docs/ocr.md); a layer with one per more than this misses most of the page.
INK_DPI = 50
MAX_INK_PER_CHAR = 150

_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*|[$€£¥#]?\d[\d,.:/%-]*")
_EDGE = ".,;:!?()[]{}\"'“”‘’*"


def bad_text(text: str) -> str | None:
    """Why the text layer is garbage, or None when it reads as text."""
    visible = [c for c in text if not c.isspace()]
    unmapped = sum(1 for c in visible if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or ord(c) < 32)
    if visible and unmapped / len(visible) > MAX_UNMAPPED:
        return f"text layer has {unmapped} replacement or unmapped characters of {len(visible)}"
    words = [t.strip(_EDGE) for t in text.split()]
    words = [w for w in words if w.isascii() and any(c.isalnum() for c in w)]
    if len(words) >= MIN_WORDS:
        bad = sum(1 for w in words if not _is_word(w))
        if bad / len(words) > MAX_NON_WORDS:
            return f"text layer is garbled: {bad} of {len(words)} words are not words"
    return None


def too_little_text(chars: int, ink: int) -> str | None:
    """Why a layer of `chars` visible characters is too little for `ink` dark pixels, or None."""
    if ink > MAX_INK_PER_CHAR * max(chars, 1):
        return f"text layer has {chars} characters for a page with ink for far more"
    return None


def _is_word(w: str) -> bool:
    if not _WORD.fullmatch(w):
        return False
    letters = w.replace("'", "").replace("’", "").replace("-", "")
    return not letters.isalpha() or letters.islower() or letters.isupper() or letters.istitle()
