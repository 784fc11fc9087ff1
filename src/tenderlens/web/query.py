"""The one query layer behind the HTML pages and the JSON API.

Each function answers one view from a SearchState as plain data (dataclasses and
dicts): the page templates render it, /api returns it as JSON, so what a page shows
and what the API answers cannot drift apart.
"""
from __future__ import annotations

from collections.abc import Callable

from ..store import Store
from . import results
from .facets import facets
from .i18n import Words, money
from .labels import Labels
from .purchases import org_ids
from .state import PER_PAGE, SearchState
from .views import map_data, result_units, timeline_data

# whole_store(name, state, compute): counts over the whole store, cached by the app until the file changes.
Cache = Callable[[str, SearchState, Callable], object]


def chips(state: SearchState, labels: Labels, words: Words, path: str = "/search") -> list[dict]:
    """The active query and filters as the reader names them, each with the link that removes it."""
    shown = {"cat": labels.category, "vendor": labels.vendor, "notice_type": words.notice_type,
             "surv": lambda v: words("surv_" + v)}
    out = [{"param": "q", "label": words("chip_q"), "value": state.q, "url": state.url(path, q="")}] if state.q else []
    for param, value, url in state.filters:
        if param == "surv":  # the value says it all: "Surveillance only"
            out.append({"param": param, "label": "", "value": shown[param](value), "url": url})
        else:
            out.append({"param": param, "label": words("chip_" + param),
                        "value": shown.get(param, str)(value), "url": url})
    return out


def totals(store: Store, state: SearchState, cache: Cache) -> list[dict]:
    """Summed amounts of the result, one per currency, with their text (¥3.51亿, $1.2M)."""
    return [dict(t, text=money(t["amount"], t["currency"]))
            for t in cache("totals", state, lambda: results.totals(store))]


def search(store: Store, state: SearchState, terms: list[str], labels: Labels, words: Words, masked: bool,
           cache: Cache) -> dict:
    """The search page: total, one page of results, facets and per-currency totals (temp.result filled)."""
    total = cache("count", state, lambda: results.count(store))
    rows = results.page_of_results(store, state, terms, masked)
    org_of = org_ids(store, [n for r in rows for n in [r.summary["buyer"], *r.suppliers] if n])
    for r in rows:
        r.summary["org_ids"] = {n: org_of[n] for n in [r.summary["buyer"], *r.suppliers] if n in org_of}
        r.summary["amount_text"] = money(r.summary["amount"], r.summary["currency"] or "CNY") \
            if r.summary["amount"] is not None else ""
        r.summary["notice_type_text"] = words.notice_type(r.summary["notice_type"]) \
            if r.summary["notice_type"] else ""
    shown_facets = cache("facets-" + words.lang, state, lambda: facets(store, state, labels, words))
    buyers = [v for f in shown_facets if f.name == "buyer" for v in f.values]
    org_of_buyer = org_ids(store, [v.value for v in buyers])
    for v in buyers:
        v.org = org_of_buyer.get(v.value)
    return {"total": total, "page": state.page, "per_page": PER_PAGE, "n_pages": max(1, -(-total // PER_PAGE)),
            "results": rows, "totals": totals(store, state, cache), "facets": shown_facets,
            "chips": chips(state, labels, words)}


def chart_words(words: Words, unit: str) -> dict[str, str]:
    """The words the chart scripts write (legend, axes, tooltips), for the unit counted."""
    return {"count": words("count_" + unit), "unit": words("unit_" + unit), "amount": words("metric_amount"),
            "all_series": words("all_series_" + unit), "surv_series": words("surv_series")}


def _counted(db, data: dict) -> dict:
    return dict(data, total=db.execute("SELECT count(*) FROM temp.units").fetchone()[0])


def map_view(store: Store, state: SearchState, cache: Cache) -> dict:
    """Purchases with a notice in the result (documents before `tenderlens link`) by province and place."""
    return cache("map", state, lambda: _counted(store.db, map_data(store.db, result_units(store.db))))


def timeline_view(store: Store, state: SearchState, by: str, cache: Cache) -> dict:
    """Purchases with a notice in the result per month or year, by category family."""
    return cache("timeline-" + by, state,
                 lambda: _counted(store.db, timeline_data(store.db, result_units(store.db), by)))
