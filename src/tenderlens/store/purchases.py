"""Organisations and purchases in the store: derived tables, their rebuild, and the queries the
CLI (and the web app) read.

Tables (rebuilt whole from facts by `rebuild`; never edited by hand, only through the merges file)
  organisations   id, canonical name, kind, region, credit code, part_of
  aliases         every name as written with why it is this organisation and the documents using it
  org_relations   child, parent, relation (branch: 分公司/分局 of its parent; subsidiary: a document says so;
                  member: of a consortium)
  org_mentions    doc_id, role, name as written, organisation
  purchases       one row per procurement: parties, method, final amount and currency, year, region
  purchase_docs   its documents with stage, date and the reasons of the links that hold each
  purchase_tags   its categories (the union of its documents')
  purchase_flags  red flags with their evidence
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from .. import codebook
from ..model import Fact, Mention, Purchase
from ..orgs import evidence, merges as merges_mod
from ..orgs.resolve import Resolution, resolve
from ..purchases import build, flags, link
from ..summary import summarise

TABLES = """
CREATE TABLE IF NOT EXISTS organisations (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, region TEXT, credit_code TEXT, part_of TEXT);
CREATE TABLE IF NOT EXISTS aliases (
    org_id TEXT NOT NULL, name TEXT NOT NULL, reason TEXT NOT NULL, doc_ids TEXT NOT NULL, PRIMARY KEY (org_id, name));
CREATE INDEX IF NOT EXISTS aliases_name ON aliases(name);
CREATE TABLE IF NOT EXISTS org_relations (
    child TEXT NOT NULL, parent TEXT NOT NULL, relation TEXT NOT NULL, PRIMARY KEY (child, parent, relation));
