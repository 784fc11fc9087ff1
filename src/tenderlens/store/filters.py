"""Facet filters on documents, as search Conditions (the CLI and the web app share them).

Every filter reads the per-document summary (`doc_summary`, `doc_tags`) or the
vendor facts, so it costs one indexed lookup, not a pass over the facts.
"""
from __future__ import annotations

from ..codebook import Codebook
from ..analyze.matcher import phrase_key
from . import facet_tokens as ft
from .search import Condition


def _escape(text: str) -> str:
    """Text taken literally by LIKE ... ESCAPE '\\'."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') for values containing `text`."""
    return "%" + _escape(text) + "%"


def category(value: str) -> Condition:
    """A category id (tech.face_recognition) or a whole family (target)."""
    column, kind = ("category", ft.CATEGORY) if "." in value else ("family", ft.FAMILY)
    return Condition(f"d.id IN (SELECT doc_id FROM doc_tags WHERE {column} = ?)", (value,), ((ft.token(kind, value),),),
                     exact=True)


def region(value: str) -> Condition:
    """A GB/T 2260 code prefix (44, 4401, 440106) or a province, prefecture or county name (广东, 广州市)."""
    value = value.strip()
    if value.isdigit():
        tokens = ((ft.token(ft.REGION_CODE, value),),) if len(value) in (2, 4, 6) else ()
        return Condition("d.id IN (SELECT doc_id FROM doc_summary WHERE region_code LIKE ?)", (value + "%",), tokens,
                         exact=bool(tokens))
    prefix = _escape(value) + "%"
    return Condition("d.id IN (SELECT doc_id FROM doc_summary WHERE province LIKE ? ESCAPE '\\'"
                     " OR prefecture LIKE ? ESCAPE '\\' OR county LIKE ? ESCAPE '\\')", (prefix,) * 3)


def buyer(value: str) -> Condition:
    """Buyer or signing party containing this text."""
    pattern = like(value.strip())
    return Condition("d.id IN (SELECT doc_id FROM doc_summary WHERE buyer LIKE ? ESCAPE '\\'"
                     " OR contract_party LIKE ? ESCAPE '\\')", (pattern, pattern))


def vendor(value: str, book: Codebook | None = None) -> Condition:
    """A canonical vendor (any of its names or its id, via the codebook) or a supplier name containing the text."""
    key = phrase_key(value)
    ids = [v.id for v in (book.vendors.values() if book else ())
           if key == v.id or any(phrase_key(n) == key for n in v.names)]
    pattern = like(value.strip())
    sql = "d.id IN (SELECT doc_id FROM facts WHERE kind='field' AND key='supplier' AND value LIKE ? ESCAPE '\\')"
    params: tuple = (pattern,)
    if ids:
        sql = (f"(d.id IN (SELECT doc_id FROM facts WHERE kind='vendor' AND key IN ({','.join('?' * len(ids))}))"
               f" OR {sql})")
        params = (*ids, pattern)
    return Condition(sql, params)


def year(value: int) -> Condition:
    return Condition("d.id IN (SELECT doc_id FROM doc_summary WHERE year = ?)", (int(value),),
                     ((ft.token(ft.YEAR, int(value)),),), exact=True)


def amount(minimum: float | None = None, maximum: float | None = None) -> Condition:
    """Amount in yuan within [minimum, maximum]; either bound may be open."""
    lo = float("-inf") if minimum is None else float(minimum)
    hi = float("inf") if maximum is None else float(maximum)
    return Condition("d.id IN (SELECT doc_id FROM doc_summary WHERE amount_cny BETWEEN ? AND ?)", (lo, hi))


def surveillance(value: bool = True) -> Condition:
    return Condition("d.id IN (SELECT doc_id FROM doc_summary WHERE is_surveillance = ?)", (int(value),),
                     ((ft.token(ft.SURVEILLANCE, int(value)),),), exact=True)


def conditions(category_: str | None = None, region_: str | None = None, buyer_: str | None = None,
               vendor_: str | None = None, year_: int | None = None, min_amount: float | None = None,
               max_amount: float | None = None, surveillance_: bool | None = None,
               book: Codebook | None = None) -> list[Condition]:
    """The conditions for whichever facets are given (None: not filtered)."""
    out = []
    if surveillance_ is not None:
        out.append(surveillance(surveillance_))
    if category_:
        out.append(category(category_))
    if region_:
        out.append(region(region_))
    if buyer_:
        out.append(buyer(buyer_))
    if vendor_:
        out.append(vendor(vendor_, book))
    if year_ is not None:
        out.append(year(year_))
    if min_amount is not None or max_amount is not None:
        out.append(amount(min_amount, max_amount))
    return out
