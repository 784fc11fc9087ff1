"""The JSON API under /api: what the pages show, as data, from the same query layer (query.py).

Every endpoint takes the same URL parameters as the pages (q, cat, province, year,
buyer, notice_type, surv, sort, page, ...), so a page's address with /api in front
answers with the page's figures. Personal identifiers are masked as on the pages.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from fastapi import APIRouter, Depends, Request

from ..store import Store
from ..store.aggregates import has_purchases
from . import query
from .document import document_view
from .labels import Labels
from .purchases import PurchaseQuery, organisation_view, purchases_view
from .results import ensure_analysis_tables

DESCRIPTION = ("Search, facets, totals, map and timeline figures and documents with their facts and evidence, "
               "as JSON. List endpoints take the search page's parameters: q (full-text query), cat (repeatable "
               "category id), province, prefecture, county, year, date_from, date_to, buyer, vendor, supplier, "
               "notice_type, format, surv (1 or 0), sort (relevance, date, amount) and page; lang (zh or en) names the "
               "language of labels. Amounts are in their own currency: `currency` says which, and totals are "
               "per currency.")


# The search page's URL parameters, which every list endpoint reads (SearchState.from_params),
# stated for the OpenAPI description.
PARAMETERS = [
    ("q", "string", "full-text query: words, \"phrases\", OR, -word (tenderlens search syntax)"),
    ("cat", "array", "category id, e.g. tech.face_recognition; repeat for documents carrying all of them"),
    ("province", "string", "province as named in the results, e.g. 广东省"),
    ("prefecture", "string", "prefecture, e.g. 阳江市"),
    ("county", "string", "county or district"),
    ("year", "string", "four-digit year"),
    ("date_from", "string", "first day, month or year (2019, 2019-06, 2019-06-30), inclusive"),
    ("date_to", "string", "last day, month or year, inclusive"),
    ("buyer", "string", "part of the name of the buyer or signing party, e.g. 公安 (as `tenderlens search --buyer`)"),
    ("vendor", "string", "codebook vendor id, e.g. hikvision"),
    ("supplier", "string", "part of a supplier's name, or any codebook vendor name, e.g. 海康 (as"
                           " `tenderlens search --vendor`)"),
    ("notice_type", "string", "tender, shortlist, award, contract, modification, cancellation or other"),
    ("format", "string", "html, pdf, docx, xlsx, image, json, ..."),
    ("surv", "string", "1: surveillance purchases only; 0: the others"),
    ("sort", "string", "relevance, date or amount (amounts sort within their currency, yuan first)"),
    ("page", "integer", "page of 20 results, from 1"),
    ("lang", "string", "zh or en: the language of labels"),
]
_OPENAPI = {"parameters": [
    {"name": name, "in": "query", "required": False, "description": text,
     "schema": {"type": "array", "items": {"type": "string"}} if kind == "array" else {"type": kind}}
    for name, kind, text in PARAMETERS]}


@dataclass
class Context:
    """What the app lends the API: its connection pool, URL state, language, caches and labels."""
    store: Callable
    state_of: Callable
    words_of: Callable
    select: Callable
    whole_store: Callable
    document_or_404: Callable
    labels: Labels
    masked: bool
    error: type[Exception]  # the app's one-line error, answered as {"error": ...} under /api


def router(ctx: Context) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["tenderlens"])

    def searched(request: Request, s: Store, table: bool = True):
        state, words = ctx.state_of(request), ctx.words_of(request)
        terms, analysed = ctx.select(s, state, table)
        return state, words, terms, analysed

    @api.get("/search", openapi_extra=_OPENAPI, summary="One page of matching documents, with the total and per-currency totals")
    def search(request: Request, s: Store = Depends(ctx.store)) -> dict:
        state, words, terms, analysed = searched(request, s, table=False)
        view = query.search(s, state, terms, ctx.labels.in_lang(words.lang), words, ctx.masked, ctx.whole_store)
        return {"query": state.q, "filters": view["chips"], "analysed": analysed, "total": view["total"],
                "page": view["page"], "per_page": view["per_page"], "n_pages": view["n_pages"],
                "totals": view["totals"], "results": [_result(r) for r in view["results"]]}

    @api.get("/facets", openapi_extra=_OPENAPI, summary="Facet counts over the matching documents: documents per value")
    def facets(request: Request, s: Store = Depends(ctx.store)) -> dict:
        state, words, terms, _ = searched(request, s, table=False)
        view = query.search(s, state, terms, ctx.labels.in_lang(words.lang), words, ctx.masked, ctx.whole_store)
        return {"total": view["total"], "facets": [asdict(f) for f in view["facets"]]}

    @api.get("/map", openapi_extra=_OPENAPI, summary="Purchases with a notice in the result (each once) and their amounts per currency, by province"
             " and by prefecture or county centre")
    def map_(request: Request, s: Store = Depends(ctx.store)) -> dict:
        state, _, _, _ = searched(request, s)
        return query.map_view(s, state, ctx.whole_store)

    @api.get("/timeline", openapi_extra=_OPENAPI, summary="Purchases with a notice in the result (each once, dated by its first notice) and their amounts"
             " per month or year, by category family")
    def timeline(request: Request, by: str = "month", s: Store = Depends(ctx.store)) -> dict:
        if by not in ("month", "year"):
            raise ctx.error(f"by must be month or year, not {by!r}")
        state, _, _, _ = searched(request, s)
        return query.timeline_view(s, state, by, ctx.whole_store)

    @api.get("/documents/{doc_id}", summary="A document: metadata, sources, page text and facts with quotes")
    def document(request: Request, doc_id: str, s: Store = Depends(ctx.store)) -> dict:
        words = ctx.words_of(request)
        doc = ctx.document_or_404(s, doc_id)
        ensure_analysis_tables(s)
        view = document_view(s, doc, ctx.labels.in_lang(words.lang), words, ctx.masked)
        pages = [{"n": p["n"], "text": "".join(t for t, _ in p["parts"]), "needs_ocr": p["needs_ocr"]}
                 for p in view["pages"]]
        return {"document": view["doc"], "title": view["title"], "meta": view["meta"], "sources": view["sources"], "pages": pages,
                "facts": view["facts"], "original": view["has_original"] and not view["withheld"]}

    @api.get("/purchases", summary="Purchases (each procurement once, across its notices), or their groups"
             " (by=buyer|supplier|province|year|category) with shares; totals per currency")
    def purchases(request: Request, s: Store = Depends(ctx.store)) -> dict:
        pq = PurchaseQuery.from_params(request.query_params, ctx.error)
        if not has_purchases(s.db):
            raise ctx.error("no purchases in this database yet: run `tenderlens link`", 404)
        return purchases_view(s.db, pq, ctx.masked)

    @api.get("/organisations/{org_id}", summary="An organisation: aliases, purchases as buyer and as supplier,"
             " counterparties, totals by year and category, its purchases by place (map) and year (timeline)")
    def organisation(org_id: str, s: Store = Depends(ctx.store)) -> dict:
        org = organisation_view(s.db, org_id, ctx.masked) if has_purchases(s.db) else None
        if org is None:
            raise ctx.error(f"no organisation {org_id[:80]!r} in this database", 404)
        return org

    return api


def _result(r) -> dict:
    out = asdict(r)
    out["snippet"] = "".join(t for t, _ in r.snippet)
    return out