CREATE TABLE IF NOT EXISTS org_mentions (
    doc_id TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL, org_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS org_mentions_org ON org_mentions(org_id);
CREATE INDEX IF NOT EXISTS org_mentions_doc ON org_mentions(doc_id);
CREATE TABLE IF NOT EXISTS purchases (
    id TEXT PRIMARY KEY, title TEXT, buyer TEXT, agent TEXT, method TEXT, amount REAL, currency TEXT,
    year INTEGER, province TEXT, prefecture TEXT, county TEXT, region_code TEXT, n_docs INTEGER NOT NULL,
    record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS purchases_buyer ON purchases(buyer);
CREATE TABLE IF NOT EXISTS purchase_suppliers (
    purchase_id TEXT NOT NULL, org_id TEXT NOT NULL, PRIMARY KEY (purchase_id, org_id));
CREATE INDEX IF NOT EXISTS purchase_suppliers_org ON purchase_suppliers(org_id);
CREATE TABLE IF NOT EXISTS purchase_docs (
    purchase_id TEXT NOT NULL, doc_id TEXT PRIMARY KEY, stage TEXT, date TEXT, reasons TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS purchase_docs_purchase ON purchase_docs(purchase_id);
CREATE TABLE IF NOT EXISTS purchase_tags (
    purchase_id TEXT NOT NULL, category TEXT NOT NULL, PRIMARY KEY (purchase_id, category));
CREATE INDEX IF NOT EXISTS purchase_tags_category ON purchase_tags(category);
CREATE TABLE IF NOT EXISTS purchase_flags (
    purchase_id TEXT NOT NULL, flag TEXT NOT NULL, evidence TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS purchase_flags_flag ON purchase_flags(flag);
"""
DERIVED = ("organisations", "aliases", "org_relations", "org_mentions", "purchases", "purchase_suppliers",
           "purchase_docs", "purchase_tags", "purchase_flags")
MERGES_FILE = "merges.yaml"


def merges_path(db_path: str) -> Path:
    """The merges file beside the database: notices.db -> notices.merges.yaml."""
    p = Path(db_path)
    return p.with_name(p.stem + "." + MERGES_FILE)


def _facts(db, version_of: dict[str, str]) -> dict[str, list[Fact]]:
    out: dict[str, list[Fact]] = defaultdict(list)
    for r in db.execute("SELECT doc_id, kind, key, value, page, start, end, quote, codebook_version, extractor"
                        " FROM facts ORDER BY doc_id, page, start"):
        if version_of.get(r[0]) == r[8]:
            out[r[0]].append(Fact(r[0], r[1], r[2], json.loads(r[3]) if r[3] else None, *r[4:]))
    return out


def _pages(db, where: str = "") -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for doc_id, n, text in db.execute(f"SELECT doc_id, n, text FROM pages {where} ORDER BY doc_id, n"):
        out[doc_id].append((n, text))
    return out


def derive(db, merges: merges_mod.Merges) -> tuple[Resolution, list[Purchase], list[Mention]]:
    """Organisations and purchases from the stored facts: pure reads, nothing written."""
    version_of = dict(db.execute("SELECT doc_id, codebook_version FROM doc_summary"))
    facts = _facts(db, version_of)
    titles = dict(db.execute("SELECT id, title FROM documents"))
    mentions = [m for doc_id in version_of for m in build.mentions(doc_id, facts.get(doc_id, []))]
    names_in = defaultdict(list)
    for m in mentions:
        names_in[m.doc_id].append(m.name)
    marked = _pages(db, "WHERE instr(text, '以下') > 0 OR instr(text, '信用代码') > 0 OR instr(text, '（原') > 0"
                        " OR instr(text, '(原') > 0 OR instr(text, '更名') > 0")
    defined = [f for d, pages in marked.items() for f in evidence.defined_aliases(d, pages)]
    codes = [f for d, pages in marked.items() for f in evidence.credit_codes(d, pages, names_in.get(d, []))]
    owned = _pages(db, "WHERE instr(text, '子公司') > 0 OR instr(text, '孙公司') > 0")
    subsidiaries = [f for d, pages in owned.items() for f in evidence.subsidiaries(d, pages, names_in.get(d, []),
                                                                                   defined)]
    book = codebook.load()
    vendors = [(v.id, list(v.names)) for v in book.vendors.values()]
    renamed = [f for d, pages in marked.items() for f in evidence.renames(d, pages)]
    res = resolve(mentions, defined, codes, vendors, merges, subsidiaries, renamed)
    texts = {d: "\n".join(t for _, t in pages) for d, pages in _pages(db).items()}
    records = {d: summarise(d, facts.get(d, [])) for d in version_of}
    # A document that names no notice type, party or amount (a README, a licence) is no purchase.
    records = {d: r for d, r in records.items() if build.is_procurement(r)}
    views = {d: build.view(records[d], facts.get(d, []), titles.get(d), texts.get(d, ""), res.of) for d in records}
    found = link.links(views.values())
    purchases: list[Purchase] = []
    taken: set[str] = set()
    for group in link.groups(views.values(), found):
        purchases.append(build.fold([views[d] for d in group], records, facts, res.of, found, taken))
        taken.add(purchases[-1].id)
    flags.flag(purchases)
    for org_id, region in _regions(purchases).items():
        res.orgs[org_id].region = region
    return res, purchases, mentions


def _regions(purchases: list[Purchase]) -> dict[str, str]:
    """A buyer's region: the place named most often by its purchases (the most precise level)."""
    seen: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p in purchases:
        r = p.region or {}
        place = r.get("county") or r.get("prefecture") or r.get("province")
        if p.buyer and place:
            seen[p.buyer][place] += 1
    return {org: max(places, key=lambda k: (places[k], k)) for org, places in seen.items()}


def rebuild(store, db_path: str | None = None) -> dict:
    """Derive organisations and purchases from the stored facts and replace the derived tables, in one
    transaction. The merges file beside the database (merges_path) is applied."""
    db = store.db
    db.executescript(TABLES)
    res, purchases, mentions = derive(db, merges_mod.load(merges_path(db_path or store.path)))
    store.begin()
    try:
        for table in DERIVED:
            db.execute(f"DELETE FROM {table}")
        db.executemany("INSERT INTO organisations VALUES (?,?,?,?,?,?)",
                       [(o.id, o.name, o.kind, o.region, o.credit_code, o.part_of) for o in res.orgs.values()])
        db.executemany("INSERT OR IGNORE INTO aliases VALUES (?,?,?,?)",
                       [(o.id, a.name, a.reason, json.dumps(a.doc_ids)) for o in res.orgs.values() for a in o.aliases])
        db.executemany("INSERT OR IGNORE INTO org_relations VALUES (?,?,?)", res.relations)
        db.executemany("INSERT INTO org_mentions VALUES (?,?,?,?)",
                       sorted({(m.doc_id, m.role, m.name, res.of[(m.doc_id, m.name)]) for m in mentions
                               if (m.doc_id, m.name) in res.of}))
        for p in purchases:
            r = p.region or {}
            year = min(p.dates.values())[:4] if p.dates else None
            db.execute("INSERT INTO purchases VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (p.id, p.title, p.buyer, p.agent, p.method, p.amount, p.currency,
                        int(year) if year and year.isdigit() else None, r.get("province"), r.get("prefecture"),
                        r.get("county"), r.get("code"), len(p.docs), json.dumps(record(p), ensure_ascii=False)))
            db.executemany("INSERT OR IGNORE INTO purchase_suppliers VALUES (?,?)", [(p.id, s) for s in p.suppliers])
            db.executemany("INSERT OR REPLACE INTO purchase_docs VALUES (?,?,?,?,?)",
                           [(p.id, d.doc_id, d.stage, d.date, json.dumps(d.reasons, ensure_ascii=False))
                            for d in p.docs])
            db.executemany("INSERT OR IGNORE INTO purchase_tags VALUES (?,?)", [(p.id, c) for c in p.categories])
            db.executemany("INSERT INTO purchase_flags VALUES (?,?,?)",
                           [(p.id, f["id"], json.dumps(f["evidence"], ensure_ascii=False, default=str))
                            for f in p.flags])
        store.commit()
    except BaseException:
        store.rollback()
        raise
    return {"organisations": len(res.orgs), "purchases": len(purchases),
            "linked_documents": sum(len(p.docs) for p in purchases if len(p.docs) > 1)}


def record(p: Purchase) -> dict:
    """A purchase as JSON: what `tenderlens purchases --json` and the exports show."""
    return {"id": p.id, "title": p.title, "buyer": p.buyer, "suppliers": p.suppliers, "agent": p.agent,
            "method": p.method, "amount": p.amount, "currency": p.currency, "amounts": p.amounts,
            "dates": p.dates, "region": p.region, "categories": p.categories, "bidders": p.bidders,
            "flags": p.flags,
            "documents": [{"doc_id": d.doc_id, "stage": d.stage, "date": d.date, "reasons": d.reasons}
                          for d in p.docs]}
