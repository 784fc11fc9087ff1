"""Masking of personal identifiers in everything tenderlens shows or exports.

tenderlens studies institutions, not people. Procurement files still carry PRC
ID-card numbers and private mobile numbers (contact persons, bid bond forms);
these are masked by default. Masks keep the length, so character offsets of
evidence stay valid on masked text.
"""
from __future__ import annotations

import re

# 18-digit resident ID (last character may be X), 15-digit legacy ID, mainland mobile numbers.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})((?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9A-Za-z])")
_ID_CARD_15 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])")
# Not inside a longer run of letters and digits: a SHA-256 document id is not a phone number.
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(1[3-9]\d)([- ]?\d{4}[- ]?)(\d{4})(?![0-9A-Za-z])")


def _stars(s: str) -> str:
    return re.sub(r"[0-9Xx]", "*", s)


def mask(text: str) -> str:
    """Mask ID-card and mobile numbers, keeping only the leading region or carrier digits, and the length."""
    if not text:
        return text
    text = _ID_CARD.sub(lambda m: m.group(1) + _stars(m.group(2)), text)
    text = _ID_CARD_15.sub(lambda m: m.group(1) + _stars(m.group(2)), text)
    return _MOBILE.sub(lambda m: text_before(m, 2) + _stars(m.group(2)) + "****", text)


def text_before(m: re.Match, group: int) -> str:
    """The matched text up to where `group` starts."""
    return m.group(0)[: m.start(group) - m.start(0)]


def mask_values(obj, keep: tuple[str, ...] = ("id", "doc_id", "documents")):
    """`mask` applied to every string in a JSON-like value, except under the keys in `keep`: ids are
    hashes and hex digests, whose digits can look like a phone number."""
    if isinstance(obj, str):
        return mask(obj)
    if isinstance(obj, list):
        return [mask_values(x, keep) for x in obj]
    if isinstance(obj, dict):
        return {k: v if k in keep else mask_values(v, keep) for k, v in obj.items()}
    return obj
