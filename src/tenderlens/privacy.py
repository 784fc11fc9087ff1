"""Masking of personal identifiers in everything tenderlens shows, exports or indexes.

tenderlens studies institutions, not people. Procurement files still carry PRC
ID-card numbers and private mobile numbers (contact persons, bid bond forms);
these are masked by default in page text, titles, file and archive member names,
URLs, metadata, snippets and errors, and never enter the full-text index
(store/fts.py), so a search cannot confirm who appears where.

Numbers are found as printed, not only as clean digit runs: ASCII or full-width
digits, one space, dash or line break between any two of them (a number split
across lines of a PDF), and right after letters (TEL13755500007). A number
inside a longer run of digits or a decimal number, or followed by a Latin letter,
is left alone, and so is a hexadecimal run of 32 or more characters (a SHA-256
document id); spaces and dashes count only between groups of three digits or
more, so a table row of small numbers is not read as one phone number.

Masks keep the length: each masked digit becomes one `*` and every other
character stays where it was, so character offsets of evidence stay valid on
masked text.
"""
from __future__ import annotations

import re

_D = "0-9\uff10-\uff19"  # ASCII and full-width digits
# Between two digits of one number: one space, tab, ideographic space, dash, or a line break.
_SEP = "(?:[ \\t\u3000\\-\u2010-\u2015\u2212\uff0d]|\\r?\\n)"
_NEXT = f"{_SEP}?[{_D}]"
# Not inside a longer number: no digit next to it, and no decimal point between it and a digit
# (the fraction of one amount, a line break, then the next amount is no phone number).
_EDGE_BEFORE = f"(?<![{_D}])(?<![{_D}][.\uff0e])"
_EDGE_AFTER = f"(?![{_D}A-Za-z])(?![.\uff0e][{_D}])"
# An ID-card number: 18 characters (the last may be X) or the 15-digit numbers issued before 1999.
# The birth date inside is checked on the digits (_valid_id), separators removed.
_ID = re.compile(f"{_EDGE_BEFORE}([1-9\uff11-\uff19](?:{_NEXT}){{14}}(?:(?:{_NEXT}){{2}}{_SEP}?[{_D}Xx\uff38\uff58])?){_EDGE_AFTER}")
# A mainland mobile number, with or without +86.
_MOBILE = re.compile(f"{_EDGE_BEFORE}(?:[+\uff0b]?(?:86|\uff18\uff16){_SEP}?)?"
                     f"([1\uff11]{_SEP}?[3-9\uff13-\uff19](?:{_NEXT}){{9}}){_EDGE_AFTER}")
# What every ID-card and mobile number holds: 11 digits, each pair at most one separator apart. One scan
# for it without lookbehinds is several times faster than the two patterns, and most pages have none.
_CANDIDATE = re.compile(f"[{_D}](?:{_NEXT}){{10}}")
_HEX_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])")
_TO_ASCII = str.maketrans("\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff38\uff58",
                          "0123456789XX")
_MASKABLE = re.compile(f"[{_D}Xx\uff38\uff58]")
_SPACE_OR_DASH = re.compile("[ \\t\u3000\\-\u2010-\u2015\u2212\uff0d]")
_LINE_BREAK = re.compile("\\r?\\n")
MIN_GROUP = 3  # digits between two spaces or dashes: 139 1234 5678 is a number, 13 5 20 30 40 a table row
KEEP_ID, KEEP_MOBILE = 6, 3  # leading digits left visible: the region code, the carrier prefix


def _valid_id(digits: str) -> bool:
    if len(digits) == 18:
        if "X" in digits[:17]:
            return False
        year, month, day = digits[6:10], digits[10:12], digits[12:14]
        if year[:2] not in ("19", "20"):
            return False
    elif len(digits) == 15:
        month, day = digits[8:10], digits[10:12]
    else:
        return False
    return "01" <= month <= "12" and "01" <= day <= "31"


def _found(text: str) -> list[tuple[int, int, int]]:
    """(start, end, leading digits to keep) of every ID-card and mobile number, separators included."""
    if not _CANDIDATE.search(text):
        return []
    hashes = [m.span() for m in _HEX_RUN.finditer(text)]

    def in_hash(start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in hashes)

    found = []
    for m in _ID.finditer(text):
        number, (start, end) = m.group(1), m.span(1)
        if not _is_id(number):
            # 18 characters that are no ID may still begin with a 15-digit one followed by a space and digits.
            cut = [i for i, c in enumerate(number) if _MASKABLE.match(c)][14] + 1
            if cut == len(number) or _MASKABLE.match(number[cut]):
                continue
            number, end = number[:cut], start + cut
            if not _is_id(number):
                continue
        if not in_hash(start, end):
            found.append((start, end, KEEP_ID))
    found += [(*m.span(1), KEEP_MOBILE) for m in _MOBILE.finditer(text)
              if _grouped(m.group(1)) and not in_hash(*m.span(1))]
    return found


def _is_id(number: str) -> bool:
    digits = "".join(_MASKABLE.findall(number)).translate(_TO_ASCII).upper()
    return _valid_id(digits) and _grouped(number)


def _grouped(number: str) -> bool:
    """Spaces and dashes only between groups of MIN_GROUP digits or more; a line break may fall anywhere."""
    return all(len(g) >= MIN_GROUP for g in _SPACE_OR_DASH.split(_LINE_BREAK.sub("", number)))


def identifier_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ID-card and mobile number in `text`, separators included."""
    return sorted((start, end) for start, end, _ in _found(text)) if text else []


def mask(text: str) -> str:
    """Mask ID-card and mobile numbers, keeping only the leading region or carrier digits, and the length."""
    if not text:
        return text
    chars: list[str] | None = None
    for start, end, keep in _found(text):
        seen = 0
        for i in range(start, end):
            if _MASKABLE.match(text[i]):
                seen += 1
                if seen > keep:
                    if chars is None:
                        chars = list(text)
                    chars[i] = "*"
    return text if chars is None else "".join(chars)


def mask_tree(obj, keep: tuple[str, ...] = ("doc_id", "id")):
    """`obj` (JSON-like: dicts, lists, strings) with every string masked, except the values of `keep` keys
    (a document id is a SHA-256 in hex: a run of its digits can look like a phone number)."""
    if isinstance(obj, str):
        return mask(obj)
    if isinstance(obj, (list, tuple)):
        return [mask_tree(x, keep) for x in obj]
    if isinstance(obj, dict):
        return {k: v if k in keep else mask_tree(v, keep) for k, v in obj.items()}
    return obj
