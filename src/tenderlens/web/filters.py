"""URL state -> SQL conditions on documents `d`, as store.search.Condition objects.

Categories, regions, years, buyers and notice types come from the tables that
`tenderlens analyze` writes (doc_summary, doc_tags); vendors from vendor facts.
"""
from __future__ import annotations

from datetime import date, timedelta

from ..store.search import Condition
from .state import SearchState

_SUMMARY_COLUMNS = ("province", "prefecture", "county", "buyer", "notice_type")
# A document dated only by its year still falls inside a period of whole years.
_DATE = "coalesce(date, CAST(year AS TEXT))"


def _in_summary(where: str, *params) -> Condition:
    return Condition(f"d.id IN (SELECT doc_id FROM doc_summary WHERE {where})", params)


def _after(value: str) -> str:
    """The first date after a period written as YYYY, YYYY-MM or YYYY-MM-DD."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return f"{parts[0] + 1:04d}"
    if len(parts) == 2:
        y, m = parts
        return f"{y + m // 12:04d}-{m % 12 + 1:02d}"
    return (date(*parts) + timedelta(days=1)).isoformat()


def conditions(state: SearchState) -> list[Condition]:
    out = [Condition("d.id IN (SELECT doc_id FROM doc_tags WHERE category = ?)", (c,)) for c in state.cat]
    for name in _SUMMARY_COLUMNS:
        if getattr(state, name):
            out.append(_in_summary(f"{name} = ?", getattr(state, name)))
    if state.year:
        out.append(_in_summary("year = ?", int(state.year)))
    if state.date_from:
        out.append(_in_summary(f"{_DATE} >= ?", state.date_from))
    if state.date_to:
        out.append(_in_summary(f"{_DATE} < ?", _after(state.date_to)))
    if state.surv:
        out.append(_in_summary("is_surveillance = ?", int(state.surv)))
    if state.vendor:
        out.append(Condition("d.id IN (SELECT doc_id FROM facts WHERE kind = 'vendor' AND key = ?)", (state.vendor,)))
    if state.format:
        out.append(Condition("d.format = ?", (state.format,)))
    return out
