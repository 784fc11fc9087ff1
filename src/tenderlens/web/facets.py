"""Facet counts over the current result (temp.result): documents per value.

Each count is the number of documents in the current result that carry the
value, so clicking a value narrows the result to exactly that many documents.
Summary facets count columns of temp.summaries (the result's summary rows); categories and vendors
probe their tables for each document of the result, or, when the result is the
whole store, count those tables by their own indexes. When the search sidecar
answered the page (results.answered), every count comes from its aggregation
instead, value by value the same numbers, sorted here as the SQL sorts them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..store import Store
from . import results
from .i18n import Words
from .labels import Labels
from .state import SearchState

TOP = 12  # values shown for open-ended facets (buyer, vendor)


@dataclass
class Value:
    value: str
    label: str
    count: int
    url: str
    selected: bool = False
    org: str | None = None   # the organisation a buyer's name is an alias of (query.search fills it in)


@dataclass
class Facet:
    name: str
    title: str
    values: list[Value] = field(default_factory=list)
    groups: list[tuple[str, list[Value]]] = field(default_factory=list)  # categories, by family


def _rows(store: Store, sql: str, params: tuple = ()) -> list[tuple]:
    return [tuple(r) for r in store.db.execute(sql, params)]


def _counted(store: Store, name: str, limit: int | None = None) -> list[tuple] | None:
    """(value, documents) of one sidecar field, most documents first, as `ORDER BY 2 DESC, 1`; None without an answer."""
    found = results.answered(store)
    if found is None:
        return None
    rows = sorted(found.counts.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))
    return rows[:limit] if limit else rows


def _summary_facet(store: Store, state: SearchState, column: str, title: str, limit: int | None = None,
                   where: str = "", params: tuple = (), label=str, param: str = "", field: str = "") -> Facet:
    param = param or column
    sql = (f"SELECT {column}, count(*) FROM temp.summaries WHERE {column} IS NOT NULL AND {column} != '' {where}"
           " GROUP BY 1 ORDER BY 2 DESC, 1")
    if limit:
        sql += f" LIMIT {int(limit)}"
    facet = Facet(param, title)
    # The sidecar's answer is already within the selected province or prefecture: `where` holds.
    rows = _counted(store, field or column, limit)
    for value, n in _rows(store, sql, params) if rows is None else rows:
        v = str(value)
        facet.values.append(Value(v, label(v), n, state.url(**{param: v}), getattr(state, param) == v))
    return facet


def _region(store: Store, state: SearchState, words: Words) -> Facet:
    """One level of the province -> prefecture -> county tree, below what is selected."""
    if state.prefecture:
        return _summary_facet(store, state, "county", words("facet_county"), where="AND prefecture = ?",
                              params=(state.prefecture,))
    if state.province:
        return _summary_facet(store, state, "prefecture", words("facet_prefecture"), where="AND province = ?",
                              params=(state.province,))
    return _summary_facet(store, state, "province", words("facet_region"))


def _categories(store: Store, state: SearchState, labels: Labels, words: Words, everything: bool) -> Facet:
    facet = Facet("cat", words("facet_cat"))
    source = "doc_tags t" if everything else "temp.result r CROSS JOIN doc_tags t ON t.doc_id = r.doc_id"
    counted = _counted(store, "tags")
    if counted is None:
        rows = _rows(store, f"SELECT t.family, t.category, count(*) FROM {source} GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2")
    else:
        rows = sorted(((*tag.split("\t", 1), n) for tag, n in counted), key=lambda r: (r[0], -r[2], r[1]))
    groups: dict[str, list[Value]] = {}
    for family, category, n in rows:
        groups.setdefault(family, []).append(
            Value(category, labels.category(category), n, state.toggle_cat(category), category in state.cat))
    facet.groups = [(labels.family(f), vs) for f, vs in sorted(groups.items(), key=lambda kv: labels.family_order(kv[0]))]
    return facet


def _vendors(store: Store, state: SearchState, labels: Labels, words: Words, everything: bool) -> Facet:
    facet = Facet("vendor", words("facet_vendor"))
    source = "facts f" if everything else "temp.result r CROSS JOIN facts f ON f.doc_id = r.doc_id"
    rows = _counted(store, "vendor", TOP)
    if rows is None:
        rows = _rows(store, f"SELECT f.key, count(DISTINCT f.doc_id) FROM {source}"
                            f" WHERE f.kind = 'vendor' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}")
    for key, n in rows:
        facet.values.append(Value(key, labels.vendor(key), n, state.url(vendor=key), state.vendor == key))
    return facet


def _formats(store: Store, state: SearchState, words: Words) -> Facet:
    facet = Facet("format", words("facet_format"))
    rows = _counted(store, "format")
    for fmt, n in _rows(store, "SELECT format, count(*) FROM temp.result GROUP BY 1 ORDER BY 2 DESC, 1") \
            if rows is None else rows:
        facet.values.append(Value(fmt, fmt, n, state.url(format=fmt), state.format == fmt))
    return facet


def facets(store: Store, state: SearchState, labels: Labels, words: Words) -> list[Facet]:
    everything = not state.q and not state.has_filters
    years = _summary_facet(store, state, "year", words("facet_year"))
    years.values.sort(key=lambda v: v.value, reverse=True)
    return [
        _categories(store, state, labels, words, everything),
        _region(store, state, words),
        years,
        _summary_facet(store, state, "notice_type", words("facet_notice_type"), label=words.notice_type),
        _summary_facet(store, state, "is_surveillance", words("facet_surv"), label=lambda v: words("surv_" + v),
                       param="surv", field="surveillance"),
        _summary_facet(store, state, "buyer", words("facet_buyer"), limit=TOP),
        _vendors(store, state, labels, words, everything),
        _formats(store, state, words),
    ]
