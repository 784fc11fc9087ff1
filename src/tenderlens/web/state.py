"""The state of a search view, read from and written to the URL.

Every view (search, map, timeline, exports) takes the same parameters, so a
link copied from any of them reloads the same filtered set of documents.
"""
from __future__ import annotations

import re
from datetime import date
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

SORTS = ("relevance", "date", "amount")
PER_PAGE = 20
MAX_PAGE = 100_000             # of results, and of a document's pages
MAX_VALUE_CHARS = 500          # any one parameter; the query's own bounds are in store/fts.py
MAX_CATEGORIES = 50
_PAGE = re.compile(r"^[0-9]{1,9}$")
_YEAR = re.compile(r"^[0-9]{4}$")
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?$")


def _real_day(value: str) -> bool:
    try:
        return len(value) < 10 or bool(date.fromisoformat(value))
    except ValueError:
        return False


class StateError(ValueError):
    """A URL parameter that cannot be used; the message is shown to the user."""


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    cat: tuple[str, ...] = ()          # category ids; a document must carry all of them
    province: str = ""
    prefecture: str = ""
    county: str = ""
    year: str = ""
    date_from: str = ""                # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    date_to: str = ""
    buyer: str = ""                    # part of the name of the buyer or signing party (as `search --buyer`)
    vendor: str = ""                   # canonical vendor id from the codebook
    supplier: str = ""                 # part of a supplier's name, or any codebook vendor name (`search --vendor`)
    notice_type: str = ""
    format: str = ""
    surv: str = ""                     # "1" surveillance, "0" not, "" either
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_params(cls, params) -> SearchState:
        """From a starlette QueryParams (or any mapping with getlist); StateError names the first bad value."""
        values: dict = {}
        for f in fields(cls):
            if f.name == "cat":
                values["cat"] = tuple(dict.fromkeys(v for v in params.getlist("cat") if v))
                if len(values["cat"]) > MAX_CATEGORIES:
                    raise StateError(f"at most {MAX_CATEGORIES} categories at once, not {len(values['cat'])}")
                long = [v for v in values["cat"] if len(v) > MAX_VALUE_CHARS]
            elif f.name in params:
                values[f.name] = params.get(f.name, "").strip()
                long = [values[f.name]] if len(values[f.name]) > MAX_VALUE_CHARS else []
            else:
                long = []
            if long and f.name != "q":  # the query has its own, finer bounds (store/fts.py)
                raise StateError(f"{f.name} is {len(long[0])} characters long, at most {MAX_VALUE_CHARS}")
        state = cls(**{k: v for k, v in values.items() if k != "page"})
        page = values.get("page") or "1"
        if not _PAGE.match(page) or not 1 <= int(page) <= MAX_PAGE:
            raise StateError(f"page must be a whole number from 1 to {MAX_PAGE}, not {page[:20]!r}")
        state = replace(state, page=int(page))
        if state.sort not in SORTS:
            raise StateError(f"sort must be one of {', '.join(SORTS)}, not {state.sort!r}")
        if state.year and not _YEAR.match(state.year):
            raise StateError(f"year must have four digits, not {state.year!r}")
        for name in ("date_from", "date_to"):
            v = getattr(state, name)
            if v and not (_DATE.match(v) and _real_day(v)):
                raise StateError(f"{name} must look like 2019, 2019-06 or 2019-06-30, not {v!r}")
        if state.surv not in ("", "0", "1"):
            raise StateError(f"surv must be 1 or 0, not {state.surv!r}")
        return state

    def params(self, **changes) -> list[tuple[str, str]]:
        """URL parameters for this state with some values changed; defaults are left out."""
        state = replace(self, **changes)
        out: list[tuple[str, str]] = []
        for f in fields(state):
            v = getattr(state, f.name)
            if f.name == "cat":
                out += [("cat", c) for c in v]
            elif v != f.default:
                out.append((f.name, str(v)))
        return out

    def url(self, path: str = "/search", extra: tuple[tuple[str, str], ...] = (), **changes) -> str:
        """A link to `path` with this state (plus view parameters in `extra`); a changed
        filter starts again at page 1."""
        if "page" not in changes:
            changes["page"] = 1
        qs = urlencode(self.params(**changes) + list(extra))
        return f"{path}?{qs}" if qs else path

    def toggle_cat(self, category: str) -> str:
        cats = tuple(c for c in self.cat if c != category) if category in self.cat else self.cat + (category,)
        return self.url(cat=cats)

    @property
    def filters(self) -> list[tuple[str, str, str]]:
        """The active filters as (label, value, link that removes it), for the chips above results."""
        out = [("category", c, self.toggle_cat(c)) for c in self.cat]
        region_chain = {"province": dict(province="", prefecture="", county=""),
                        "prefecture": dict(prefecture="", county=""), "county": dict(county="")}
        for name in ("province", "prefecture", "county"):
            if getattr(self, name):
                out.append((name, getattr(self, name), self.url(**region_chain[name])))
        for name in ("year", "date_from", "date_to", "buyer", "vendor", "supplier", "notice_type", "format", "surv"):
            if getattr(self, name):
                out.append((name, getattr(self, name), self.url(**{name: ""})))
        return out

    @property
    def has_filters(self) -> bool:
        return bool(self.filters)

