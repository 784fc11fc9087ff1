"""Bytes to str for HTML and text notices: BOM, then the declared charset, then sniffing.

Chinese portals declare gb2312 and serve GBK or GB18030 characters; we read any
GB declaration as GB18030, its superset. Big5 stays Big5 (cp950 for the extra
characters Taiwanese and Hong Kong pages use).
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from ..model import ExtractionError

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
             "big5": "cp950", "big5-hkscs": "big5hkscs", "iso-8859-1": "cp1252", "ascii": "utf-8"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, markup: bool = False) -> tuple[str, str]:
    """Return (text, encoding used)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    candidates = []
    if markup:
        m = _DECLARED.search(data[:4096]) or _XML_DECL.search(data[:200])
        if m:
            declared = m.group(1).decode("ascii").lower()
            candidates.append(_SUPERSET.get(declared, declared))
    candidates.append("utf-8")
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise ExtractionError("cannot detect the text encoding (binary data?)")
    enc = _SUPERSET.get(best.encoding.replace("_", "-"), best.encoding)
    return data.decode(enc, errors="replace"), enc
