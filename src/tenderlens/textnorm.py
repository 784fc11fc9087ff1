"""Text normalisation that remembers where every character came from.

Procurement documents mix full-width digits (２０１８年), ideographic spaces,
Kangxi radicals that PDF fonts emit in place of ideographs (⾦ for 金) and runs of
layout whitespace. Analysis wants one spelling; evidence wants the original
position. `normalise` gives both: the normalised text and a breakpoint map back
to the input.

"Where safe" means: NFKC per character, except the full-width punctuation that
Chinese prose uses on purpose (，：；（） and friends), which stays as written so
quotes read as the document reads; a full-width comma inside a number
(２，８５０，０００) is a thousands separator and becomes ",".
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

# Full-width punctuation that carries meaning in Chinese typography.
_KEEP = set("，：；！？（）【】《》〈〉「」『』、。“”‘’…—·")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_REAL_SPACE = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Zero-width characters count as space next to real space, so "a \u200b b" keeps one space.
_HSPACE = _REAL_SPACE + _ZERO_WIDTH
_NEWLINE = "\r\n\f\v\u2028\u2029\x85"
_SCAN_RANGES = ((0x00A0, 0x10000), (0x1D400, 0x1D800), (0x1F100, 0x1F200), (0x2F800, 0x2FA20))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(candidates, rules): runs of characters that may change, and the rules that change them.

    Scanning with one character class is fast in `re`; the alternation of rules
    only runs inside the (short) candidate runs.
    """
    skip = set(_KEEP) | set(_ZERO_WIDTH)
    changed = [cp for lo, hi in _SCAN_RANGES for cp in range(lo, hi)
               if chr(cp) not in skip and unicodedata.category(chr(cp)) not in ("Zs", "Cs")
               and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)]
    # As ranges: `re` tests a class of ranges far faster than one of thousands of single characters.
    changed_class = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                            for a, b in _ranges(changed))
    candidates = re.compile(rf"[{_HSPACE}{_NEWLINE}，{changed_class}]+")
    rules = re.compile(
        rf"(?P<nl>[{_HSPACE}]*[{_NEWLINE}][{_HSPACE}{_NEWLINE}]*)"
        rf"|(?P<tab>[{_HSPACE}]*\t[{_HSPACE}]*)"
        rf"|(?P<ws>(?=[{_ZERO_WIDTH}]*[{_REAL_SPACE}])[{_HSPACE}]{{2,}}|[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000])"
        rf"|(?P<zw>[{_ZERO_WIDTH}]+)"
        r"|(?P<numsep>(?<=[0-9０-９])，(?=[0-9０-９]{3}))"
        rf"|(?P<ch>[{changed_class}])"
    )
    return candidates, rules


def _ranges(codepoints: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in codepoints:
        if out and cp == out[-1][1] + 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def _matches(text: str):
    candidates, rules = _patterns()
    for run in candidates.finditer(text):
        s, e = run.span()
        if e - s == 1 and text[s] == " ":
            continue  # the commonest candidate, and never changed
        # endpos reaches past the run so a thousands separator can see the digits after it.
        for m in rules.finditer(text, s, min(len(text), e + 3)):
            if m.start() >= e:
                break
            yield m


def normalise(text: str) -> tuple[str, list[list[int]]]:
    """Return (normalised text, breakpoints [[norm_i, orig_i], ...]).

    Whitespace: runs inside a line become one space, a run holding a tab becomes
    one tab (table cells), one line break stays one, two or more become a blank
    line (block boundary). Leading and trailing whitespace goes.
    """
    out: list[str] = []
    n_out = 0
    breaks: list[list[int]] = [[0, 0]]
    pos = 0

    def mark(norm_i: int, orig_i: int) -> None:
        last_n, last_o = breaks[-1]
        if orig_i - last_o != norm_i - last_n:
            if last_n == norm_i:
                breaks[-1] = [norm_i, orig_i]
            else:
                breaks.append([norm_i, orig_i])

    for m in _matches(text):
        s, e = m.start(), m.end()
        kind = m.lastgroup
        if kind == "nl":
            chunk = m.group()
            # "\r\n" is one break; "\r" alone (old Mac files) is one too.
            repl = "\n" if max(chunk.count("\n"), chunk.count("\r")) + chunk.count("\f") <= 1 else "\n\n"
        elif kind == "tab":
            repl = "\t"
        elif kind == "ws":
            repl = " "
        elif kind == "zw":
            repl = ""
        elif kind == "numsep":
            repl = ","  # a full-width comma inside a number is a thousands separator
        else:
            repl = unicodedata.normalize("NFKC", m.group())
        out.append(text[pos:s])
        n_out += s - pos
        mark(n_out, s)
        # Every character of an expansion points at the one it came from.
        for i in range(len(repl)):
            mark(n_out + i, s)
        out.append(repl)
        n_out += len(repl)
        mark(n_out, e)
        pos = e
    out.append(text[pos:])
    result = "".join(out)
    # Strip the ends through the same map: leading whitespace shifts the origin.
    stripped = result.strip()
    lead = len(result) - len(result.lstrip())
    if lead:
        shifted = [[0, to_original(breaks, lead)]]
        for n, o in breaks:
            if n > lead:
                shifted.append([n - lead, o])
        breaks = shifted
    return stripped, breaks


def to_original(breaks: list[list[int]], norm_i: int) -> int:
    """Map an index in normalised text to the index in the original text."""
    keys = [b[0] for b in breaks]
    k = bisect.bisect_right(keys, norm_i) - 1
    n, o = breaks[max(k, 0)]
    return o + (norm_i - n)
