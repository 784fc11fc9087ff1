"""The local web app: search with facets, map, timeline, document view, exports.

Every request borrows a read-only connection of its own from a pool; the
filtered result is computed once per request into a temporary table
(results.py). All
document text reaches the browser through Jinja2 autoescaping or JSON inside
<script type="application/json">, and the Content-Security-Policy allows only
the app's own script files, so text in a document never runs as code.

Only requests whose Host header names the address the app serves are answered
(DNS rebinding: a page on another site that points its own name at 127.0.0.1
must not read the dataset). Personal identifiers are masked in everything shown
(page text, titles, sources, metadata, facts, messages) unless the server was
started with --no-mask. Every parameter is checked: a bad one is a 400 that says
what is wrong, never a 500.
"""
from __future__ import annotations

import os
import queue
import re
from collections.abc import Iterator
from importlib.resources import files
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException

from .. import __version__, codebook
from ..extract.encoding import decode
from ..privacy import mask
from ..store import Store, StoreError
from ..store.aggregates import has_purchases
from ..store.fts import QueryError
from ..summary import FAMILIES
from . import api, export, query, results
from .document import document_view, word_boxes
from .filters import conditions, party_names
from .i18n import COOKIE, Words, lang_of, money
from .labels import Labels
from .originals import RenderError, masked_boxes, original_path, page_png
from .purchases import PurchaseQuery, organisation_view, purchases_view
from .state import MAX_PAGE, SearchState, StateError

