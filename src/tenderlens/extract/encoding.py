"""Bytes to str for HTML and text notices: BOM, then the declared charset, then sniffing.

Chinese portals declare gb2312 and serve GBK or GB18030 characters; we read any
GB declaration as GB18030, its superset. Big5 stays Big5 (cp950 for the extra
characters Taiwanese and Hong Kong pages use). Many portals also declare gb2312 on
pages saved as UTF-8: bytes that are valid UTF-8 (and not plain ASCII) are read as
UTF-8 whatever the declaration says, since GBK text is almost never valid UTF-8.
Every such disagreement, and every byte that had to be replaced, is a warning.
"""
from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from charset_normalizer import from_bytes

from ..model import ExtractionError

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
             "big5": "cp950", "big5-hkscs": "big5hkscs", "iso-8859-1": "cp1252", "ascii": "utf-8"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class Decoded(NamedTuple):
    text: str
    encoding: str
    warning: str | None = None


def decode(data: bytes, markup: bool = False) -> Decoded:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _lenient(data, enc, None)
    declared = printed = None
    if markup:
        m = _DECLARED.search(data[:4096]) or _XML_DECL.search(data[:200])
        if m:
            printed = m.group(1).decode("ascii").lower()
            declared = _codec(_SUPERSET.get(printed, printed))
    utf8 = _strict(data, "utf-8")
    if declared and declared != "utf-8":
        if utf8 is not None and not data.isascii():
            return Decoded(utf8, "utf-8", f"declares charset {printed} but the bytes are UTF-8; read as UTF-8")
        text = _strict(data, declared)
        if text is not None:
            return Decoded(text, declared)
        conflict = f"declares charset {printed} but the bytes are not {declared}"
    else:
        conflict = f"declares charset {printed} but the bytes are not UTF-8" if declared and utf8 is None else None
    if utf8 is not None:
        return Decoded(utf8, "utf-8", conflict and f"{conflict}; read as UTF-8")
    if _mostly_utf8(data):  # a UTF-8 page cut inside a character, or with a stray byte
        return _lenient(data, "utf-8", conflict and f"{conflict}; read as UTF-8")
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise ExtractionError("cannot detect the text encoding (binary data?)")
    enc = _SUPERSET.get(best.encoding.replace("_", "-"), best.encoding)
    return _lenient(data, enc, conflict and f"{conflict}; read as {enc}")


def _mostly_utf8(data: bytes) -> bool:
    """Valid UTF-8 but for a few bytes in a thousand: GBK or Big5 text read as UTF-8 fails far more often."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return bad <= max(2, len(data) // 1000) and len(text) - bad > bad * 100


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        return None


def _lenient(data: bytes, enc: str, warning: str | None) -> Decoded:
    text = data.decode(enc, errors="replace")
    bad = text.count("\ufffd") - _strict_count(data, enc)
    if bad > 0:
        note = f"{bad} byte sequences are not valid {enc} and were replaced with \ufffd"
        warning = f"{warning}; {note}" if warning else note
    return Decoded(text, enc, warning)


def _strict_count(data: bytes, enc: str) -> int:
    # U+FFFD written in the document itself is not a decoding loss.
    return data.count("\ufffd".encode(enc, errors="ignore") or b"\0\0\0\0") if enc.startswith("utf-8") else 0
