"""What a document says about its parties beyond their names: aliases it defines (以下简称) and the
统一社会信用代码 it prints beside a name. Pure functions over page text; every finding keeps its span."""
from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.cn import uscc

from .names import kind

# NAME（以下简称“SHORT”） and its variants (…，以下简称：SHORT；以下简称"A"或"B").
_DEFINED = re.compile(r"([^\s，。；：:、,（(）)“”\"]{4,60})[（(][^（()）]{0,40}?以下(?:简称|称)[：:为]?\s*[“\"「]?"
                      r"([^”\"」）)，,、。；\s]{1,20})[”\"」]?(?:[或、][“\"「]([^”\"」）)，,、]{1,20})[”\"」])?")
_CODE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
# How far before a code its organisation's name may stand (名称：X \n 统一社会信用代码：Y).
_CODE_REACH = 200


@dataclass(frozen=True)
class Found:
    doc_id: str
    name: str                # the full name
    value: str               # the short name defined, or the credit code
    page: int
    start: int
    end: int
    quote: str


def defined_aliases(doc_id: str, pages: list[tuple[int, str]]) -> list[Found]:
    """Short names a document defines for an organisation it names in full."""
    out = []
    for n, text in pages:
        if "以下" not in text:
            continue
        for m in _DEFINED.finditer(text):
            full = m.group(1)
            if kind(full) == "other":
                continue
            for short in filter(None, (m.group(2), m.group(3))):
                if short != full:
                    out.append(Found(doc_id, full, short, n, m.start(), m.end(), m.group(0)))
    return out


def credit_codes(doc_id: str, pages: list[tuple[int, str]], names: list[str]) -> list[Found]:
    """Valid credit codes (checked by their check character) with the party name printed nearest before them."""
    out = []
    for n, text in pages:
        for m in _CODE.finditer(text):
            if not uscc.is_valid(m.group(0)):
                continue
            window = text[max(0, m.start() - _CODE_REACH):m.start()]
            best = max(((window.rfind(name), name) for name in names if name in window), default=None)
            if best is None:
                continue
            at = m.start() - len(window) + best[0]
            out.append(Found(doc_id, best[1], m.group(0), n, at, m.end(), text[at:m.end()]))
    return out
