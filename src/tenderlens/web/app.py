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

import json
import os
import queue
import re
from collections.abc import Iterator
from importlib.resources import files

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException

from .. import __version__, codebook
from ..privacy import mask, mask_tree
from ..records import facts_of
from ..store import Store, StoreError
from ..store.fts import QueryError, parse_query
from ..store.search import term_pattern
from ..summary import FAMILIES
from . import export, results
from .facets import facets
from .filters import conditions
from .labels import Labels
from .originals import RenderError, masked_boxes, original_path, page_png
from .state import MAX_PAGE, PER_PAGE, SearchState, StateError
from .views import map_data, timeline_data

DOC_ID = re.compile(r"^[0-9a-f]{64}$")
FACT_KINDS = ("field", "tech", "target", "source", "vendor", "exempt")
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
    app = FastAPI(title="tenderlens", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=str(files("tenderlens") / "web" / "static")), name="static")
    env = Environment(loader=PackageLoader("tenderlens", "web/templates"), autoescape=select_autoescape(default=True))
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

    def render(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
        html = env.get_template(template).render(request=request, db_path=db_path, version=__version__, **ctx)
        return HTMLResponse(html, status_code=status)

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

    def select(s: Store, state: SearchState) -> tuple[list[str], bool]:
        analysed = results.ensure_analysis_tables(s)
        try:
            return results.select(s, state, conditions(state)), analysed
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

    @app.exception_handler(UserError)
    async def user_error(request: Request, e: UserError):
        return render(request, "error.html", status=e.status, message=shown(str(e)), state=SearchState())

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, e: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in err.get('loc', ())[1:])}: {err.get('msg', 'invalid')}"
                             for err in e.errors())
        return render(request, "error.html", status=400, message=shown(f"bad parameter: {problems}"),
                      state=SearchState())

    @app.exception_handler(StoreError)
    async def store_error(request: Request, e: StoreError):
        return render(request, "error.html", status=500, message=shown(f"database problem: {e}"), state=SearchState())

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, e: HTTPException):
        return render(request, "error.html", status=e.status_code, message=shown(str(e.detail)), state=SearchState())

    @app.exception_handler(Exception)
    async def unexpected(request: Request, e: Exception):
        return render(request, "error.html", status=500, state=SearchState(),
                      message=f"tenderlens could not answer this request ({type(e).__name__}); "
                              "the server log has the details")

    @app.get("/")
    def home(request: Request):
        return RedirectResponse("/search")

    @app.get("/favicon.ico")
    def favicon():
        return Response(status_code=204)

    @app.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, s: Store = Depends(store)):
        state = state_of(request)
        terms, analysed = select(s, state)
        total = whole_store("count", state, lambda: results.count(s))
        pages = max(1, -(-total // PER_PAGE))
        return render(request, "search.html", state=state, total=total, n_pages=pages, analysed=analysed,
                      results=results.page_of_results(s, state, terms, masked),
                      facets=whole_store("facets", state, lambda: facets(s, state, labels)), masked=masked,
                      labels=labels)

    @app.get("/map", response_class=HTMLResponse)
    def map_page(request: Request, s: Store = Depends(store)):
        state = state_of(request)
        _, analysed = select(s, state)
        return render(request, "map.html", state=state, total=whole_store("count", state, lambda: results.count(s)),
                      analysed=analysed, data=dict(whole_store("map", state, lambda: map_data(s)),
                                                   search=state.url("/search", province="", prefecture="", county="")))

    @app.get("/timeline", response_class=HTMLResponse)
    def timeline_page(request: Request, by: str = "month", s: Store = Depends(store)):
        state = state_of(request)
        if by not in ("month", "year"):
            raise UserError(f"by must be month or year, not {by!r}")
        _, analysed = select(s, state)
        return render(request, "timeline.html", state=state, total=whole_store("count", state, lambda: results.count(s)),
                      analysed=analysed, by=by,
                      data=dict(whole_store("timeline-" + by, state, lambda: timeline_data(s, by)),
                                labels={f: labels.family(f) for f in FAMILIES},
                                search=state.url("/search", date_from="", date_to="", year="")))

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
        doc = document_or_404(s, doc_id)
        results.ensure_analysis_tables(s)
        rows = list(s.pages(doc_id))
        terms = _terms(request.query_params.get("q", ""))
        pages = [{"n": p["n"], "parts": hit_parts(shown(p["text"]), terms), "needs_ocr": bool(p["needs_ocr"])}
                 for p in rows]
        word_boxes = {p["n"]: _word_boxes(p["ocr"]) for p in rows if p["ocr"]}
        grouped: dict[str, list[dict]] = {k: [] for k in FACT_KINDS}
        for f in sorted(facts_of(s, doc_id), key=lambda f: (f.page or 0, f.start or 0)):
            grouped.setdefault(f.kind, []).append(
                {"key": f.key, "label": labels.category(f.key) if f.kind in FAMILIES
                 else labels.vendor(f.key) if f.kind == "vendor" else f.key,
                 "value": _value_text(f.value, shown), "page": f.page, "start": f.start, "end": f.end,
                 "quote": shown(f.quote or ""), "extractor": f.extractor})
        original = original_path(s, doc_id)
        withheld = masked and any(mask(p["text"]) != p["text"] for p in rows)
        meta = json.loads(doc["meta"] or "{}")
        doc = {k: doc[k] for k in doc.keys()}
        if masked:
            doc = mask_tree(doc)
            meta = mask_tree(meta, keep=())
        return render(request, "doc.html", doc=doc, sources=[shown(u) for u in s.sources(doc_id)], pages=pages,
                      word_boxes=word_boxes, facts={k: v for k, v in grouped.items() if v},
                      has_original=original is not None, withheld=withheld,
                      has_images=original is not None and doc["format"] in ("pdf", "image"),
                      meta=meta, state=SearchState())

    @app.get("/doc/{doc_id}/page/{n}.png")
    def page_image(doc_id: str, n: int, s: Store = Depends(store)):
        if not 1 <= n <= MAX_PAGE:
            raise UserError(f"page must be a number from 1 to {MAX_PAGE}, not {n}")
        doc = document_or_404(s, doc_id)
        path = original_path(s, doc["id"])
        row = s.page(doc["id"], n)
        cover: list | None = []
        if masked and row is not None:
            cover = masked_boxes(row["text"], _word_boxes(row["ocr"]))
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
        # The file holds its title and metadata too, and a number may be printed there only.
        told = [p["text"] for p in s.pages(doc["id"])] + [doc["title"] or "", doc["meta"] or ""]
        if masked and any(mask(t) != t for t in told):
            raise UserError("the original file is withheld: it holds personal identifiers that tenderlens masks"
                            " (start the server with --no-mask to download it)", 403)
        with open(path, "rb") as f:
            data = f.read()
        # A download, never rendered in the app's origin: an HTML original may carry scripts.
        return Response(data, media_type="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{doc["id"][:16]}.{doc["format"]}"',
                                 "Content-Security-Policy": "sandbox"})

    return app


def _terms(query: str) -> list[str]:
    """The words of the query the reader came from, to mark in the pages (none if it does not parse)."""
    try:
        return parse_query(query)[1] if query.strip() else []
    except QueryError:
        return []


def hit_parts(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    """The whole page text as (text, is_hit) parts, hits being the query's terms."""
    spans = sorted(m.span() for t in terms for m in term_pattern(t).finditer(text) if m.end() > m.start())
    parts, pos = [], 0
    for start, end in spans:
        if start >= pos:
            parts += [(text[pos:start], False), (text[start:end], True)]
            pos = end
    parts.append((text[pos:], False))
    return [p for p in parts if p[0]]


def _value_text(value, shown) -> str:
    if isinstance(value, dict):
        return shown(", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, "")))
    return shown(str(value)) if value is not None else ""


def _word_boxes(ocr_json: str | None) -> list:
    """OCR word boxes as [start, end, x0, y0, x1, y1] fractions of the page image, when OCR stored them."""
    if not ocr_json:
        return []
    ocr = json.loads(ocr_json)
    return ocr.get("words") or []
