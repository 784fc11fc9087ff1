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


def _name_before(text: str, at: int) -> tuple[str, int]:
    """The organisation name that ends at `at`, and where it starts: the text back to punctuation, after the
    last word that introduces a name (names.yaml: defined_name_starts)."""
    before = _NAME_END.split(text[max(0, at - 80):at])[-1]
    for word in words()["defined_name_starts"]:
        cut = before.rfind(word)
        if cut >= 0 and len(before) - cut - len(word) >= 4:
            before = before[cut + len(word):]
    name = before.lstrip("0123456789.、-—")
    return name, at - len(name)


def defined_aliases(doc_id: str, pages: list[tuple[int, str]]) -> list[Found]:
    """Short names a document defines for an organisation it names in full."""
    out = []
    for n, text in pages:
        if "以下" not in text:
            continue
        for m in _DEFINED.finditer(text):
            full, start = _name_before(text, m.start())
            if len(full) < 4 or kind(full) == "other" or full in words()["company"]["zh"]:
                continue
            # “临沂亿晨或发包方”: one quote, two short names.
            shorts = [x for q in _QUOTED.findall(m.group(1)) for x in re.split("[或、]", q) if len(x) >= 2]
            if not shorts:
                bare = re.split(r"[，,、或]", m.group(1).strip(" ：:为"))[0].strip()
                shorts = [bare] if 2 <= len(bare) <= 20 else []
            for short in shorts:
                if short != full:
                    out.append(Found(doc_id, full, short, n, start, m.end(), text[start:m.end()]))
    return out


# NEW（原OLD）, NEW（原名：OLD）, OLD（现已更名为NEW…, OLD更名为NEW: one organisation, renamed.
_FORMERLY = re.compile(r"[（(]原(?:名称?)?[：:为]?([^（()）：:，,。；]{4,60})[）)]")
_RENAMED = re.compile(r"(?:现已|已)?更名为[：:]?[“\"]?([^（()）：:，,。；“”\"\s]{4,60})")


def renames(doc_id: str, pages: list[tuple[int, str]]) -> list[Found]:
    """Former names a document states: `name` the name now, `value` the former one."""
    out = []
    for n, text in pages:
        if "原" not in text and "更名" not in text:
            continue
        for m in _FORMERLY.finditer(text):
            now, start = _name_before(text, m.start())
            _keep(out, doc_id, now, m.group(1), n, start, m.end(), text)
        for m in _RENAMED.finditer(text):
            end = len(text[:m.start()].rstrip("（(，, "))
            old, start = _name_before(text, end)
            _keep(out, doc_id, m.group(1), old, n, start, m.end(), text)
    return out


def _keep(out: list, doc_id: str, now: str, old: str, page: int, start: int, end: int, text: str) -> None:
    """A rename counts only between two names of organisations of one kind (not a road or a project)."""
    now, old = now.strip(), old.strip()
    if len(now) >= 4 and now != old and kind(now) != "other" and kind(now) == kind(old):
        out.append(Found(doc_id, now, old, page, start, end, text[start:end]))


# 公司全资子公司X, 本公司控股子公司X, 其全资孙公司X: X is part of the company the document speaks for.
_SUBSIDIARY = re.compile(r"(?:全资|控股|下属)?(?:子公司|孙公司)[—\-：:“\"\s]*")
_SELF = ("公司", "本公司")


def subsidiaries(doc_id: str, pages: list[tuple[int, str]], names: list[str],
                 defined: list[Found]) -> list[Found]:
    """Companies a document calls its issuer's subsidiaries: `name` the subsidiary, `value` the issuer (the
    company it defines as 公司 or 本公司). The two are never one organisation."""
    issuer = next((f.name for f in defined if f.doc_id == doc_id and f.value in _SELF), None)
    if not issuer:
        return []
    out = []
    for n, text in pages:
        if "子公司" not in text and "孙公司" not in text:
            continue
        for m in _SUBSIDIARY.finditer(text):
            name = max((x for x in names if text.startswith(x, m.end()) and x != issuer), key=len, default=None)
            if name:
                out.append(Found(doc_id, name, issuer, n, m.start(), m.end() + len(name), text[m.start():m.end() + len(name)]))
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
