"""What a document says about its parties beyond their names: aliases it defines (以下简称) and the
统一社会信用代码 it prints beside a name. Pure functions over page text; every finding keeps its span."""
from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.cn import uscc

from .names import kind, words

# NAME（以下简称“SHORT”） and its variants: （系授权人，以下简称“A”或“B”）, (以下简称：SHORT).
_DEFINED = re.compile(r"[（(][^（()）]{0,40}?以下(?:简称|称)([^（()）]{0,60})[）)]")
_QUOTED = re.compile(r"[“\"「『]\s*([^”\"」』“]{2,20}?)\s*[”\"」』]")
# Where the text before the bracket stops being the name: punctuation, or the words that
# introduce a party (与, 收到, 全资子公司 ...; names.yaml: defined_name_starts).
_NAME_END = re.compile(r"[\s，。；：:、,（(）)“”\"《》]")
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
    starts = words()["defined_name_starts"]
    for n, text in pages:
        if "以下" not in text:
            continue
        for m in _DEFINED.finditer(text):
            before = _NAME_END.split(text[max(0, m.start() - 80):m.start()])[-1]
            for word in starts:   # the name begins after the last word that introduces it
                at = before.rfind(word)
                if at >= 0 and len(before) - at - len(word) >= 4:
                    before = before[at + len(word):]
            full = before.lstrip("0123456789.、-—")
            if len(full) < 4 or kind(full) == "other" or full in words()["company"]["zh"]:
                continue
            shorts = _QUOTED.findall(m.group(1))
            if not shorts:
                bare = re.split(r"[，,、或]", m.group(1).strip(" ：:为"))[0].strip()
                shorts = [bare] if 2 <= len(bare) <= 20 else []
            start = m.start() - len(before) + (len(before) - len(full))
            for short in shorts:
                if short != full:
                    out.append(Found(doc_id, full, short, n, start, m.end(), text[start:m.end()]))
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