DOC_ID = re.compile(r"^[0-9a-f]{64}$")
# Reads map the file instead of copying it, keep pages between requests, and sort in memory.
TUNING = ("PRAGMA mmap_size = 1073741824", "PRAGMA cache_size = -32768", "PRAGMA temp_store = MEMORY")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
       " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class UserError(Exception):
    """A request the app cannot answer, explained in one line."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def host_name(header: str) -> str:
    """The name in a Host header, without port or IPv6 brackets, lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else ""
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def create_app(db_path: str, masked: bool = True, codebook_path: str | None = None,
               allowed_hosts: tuple[str, ...] = ()) -> FastAPI:
    """The app on one database; labels come from the codebook at `codebook_path` (default: the shipped one).

    Requests are answered only when their Host header names 127.0.0.1, localhost, ::1 or
    one of `allowed_hosts` (the address the server listens on, and names given with
    --allowed-host).
    """
    hosts = frozenset(LOCAL_HOSTS) | {host_name(h) for h in allowed_hosts}
    Store(db_path, readonly=True).close()  # fail now, with the store's own message, if it cannot be opened
    app = FastAPI(title="tenderlens", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", description=api.DESCRIPTION)
    app.mount("/static", StaticFiles(directory=str(files("tenderlens") / "web" / "static")), name="static")
    env = Environment(loader=PackageLoader("tenderlens", "web/templates"), autoescape=select_autoescape(default=True))
    env.globals["money"] = money
    env.globals["zip"] = zip
    labels = Labels.from_codebook(codebook.load(codebook_path))

    idle: queue.SimpleQueue[Store] = queue.SimpleQueue()

    def store() -> Iterator[Store]:
        """A read-only connection of the pool: warm caches across requests, one request at a time."""
        try:
            s = idle.get_nowait()
        except queue.Empty:
            s = Store(db_path, readonly=True)
            for pragma in TUNING:
                s.db.execute(pragma)
        try:
            yield s
        finally:
            idle.put(s)

    def state_of(request: Request) -> SearchState:
        try:
            return SearchState.from_params(request.query_params)
        except StateError as e:
            raise UserError(str(e)) from e

    def words_of(request: Request) -> Words:
        return Words(lang_of(request.query_params.get("lang"), request.cookies.get(COOKIE)))

    def render(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
        words = words_of(request)
        if "state" in ctx and "chips" not in ctx:
            ctx["chips"] = query.chips(ctx["state"], labels.in_lang(words.lang), words, request.url.path)
        html = env.get_template(template).render(request=request, db_path=db_path, version=__version__,
                                                 t=words, lang=words.lang, **ctx)
        response = HTMLResponse(html, status_code=status)
        if request.query_params.get("lang") == words.lang:  # the reader's choice, kept for the next pages
            response.set_cookie(COOKIE, words.lang, max_age=365 * 86400, samesite="lax")
        return response

    whole: dict[tuple, object] = {}

    def whole_store(name: str, state: SearchState, compute):
        """Counts over the whole store (no query, no filter), kept until the database file changes."""
        if state.q or state.has_filters:
            return compute()
        files = [p for p in (db_path, db_path + "-wal") if os.path.exists(p)]
        key = (name, tuple(state.params(page=1)), tuple((os.stat(p).st_mtime_ns, os.stat(p).st_size) for p in files))
        if key not in whole:
            if len(whole) > 32:
                whole.clear()
            whole[key] = compute()
        return whole[key]

    def select(s: Store, state: SearchState, table: bool = True) -> tuple[list[str], bool]:
        """table=False: for the search page only, which the search sidecar may answer alone (results.select)."""
        analysed = results.ensure_analysis_tables(s)
        try:
            return results.select(s, state, conditions(state, lambda text: party_names(s, text)), table), analysed
        except QueryError as e:
            raise UserError(str(e)) from e

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        # Starlette's TrustedHostMiddleware cuts "[::1]:8765" at the first colon, so IPv6 hosts would be refused.
        name = host_name(request.headers.get("host", ""))
        if name not in hosts:
            response = Response(f"tenderlens answers only requests addressed to {', '.join(sorted(hosts))}, not"
                                f" {name or 'a request without a Host header'!r}; start the server with"
                                " --allowed-host NAME to add a name\n", status_code=400, media_type="text/plain")
        else:
            response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    shown = mask if masked else (lambda t: t)

    def problem(request: Request, status: int, message: str):
        """An error as JSON under /api, else as a page; masked like everything else shown."""
        message = shown(message)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status)
        return render(request, "error.html", status=status, message=message, state=SearchState())

    @app.exception_handler(UserError)
    async def user_error(request: Request, e: UserError):
        return problem(request, e.status, str(e))

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, e: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in err.get('loc', ())[1:])}: {err.get('msg', 'invalid')}"
                             for err in e.errors())
        return problem(request, 400, f"bad parameter: {problems}")

    @app.exception_handler(StoreError)
    async def store_error(request: Request, e: StoreError):
        return problem(request, 500, f"database problem: {e}")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, e: HTTPException):
        return problem(request, e.status_code, str(e.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, e: Exception):
        return problem(request, 500, f"tenderlens could not answer this request ({type(e).__name__}); "
                                     "the server log has the details")

    @app.get("/")
    def home(request: Request):
        return RedirectResponse("/search")

    @app.get("/favicon.ico")
    def favicon():
        return Response(status_code=204)

    @app.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, s: Store = Depends(store)):
        state, words = state_of(request), words_of(request)
        terms, analysed = select(s, state, table=False)
        view = query.search(s, state, terms, labels.in_lang(words.lang), words, masked, whole_store)
        return render(request, "search.html", state=state, analysed=analysed, masked=masked,
                      labels=labels.in_lang(words.lang), **view)

    @app.get("/map", response_class=HTMLResponse)
    def map_page(request: Request, s: Store = Depends(store)):
        state, words = state_of(request), words_of(request)
        _, analysed = select(s, state)
        data = query.map_view(s, state, whole_store)
        data = dict(data, search=state.url("/search", province="", prefecture="", county=""),
                    words=query.chart_words(words, data["unit"]))
        return render(request, "map.html", state=state, total=data["total"], analysed=analysed, data=data)

    @app.get("/timeline", response_class=HTMLResponse)
    def timeline_page(request: Request, by: str = "month", s: Store = Depends(store)):
        state, words = state_of(request), words_of(request)
        if by not in ("month", "year"):
            raise UserError(f"by must be month or year, not {by!r}")
        _, analysed = select(s, state)
        data = query.timeline_view(s, state, by, whole_store)
        data = dict(data, labels={f: labels.in_lang(words.lang).family(f) for f in FAMILIES},
                    search=state.url("/search", date_from="", date_to="", year=""),
                    words=query.chart_words(words, data["unit"]))
        return render(request, "timeline.html", state=state, total=data["total"], analysed=analysed, by=by,
                      data=data)

    @app.get("/purchases", response_class=HTMLResponse)
    def purchases_page(request: Request, s: Store = Depends(store)):
        pq = PurchaseQuery.from_params(request.query_params, UserError)
        if not has_purchases(s.db):
            raise UserError(f"no purchases in this database yet: run `tenderlens link --db {db_path}`", 404)
        return render(request, "purchases.html", state=SearchState(), chips=[], pq=pq,
                      labels=labels.in_lang(words_of(request).lang), **purchases_view(s.db, pq, masked))

    @app.get("/purchases/export.{fmt}")
    def purchases_export(request: Request, fmt: str, s: Store = Depends(store)):
        pq = PurchaseQuery.from_params(request.query_params, UserError)
        if fmt not in export.FORMATS:
            raise UserError(f"exports are {', '.join(export.FORMATS)}")
        if not has_purchases(s.db):
            raise UserError(f"no purchases in this database yet: run `tenderlens link --db {db_path}`", 404)
        name = f"tenderlens-purchases{'-by-' + pq.by if pq.by else ''}.{fmt}"
        return Response(export.purchase_export(s.db, pq, fmt, masked), media_type=export.FORMATS[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/orgs/{org_id}", response_class=HTMLResponse)
    def organisation_page(request: Request, org_id: str, s: Store = Depends(store)):
        org = organisation_view(s.db, org_id, masked) if has_purchases(s.db) else None
        if org is None:
            raise UserError(f"no organisation {org_id[:80]!r} in this database", 404)
        words = words_of(request)
        chart = {"labels": {f: labels.in_lang(words.lang).family(f) for f in FAMILIES}, "search": None,
                 "words": query.chart_words(words, "purchases")}
        return render(request, "org.html", state=SearchState(), chips=[], org=org, pq=PurchaseQuery(),
                      labels=labels.in_lang(words.lang), map_data=dict(org["map"], **chart),
                      timeline_data=dict(org["timeline"], **chart))

    @app.get("/export.{fmt}")
    def export_file(request: Request, fmt: str, rows: str = "documents", s: Store = Depends(store)):
        state = state_of(request)
        if fmt not in export.FORMATS or rows not in export.ROWS:
            raise UserError(f"exports are {', '.join(export.FORMATS)} of {' or '.join(export.ROWS)}")
        select(s, state)
        return Response(export.export(s, state, fmt, rows, masked), media_type=export.FORMATS[fmt],
                        headers={"Content-Disposition": f'attachment; filename="tenderlens-{rows}.{fmt}"'})

    def document_or_404(s: Store, doc_id: str):
        doc = s.document(doc_id) if DOC_ID.match(doc_id) else None
        if doc is None:
            raise UserError(f"no document {doc_id[:64]!r} in this database", 404)
        return doc

    @app.get("/doc/{doc_id}", response_class=HTMLResponse)
    def document_page(request: Request, doc_id: str, s: Store = Depends(store)):
        # The search the reader came from stays in the URL: the query box keeps it and the way back returns to it.
        state, words = state_of(request), words_of(request)
        doc = document_or_404(s, doc_id)
        results.ensure_analysis_tables(s)
        view = document_view(s, doc, labels.in_lang(words.lang), words, masked, state.q)
        return render(request, "doc.html", state=state, chips=[], **view)

    @app.get("/doc/{doc_id}/page/{n}.png")
    def page_image(doc_id: str, n: int, s: Store = Depends(store)):
        if not 1 <= n <= MAX_PAGE:
            raise UserError(f"page must be a number from 1 to {MAX_PAGE}, not {n}")
        doc = document_or_404(s, doc_id)
        path = original_path(s, doc["id"])
        row = s.page(doc["id"], n)
        cover: list | None = []
        if masked and row is not None:
            cover = masked_boxes(row["text"], word_boxes(row["ocr"]))
        if cover is None:
            raise UserError(f"the image of page {n} is withheld: it shows personal identifiers that are masked"
                            " in the text and cannot be located on the image", 403)
        try:
            png = page_png(path, doc["format"], n, cover) if path else None
        except RenderError as e:
            raise UserError(f"no image of page {n}: {e}", 422) from e
        if png is None:
            raise UserError(f"no image of page {n}: the original file is not at its source path any more", 404)
        return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=3600"})

    @app.get("/doc/{doc_id}/original")
    def original(doc_id: str, s: Store = Depends(store)):
        doc = document_or_404(s, doc_id)
        path = original_path(s, doc["id"])
        if path is None:
            raise UserError("the original file is not at its source path any more", 404)
        with open(path, "rb") as f:
            data = f.read()
        # The file holds its title and metadata too, and a number may be printed there only (titles are
        # stored masked, so a text file is read again as it is).
        told = [p["text"] for p in s.pages(doc["id"])] + [doc["title"] or "", doc["meta"] or ""]
        if doc["format"] in ("html", "text", "csv", "json"):
            told.append(decode(data, markup=doc["format"] == "html").text)
        if masked and any(mask(t) != t for t in told):
            raise UserError("the original file is withheld: it holds personal identifiers that tenderlens masks"
                            " (start the server with --no-mask to download it)", 403)
        # A download, never rendered in the app's origin: an HTML original may carry scripts.
        return Response(data, media_type="application/octet-stream",
                        headers={"Content-Disposition": attachment(os.path.basename(path)),
                                 "Content-Security-Policy": "sandbox"})

    for route in app.routes:  # the OpenAPI description is of the JSON API only
        if not getattr(route, "path", "").startswith("/api"):
            route.include_in_schema = False
    app.include_router(api.router(api.Context(store, state_of, words_of, select, whole_store, document_or_404,
                                              labels, masked, UserError)))

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page(request: Request):
        """The OpenAPI description as a page of the app (no external viewer: the app works offline)."""
        return render(request, "api.html", state=SearchState(), spec=app.openapi())

    return app



def attachment(name: str) -> str:
    """A Content-Disposition that keeps the original file name: plain ASCII for old clients,
    RFC 5987 UTF-8 (filename*) for Chinese names."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name) or "original"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
