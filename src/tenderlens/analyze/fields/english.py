"""Parties of English documents (FOIA releases, US purchasing records): the agency and the vendor.

The agency is a public body named the way US records name one (Department of
Police - City of Chicago, Chicago Police Department, Cook County Sheriff's Office);
the vendor is a company with a legal-form suffix, or the name after a Vendor /
Contractor / Payee / Awarded to label.
"""
from __future__ import annotations

import re
import unicodedata

from .evidence import FactMaker, View

# A capitalised word; OCR and layout may break it after a hyphen (Pen-⏎Link) and write ligatures (Celleﬁrite).
_CAP = r"[A-Z](?:[A-Za-z\ufb00-\ufb06&.'\-–—]|(?<=[-–—])\n)*"
# Tried in this order: the most explicit form of an agency name first.
_AGENCIES = [re.compile(rx) for rx in (
    rf"\bDepartment of {_CAP}(?: (?:and|of|&) {_CAP}| {_CAP}){{0,3}} ?[-–—,] ?(?:City|County|State) of {_CAP}",
    rf"\b(?:{_CAP} ){{1,3}}(?:Police Department|Sheriff'?s Office|Sheriff'?s Department)",
    rf"\b(?:City|County|State|Town|Village) of {_CAP}(?: {_CAP})?(?: (?:Police|Sheriff'?s?|Fire) (?:Department|Office))?",
    rf"\bDepartment of {_CAP}(?: (?:and|of|&) {_CAP}| {_CAP}){{0,3}}",
)]
# The words of a name may wrap onto the next line (Cellebrite⏎USA, Corporation).
_COMPANY = re.compile(rf"\b(?:{_CAP}(?:[ ,]{{1,2}}|\n)){{0,5}}?{_CAP}(?:,)? (?:Inc\.?|LLC|L\.L\.C\.|Ltd\.?|Limited|Corporation|Corp\.?|"
                      rf"Company|Co\.|GmbH|plc|PLC|LP|L\.P\.)(?![A-Za-z])")
_VENDOR_LABEL = re.compile(r"\b(?:Vendor|Supplier|Contractor|Payee|Awarded to|Sold by|Remit to)\s*(?:Name)?\s*[:#]?\s*", re.I)


def find_english_parties(views: list[View], make: FactMaker) -> list:
    facts = []
    agency = next(filter(None, (_first(views, rx) for rx in _AGENCIES)), None)
    if agency:
        view, m = agency
        facts.append(make(view, m.start(), m.end(), "buyer", m.group().strip(), "fields.english.agency"))
    vendor = None
    for view in views:
        for label in _VENDOR_LABEL.finditer(view.text):
            m = _COMPANY.match(view.text, label.end()) or re.match(rf"{_CAP}(?: {_CAP}){{0,4}}", view.text[label.end():])
            if m:
                start, end = (m.start(), m.end()) if m.re is _COMPANY else (label.end() + m.start(), label.end() + m.end())
                vendor = (view, start, end)
                break
        if vendor:
            break
    if vendor is None:
        found = _first(views, _COMPANY)
        if found:
            vendor = (found[0], found[1].start(), found[1].end())
    if vendor:
        view, start, end = vendor
        facts.append(make(view, start, end, "supplier", _shown(view.text[start:end]), "fields.english.vendor"))
    return facts


def _shown(name: str) -> str:
    """A name as one line: ligatures spelled out, a word broken after its hyphen joined."""
    name = re.sub(r"(?<=[-–—])\n", "", unicodedata.normalize("NFKC", name))
    return " ".join(name.split())


def _first(views: list[View], rx: re.Pattern) -> tuple[View, re.Match] | None:
    for view in views:
        m = rx.search(view.text)
        if m:
            return view, m
    return None
