"""URL state -> SQL conditions on documents `d`, as store.search.Condition objects.

Categories, regions, years, buyers and notice types come from the tables that
`tenderlens analyze` writes (doc_summary, doc_tags); vendors from vendor facts. Buyer and
supplier match part of a name, with the conditions `tenderlens search --buyer/--vendor` uses.

Two forms of the same test, chosen by what drives the query. With a text query
the candidates are the few documents that match it, so each is probed by its id
(EXISTS: cost follows the matches). Browsing without one, the facet's own index
drives (IN: cost follows the facet, and SQLite starts from its smallest set).
"""
from __future__ import annotations

from datetime import date, timedelta

from .. import codebook
from ..store import facet_tokens as ft
from ..store import filters as store_filters
from ..store.search import Condition
from .state import SearchState

# Summary columns a user filters by exact value, with the facet token each value has in the index.
_SUMMARY_COLUMNS = {"province": ft.PROVINCE, "prefecture": ft.PREFECTURE, "county": ft.COUNTY,
                    "notice_type": ft.NOTICE_TYPE}
# A document dated only by its year still falls inside a period of whole years.
_DATE = "coalesce(x.date, CAST(x.year AS TEXT))"


def _on(table: str, where: list[str], params: list, probe: bool, key: str = "doc_id",
        tokens: tuple[tuple[str, ...], ...] = (), exact: bool = False) -> Condition:
    test = " AND ".join(where)
    if probe:
        sql = f"EXISTS (SELECT 1 FROM {table} x WHERE x.{key} = d.id AND {test})"
    else:
        sql = f"d.id IN (SELECT {key} FROM {table} x WHERE {test})"
    return Condition(sql, tuple(params), tokens, exact)


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
    """Conditions on `d.id` only, so they apply to documents or to any table of matches aliased `d`."""
    probe = bool(state.q)
    out = [_on("doc_tags", ["x.category = ?"], [c], probe, tokens=((ft.token(ft.CATEGORY, c),),), exact=True)
           for c in state.cat]
    # All tests on the summary row in one condition: one lookup per document, not one per filter.
    # Its facet tokens each go into the full-text query as a group of their own; they decide
    # the whole condition unless a period is in it.
    tests = [(f"x.{name} = ?", getattr(state, name)) for name in _SUMMARY_COLUMNS if getattr(state, name)]
    exact = not (state.date_from or state.date_to)
    tokens = [(ft.token(kind, getattr(state, name)),) for name, kind in _SUMMARY_COLUMNS.items()
              if getattr(state, name)]
    if state.year:
        tests.append(("x.year = ?", int(state.year)))
        tokens.append((ft.token(ft.YEAR, int(state.year)),))
    if state.date_from:
        tests.append((f"{_DATE} >= ?", state.date_from))
    if state.date_to:
        tests.append((f"{_DATE} < ?", _after(state.date_to)))
    if state.surv:
        tests.append(("x.is_surveillance = ?", int(state.surv)))
        tokens.append((ft.token(ft.SURVEILLANCE, int(state.surv)),))
    if tests:
        out.append(_on("doc_summary", [t for t, _ in tests], [v for _, v in tests], probe, tokens=tuple(tokens),
                       exact=exact))
    # Part of a name: the CLI's own conditions (a LIKE over the summary or the supplier facts), which no
    # facet token decides, so they run in SQL on whatever the index (or the sidecar) found.
    if state.buyer:
        out.append(store_filters.buyer(state.buyer))
    if state.supplier:
        out.append(store_filters.vendor(state.supplier, codebook.load()))
    if state.vendor:
        out.append(_on("facts", ["x.kind = 'vendor'", "x.key = ?"], [state.vendor], probe,
                       tokens=((ft.token(ft.VENDOR, state.vendor),),)))
    if state.format:
        out.append(_on("documents", ["x.format = ?"], [state.format], probe, key="id",
                       tokens=((ft.token(ft.FORMAT, state.format),),)))
    return out
