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

from collections.abc import Callable
from datetime import date, timedelta

from .. import codebook
from ..store import Store
from ..store import facet_tokens as ft
from ..store import filters as store_filters
from ..store.search import Condition
from .results import file_stamp
from .state import SearchState

# Names a buyer filter may stand for as facet tokens; more, and it runs as SQL.
MAX_NAMES = 64

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


def party_names(store: Store, text: str) -> list[str] | None:
    """Every buyer and signing-party name of the summary that contains `text` (as the buyer filter's LIKE
    reads it), or None when more than MAX_NAMES do. The names are listed once per connection, and again
    whenever the database file changes."""
    db = store.db
    db.execute("CREATE TEMP TABLE IF NOT EXISTS party_names (name TEXT PRIMARY KEY)")
    db.execute("CREATE TEMP TABLE IF NOT EXISTS party_names_stamp (stamp TEXT)")
    stamp = file_stamp(store)
    if not db.execute("SELECT 1 FROM temp.party_names_stamp WHERE stamp = ?", (stamp,)).fetchone():
        db.execute("DELETE FROM temp.party_names")
        db.execute("DELETE FROM temp.party_names_stamp")
        db.execute("INSERT OR IGNORE INTO temp.party_names SELECT DISTINCT buyer FROM doc_summary"
                   " WHERE buyer IS NOT NULL UNION SELECT DISTINCT contract_party FROM doc_summary"
                   " WHERE contract_party IS NOT NULL")
        db.execute("INSERT INTO temp.party_names_stamp VALUES (?)", (stamp,))
    found = [n for (n,) in db.execute("SELECT name FROM temp.party_names WHERE name LIKE ? ESCAPE '\\' LIMIT ?",
                                      (store_filters.like(text.strip()), MAX_NAMES + 1))]
    return found if len(found) <= MAX_NAMES else None


def conditions(state: SearchState, names: Callable[[str], list[str] | None] | None = None) -> list[Condition]:
    """Conditions on `d.id` only, so they apply to documents or to any table of matches aliased `d`.

    `names(text)`: the buyer names containing `text` (party_names), so a buyer filter can go into the
    full-text query as their facet tokens."""
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
    # Part of a name: the CLI's own conditions (a LIKE over the summary or the supplier facts). A buyer's
    # part that only a few names contain is decided by those names' facet tokens, one group of
    # alternatives; otherwise it runs in SQL on whatever the index (or the sidecar) found.
    if state.buyer:
        like = store_filters.buyer(state.buyer)
        found = names(state.buyer) if names else None
        tokens = (tuple(ft.token(ft.BUYER, n) for n in found),) if found else ()
        out.append(Condition(like.sql, like.params, tokens, exact=bool(found)))
    if state.supplier:
        out.append(store_filters.vendor(state.supplier, codebook.load()))
    if state.vendor:
        out.append(_on("facts", ["x.kind = 'vendor'", "x.key = ?"], [state.vendor], probe,
                       tokens=((ft.token(ft.VENDOR, state.vendor),),)))
    if state.format:
        out.append(_on("documents", ["x.format = ?"], [state.format], probe, key="id",
                       tokens=((ft.token(ft.FORMAT, state.format),),)))
    return out
