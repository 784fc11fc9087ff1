"""Vendor names resolved to the codebook's canonical vendors.

Every name variant (Chinese and English names, legal names, stock short names,
aliases) comes from the same single pass over the page as the category cues. A
hit inside one of the vendor's look-alikes (大华会计师事务所) is dropped. A vendor
is a `supplier` in a document where one of its names is part of a winning
supplier the procurement fields found, and `mentioned` otherwise.
"""
from __future__ import annotations

from ..codebook import Codebook
from ..model import Fact
from .matcher import PageScan, phrase_key

EXTRACTOR = "vendors"


def _names(codebook: Codebook) -> tuple[dict[str, list[tuple[str, list[str]]]], dict[str, list[str]]]:
    """Phrase key -> [(vendor id, its counter-cue keys)], and vendor id -> keys of all its names."""
    if "vendors" not in codebook._cache:
        names: dict[str, list[tuple[str, list[str]]]] = {}
        keys: dict[str, list[str]] = {}
        for v in codebook.vendors.values():
            counters = [phrase_key(c) for c in v.counter_cues]
            keys[v.id] = [phrase_key(n) for n in v.names]
            for key in keys[v.id]:
                names.setdefault(key, []).append((v.id, counters))
        codebook._cache["vendors"] = names, keys
    return codebook._cache["vendors"]


def find_vendors(doc_id: str, scans: list[PageScan], codebook: Codebook, suppliers: list[str]) -> list[Fact]:
    names, all_keys = _names(codebook)
    winners: set[str] | None = None  # worked out at the first vendor mention; most documents have none
    facts: list[Fact] = []
    for sc in scans:
        candidates: dict[str, list[tuple[int, int]]] = {}
        for s, e, key in sc.order:
            for vendor_id, counters in names.get(key, ()):
                if not sc.covered(counters, s, e):
                    candidates.setdefault(vendor_id, []).append((s, e))
        if candidates and winners is None:
            winners = _winners(all_keys, suppliers)
        for vendor_id, hits in candidates.items():
            reach = -1
            # One fact per name as written: 杭州海康威视数字技术股份有限公司, not also 海康威视 inside it.
            for s, e in sorted(hits, key=lambda h: (h[0], h[0] - h[1])):
                if e <= reach:
                    continue
                reach = e
                ps, pe = sc.page_span(s, e)
                facts.append(Fact(doc_id, "vendor", vendor_id,
                                  {"name": codebook.vendors[vendor_id].name_en,
                                   "role": "supplier" if vendor_id in winners else "mentioned"},
                                  sc.page, ps, pe, sc.text[ps:pe], codebook.version, EXTRACTOR))
    facts.sort(key=lambda f: (f.page, f.start))
    return facts


def _winners(all_keys: dict[str, list[str]], suppliers: list[str]) -> set[str]:
    """Vendors any of whose names is part of a winning supplier's name (新科佳都 in
    广州新科佳都科技有限公司): every mention of such a vendor is as supplier."""
    supplier_keys = [phrase_key(s) for s in suppliers if s]
    return {vid for vid, keys in all_keys.items() if any(k in sk for k in keys for sk in supplier_keys)}
