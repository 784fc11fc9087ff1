"""A document as a reader sees it: its pages with the query's hits, and its facts in words.

Facts read as a person says them (`Amount ¥5,472万 (contract)`, `Region 广东省 阳江市`),
and a quote that backs the same fact several times (a capability named on every page) is
one row, with its other places listed beside it. The web page and /api/documents share this.
"""
from __future__ import annotations

import json
from collections.abc import Callable

from ..privacy import mask, mask_tree
from ..records import facts_of
from ..store import Store
from ..store.fts import QueryError, parse_query
from ..store.search import term_pattern
from ..summary import FAMILIES, amount_value
from .i18n import Words, money
from .labels import Labels
from .originals import original_path
from .purchases import org_ids

FACT_KINDS = ("field", "tech", "target", "source", "vendor", "exempt")
PARTIES = ("buyer", "contract_party", "agent", "supplier", "bidder")
ENGINE_NAMES = {"tesseract": "Tesseract", "ppocr": "PP-OCR"}


def query_terms(query: str) -> list[str]:
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


def word_boxes(ocr_json: str | None) -> list:
    """OCR word boxes as [start, end, x0, y0, x1, y1] fractions of the page image, when OCR stored them."""
    if not ocr_json:
        return []
    return json.loads(ocr_json).get("words") or []


def read_by(ocr_json: str | None) -> str | None:
    """The OCR engine whose reading is the page's text (as `tenderlens show --json` has it under ocr.engine)."""
    ocr = json.loads(ocr_json) if ocr_json else {}
    return None if not ocr or "error" in ocr else ENGINE_NAMES.get(ocr.get("engine"), ocr.get("engine"))


def value_text(kind: str, key: str, value, words: Words) -> str:
    """A fact's value as a reader writes it, in the reader's language."""
    if kind != "field":
        return ""
    if key == "amount" and isinstance(value, dict):
        amount = amount_value(value)
        text = money(amount, value.get("currency") or "CNY") if amount is not None else ""
        return f"{text} ({words.role(value.get('role', 'unknown'))})" if text else ""
    if key == "region" and isinstance(value, dict):
        return " ".join(value[k] for k in ("province", "prefecture", "county") if value.get(k))
    if key == "bidder" and isinstance(value, dict):
        price = value.get("price_text") or (money(value["price"]) if value.get("price") is not None else "")
        rank = f"#{value['rank']} " if value.get("rank") else ""
        return f"{rank}{value.get('name', '')}" + (f" · {price}" if price else "")
    if key == "is_surveillance":
        return words.yes_no(bool(value))
    if key == "notice_type" and isinstance(value, str):
        return words.notice_type(value)
    if key == "method" and isinstance(value, str):
        return words.method(value)
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v not in (None, ""))
    return "" if value is None else str(value)


def party_name(kind: str, key: str, value) -> str | None:
    """The organisation a field fact names (buyer, supplier, agent, signing party, bidder), as written."""
    if kind != "field" or key not in PARTIES:
        return None
    name = value.get("name") if isinstance(value, dict) else value
    return name if isinstance(name, str) and name else None


def fact_rows(facts, labels: Labels, words: Words, shown: Callable[[str], str],
              org_of: dict[str, str] | None = None) -> dict[str, list[dict]]:
    """Facts by kind (in FACT_KINDS order), one row per fact and distinct quote, in page order; a party's
    row carries the id of its organisation (`org`) when `org_of` knows the name."""
    org_of = org_of or {}
    rows: dict[tuple, dict] = {}
    for f in sorted(facts, key=lambda f: (f.page or 0, f.start or 0)):
        label = (labels.category(f.key) if f.kind in FAMILIES else labels.vendor(f.key) if f.kind == "vendor"
                 else words.field(f.key))
        value = shown(value_text(f.kind, f.key, f.value, words))
        quote = shown(f.quote or "")
        where = {"page": f.page, "start": f.start, "end": f.end}
        row = rows.get((f.kind, f.key, value, quote))
        if row is None:
            rows[(f.kind, f.key, value, quote)] = {"kind": f.kind, "key": f.key, "label": label, "value": value,
                                                   "quote": quote, "extractor": f.extractor, **where, "also": [],
                                                   "org": org_of.get(party_name(f.kind, f.key, f.value))}
        elif (f.page, f.start) != (row["page"], row["start"]):
            row["also"].append(where)
    grouped: dict[str, list[dict]] = {k: [] for k in FACT_KINDS}
    for row in rows.values():
        grouped.setdefault(row["kind"], []).append(row)
    return {k: v for k, v in grouped.items() if v}


def document_view(store: Store, doc: dict, labels: Labels, words: Words, masked: bool, query: str = "") -> dict:
    """Everything the document page shows, as plain data."""
    doc_id = doc["id"]
    shown = mask if masked else (lambda t: t)
    rows = list(store.pages(doc_id))
    terms = query_terms(query)
    pages = [{"n": p["n"], "parts": hit_parts(shown(p["text"]), terms), "needs_ocr": bool(p["needs_ocr"]),
              "read_by": read_by(p["ocr"])} for p in rows]
    original = original_path(store, doc_id)
    facts = facts_of(store, doc_id)
    meta = json.loads(doc["meta"] or "{}")
    shown_doc = {k: doc[k] for k in doc.keys() if k != "meta"}
    sources = store.sources(doc_id)
    if masked:   # titles, file names, member names, URLs and PDF metadata can carry numbers too
        shown_doc, meta, sources = mask_tree(shown_doc), mask_tree(meta, keep=()), mask_tree(sources)
    return {
        "doc": shown_doc,
        # A document extraction found no title for is named by its file, as in the result list.
        "title": shown_doc["title"] or (sources[0].rsplit("/", 1)[-1] if sources else "") or doc_id[:12],
        "meta": meta,
        "sources": sources,
        "pages": pages,
        "hits": sum(hit for p in pages for _, hit in p["parts"]),
        "word_boxes": {p["n"]: word_boxes(p["ocr"]) for p in rows if p["ocr"]},
        "facts": fact_rows(facts, labels, words, shown,
                           org_ids(store, [n for f in facts if (n := party_name(f.kind, f.key, f.value))])),
        "has_original": original is not None,
        "withheld": masked and any(mask(p["text"]) != p["text"] for p in rows),
        "has_images": original is not None and doc["format"] in ("pdf", "image"),
    }
