"""A stored document as the exports see it: its record, what kind of file it is, and the facts
the record does not fold (shortlist bidders, the procurement method, a consortium's name).

OCDS releases and FollowTheMoney entities are both built from a Notice, so the two exports
always say the same thing about a document.
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model import Fact
from ..privacy import mask_tree
from ..records import facts_of
from ..store import Store
from ..summary import amount_value, summarise


@dataclass
class Notice:
    doc_id: str
    format: str
    mime: str | None
    size: int | None
    title: str | None
    language: str | None
    sources: list[str]
    record: dict                                          # summary.summarise of its facts
    bidders: list[dict] = field(default_factory=list)     # {name, price, price_text, rank, evidence}
    method: dict | None = None                            # {code, evidence}
    consortium: dict | None = None                        # {name, evidence}
    pages: list[str] = field(default_factory=list)        # page texts, when asked for
    orgs: dict[str, dict] = field(default_factory=dict)   # name as written -> resolved {id, name, kind}
    supplier_evidence: dict[str, dict] = field(default_factory=dict)   # supplier name -> its first quote
    amount_evidence: dict[tuple, dict] = field(default_factory=dict)   # (role, value) -> its first quote

    @property
    def date(self) -> str | None:
        return self.record.get("date")

    @property
    def amounts(self) -> dict[str, dict]:
        """Amount values by role (budget, ceiling, award, contract, unknown): the record's `amounts`
        where summarise folds them, else its one chosen amount under its role."""
        if self.record.get("amounts"):
            return {role: v if isinstance(v, dict) else {"yuan": v, "currency": "CNY", "role": role}
                    for role, v in self.record["amounts"].items()}
        amount = self.record.get("amount")
        return {amount.get("role") or "unknown": amount} if amount else {}


    def amount_quote(self, role: str, v: dict) -> dict | None:
        """The quote of an amount of this role and value."""
        return self.amount_evidence.get((role, amount_value(v)))

    def org(self, name: str) -> dict:
        """The organisation a name written in this notice stands for: {id, name, kind}. The resolved
        organisation (its id, canonical name and kind) where organisations were resolved, else an id
        of the name itself and no kind."""
        return self.orgs.get(name) or {"id": party_id(name), "name": name, "kind": None}


def evidence_of(f: Fact) -> dict:
    return {"page": f.page, "start": f.start, "end": f.end, "quote": f.quote, "extractor": f.extractor}


def name_key(name: str) -> str:
    """A name as compared for identity: NFKC (full-width brackets and letters), no spaces, case folded."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def party_id(name: str) -> str:
    """A stable id for an organisation named `name`: the same name gives the same id in every export."""
    return "tl-org-" + hashlib.sha256(name_key(name).encode()).hexdigest()[:16]


def notice(store: Store, doc_id: str, masked: bool = True, with_text: bool = False) -> Notice:
    row = store.document(doc_id)
    facts = facts_of(store, doc_id)
    record = summarise(doc_id, facts, store.sources(doc_id))
    by_key: dict[str, list[Fact]] = {}
    for f in sorted(facts, key=lambda f: (f.page, f.start)):
        if f.kind == "field":
            by_key.setdefault(f.key, []).append(f)
    bidders, seen = [], set()
    for f in by_key.get("bidder", []):
        value = f.value if isinstance(f.value, dict) else {"name": f.value}
        if value.get("name") and name_key(value["name"]) not in seen:
            seen.add(name_key(value["name"]))
            bidders.append({"name": value["name"], "price": value.get("price"), "price_text": value.get("price_text"),
                            "rank": value.get("rank"), "evidence": evidence_of(f)})
    supplier_evidence: dict[str, dict] = {}
    for f in by_key.get("supplier", []):
        supplier_evidence.setdefault(f.value, evidence_of(f))
    amount_evidence: dict[tuple, dict] = {}
    for f in by_key.get("amount", []):
        if isinstance(f.value, dict):
            amount_evidence.setdefault((f.value.get("role") or "unknown", amount_value(f.value)), evidence_of(f))
    method = by_key.get("method", [None])[0]
    consortium = by_key.get("consortium", [None])[0]
    n = Notice(
        doc_id=row["id"], format=row["format"], mime=row["mime"], size=row["size"],
        title=record.get("title") or row["title"], language=row["language"], sources=record["sources"],
        record=record, bidders=bidders,
        method={"code": method.value, "evidence": evidence_of(method)} if method else None,
        consortium={"name": consortium.value, "evidence": evidence_of(consortium)} if consortium else None,
        pages=[p["text"] for p in store.pages(doc_id)] if with_text else [],
        orgs=resolved_orgs(store, doc_id), supplier_evidence=supplier_evidence, amount_evidence=amount_evidence,
    )
    if masked:
        for name in ("title", "sources", "record", "bidders", "method", "consortium", "pages"):
            setattr(n, name, mask_tree(getattr(n, name)))
        n.orgs = {mask_tree(k): mask_tree(v) for k, v in n.orgs.items()}
        n.supplier_evidence = {mask_tree(k): mask_tree(v) for k, v in n.supplier_evidence.items()}
        n.amount_evidence = {k: mask_tree(v) for k, v in n.amount_evidence.items()}
    return n


def has_table(store: Store, name: str) -> bool:
    return store.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


def resolved_orgs(store: Store, doc_id: str) -> dict[str, dict]:
    """The organisations the names of a document resolve to, where `tenderlens link` resolved them."""
    if not has_table(store, "org_mentions"):
        return {}
    rows = store.db.execute("SELECT m.name, o.id, o.name, o.kind FROM org_mentions m JOIN organisations o"
                            " ON o.id = m.org_id WHERE m.doc_id = ?", (doc_id,))
    return {written: {"id": oid, "name": name, "kind": kind} for written, oid, name, kind in rows}


def notice_ids(store: Store) -> list[str]:
    """Every document that was read (a failed document has no text and no facts)."""
    return [r[0] for r in store.db.execute("SELECT id FROM documents WHERE status != 'failed' ORDER BY id")]


def notices(store: Store, masked: bool = True, with_text: bool = False) -> Iterator[Notice]:
    for doc_id in notice_ids(store):
        yield notice(store, doc_id, masked, with_text)
