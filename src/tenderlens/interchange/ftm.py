"""FollowTheMoney entities, so a tenderlens dataset loads into Aleph (or any FtM tool).

A contracting process (a purchase, or a notice of its own) becomes a Contract with its buyer as
authority, a ContractAward per supplier, an UnknownLink per shortlisted bidder, and for each
notice a Document (Pages with one Page per page for a PDF, HyperText for HTML) tied to the
Contract by a Documentation entity whose summary carries the quotes. Organisations are
PublicBody, Company or Organization entities, with every notice naming them as proof.

Ids are stable: documents by their SHA-256, organisations by their name (the same ids as the
OCDS parties), contracts by the process key. Entities are built with followthemoney's model, so
what is written is what the library validates.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from importlib.resources import files

import yaml
from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.util import make_entity_id

from ..summary import amount_value
from .notices import Notice
from .ocds import mapping as ocds_mapping

# Which amount is the purchase's: what was signed, else what was awarded, else what was offered.
FINAL_AMOUNT = ("contract", "award", "ceiling", "budget", "unknown")


@cache
def settings() -> dict:
    return yaml.safe_load((files(__package__) / "ftm.yaml").read_text(encoding="utf-8"))


def org_schema(name: str, role: str, kind: str | None = None) -> str:
    """The schema of an organisation: from its resolved kind, else read from its name and role."""
    if kind in settings()["kinds"]:
        return settings()["kinds"][kind]
    s = settings()
    if name.rstrip().endswith(tuple(s["company_endings"])):
        return "Company"
    if any(w in name for w in s["public_body_words"]) or role == "buyer":
        return "PublicBody"
    return "Organization"


def _entity(schema: str, entity_id: str, **props) -> EntityProxy:
    e = model.make_entity(schema)
    e.id = entity_id
    for prop, values in props.items():
        for v in values if isinstance(values, (list, tuple, set)) else [values]:
            if v is not None and v != "":
                e.add(prop, v)
    return e


def document_entities(n: Notice) -> list[EntityProxy]:
    """The notice as a Document, with Page entities for a PDF's pages."""
    schema = "Pages" if n.format == "pdf" else "HyperText" if n.format == "html" else "Document"
    urls = [s for s in n.sources if s.startswith(("http://", "https://"))]
    doc = _entity(schema, f"tl-doc-{n.doc_id}", title=n.title, fileName=n.sources[:1] or [n.doc_id],
                  mimeType=n.mime, fileSize=n.size, sourceUrl=urls, date=n.date,
                  language=settings()["languages"].get(n.language or ""), description=n.sources[1:])
    out = [doc]
    if schema == "Pages":
        out += [_entity("Page", f"tl-page-{n.doc_id[:32]}-{i}", document=doc.id, index=i, bodyText=text)
                for i, text in enumerate(n.pages, 1)]
    elif n.pages:
        doc.add("bodyText", "\n\n".join(n.pages))
    return out


def _quote(label: str, ev: dict | None) -> str | None:
    return f"{label}: 「{ev['quote']}」 p. {ev['page']} [{ev['start']}:{ev['end']}]" if ev else None


def process_entities(key: str, notices: list[Notice]) -> tuple[list[EntityProxy], list[EntityProxy]]:
    """The entities of one contracting process: (documents, contract and links; organisations).

    Organisations come back apart so a caller can merge the fragments of one organisation that
    several processes name (EntityProxy.merge) before writing it once."""
    notices = sorted(notices, key=lambda n: (n.date or "", n.doc_id))
    contract_id = f"tl-contract-{key}"
    orgs: dict[str, EntityProxy] = {}

    def org(written: str, role: str, n: Notice) -> str:
        o = n.org(written)
        pid = o["id"]
        e = _entity(org_schema(o["name"], role, o["kind"]), pid, name=o["name"], proof=f"tl-doc-{n.doc_id}",
                    alias=written if written != o["name"] else None)
        if (n.record.get("region") or {}).get("code"):
            e.add("country", "cn")
        orgs[pid] = _merged(orgs[pid], e) if pid in orgs else e
        return pid

    out: list[EntityProxy] = []
    contract = _entity("Contract", contract_id)
    amounts: dict[str, dict] = {}
    awards: dict[str, EntityProxy] = {}
    for n in notices:
        rec, ev = n.record, n.record.get("evidence", {})
        kind = rec.get("notice_type") or "other"
        out += document_entities(n)
        quotes = [_quote(k, ev.get(k)) for k in ("buyer", "agent", "suppliers", "amount", "date", "project_number")]
        quotes += [_quote(f"category {t['id']}", t) for t in rec.get("tags", [])]
        out.append(_entity("Documentation", "tl-docu-" + make_entity_id(n.doc_id, contract_id),
                           document=f"tl-doc-{n.doc_id}", entity=contract_id, role=f"{kind} notice",
                           date=n.date, summary="\n".join(q for q in quotes if q)))
        if n.title:
            contract.add("title", n.title)
        if rec.get("buyer"):
            contract.add("authority", org(rec["buyer"], "buyer", n))
        for party in ("agent", "contract_party"):
            if rec.get(party):
                org(rec[party], party, n)
        contract.add("procedureNumber", rec.get("project_number"))
        contract.add("classification", [t["id"] for t in rec.get("tags", [])])
        region = rec.get("region") or {}
        if region.get("code"):
            contract.add("country", "cn")
            contract.add("address", "".join(region.get(k) or "" for k in ("province", "prefecture", "county")))
        if n.method:
            contract.add("method", ocds_mapping()["methods"].get(n.method["code"], {}).get("details")
                         or n.method["evidence"]["quote"])
        if kind == "contract":
            contract.add("contractDate", n.date)
        if kind == "cancellation":
            contract.add("cancelled", "true")
        amounts.update({role: v for role, v in n.amounts.items() if amount_value(v) is not None})
        status = settings()["award_status"].get(kind)
        for name in rec.get("suppliers") or []:
            sid = org(name, "supplier", n)
            award = awards.setdefault(sid, _entity("ContractAward", "tl-award-" + make_entity_id(contract_id, sid),
                                                   contract=contract_id, supplier=sid))
            award.set("status", status)
            award.set("date", n.date)
            if n.consortium:
                award.set("role", f"consortium member: {n.consortium['name']}")
        for b in n.bidders:
            bid = org(b["name"], "bidder", n)
            detail = "; ".join(x for x in (f"rank {b['rank']}" if b["rank"] else None, b["price_text"]) if x)
            out.append(_entity("UnknownLink", "tl-bid-" + make_entity_id(contract_id, bid), subject=bid,
                               object=contract_id, role="tenderer", description=detail or None))
    final = next((amounts[r] for r in FINAL_AMOUNT if r in amounts), None)
    if final:
        contract.add("amount", amount_value(final))
        contract.add("currency", final.get("currency") or "CNY")
    award_value = amounts.get("award") or amounts.get("contract")
    for award in awards.values():
        if award_value and len(awards) == 1:   # a consortium's price is the whole's, not each member's
            award.add("amount", amount_value(award_value))
            award.add("currency", award_value.get("currency") or "CNY")
    if not contract.has("title"):   # a notice without a title: its project number, else who bought
        first = notices[0].record
        contract.add("title", first.get("project_number")
                     or f"{first.get('buyer') or 'unknown buyer'}: {first.get('notice_type') or 'other'} notice")
    return [contract, *awards.values(), *out], list(orgs.values())


def dataset(processes: Iterable[tuple[str, list[Notice]]]) -> Iterator[EntityProxy]:
    """Every process's entities as they are built, then each organisation once, its fragments merged."""
    orgs: dict[str, EntityProxy] = {}
    for key, notices in processes:
        entities, named = process_entities(key, notices)
        yield from entities
        for e in named:
            orgs[e.id] = _merged(orgs[e.id], e) if e.id in orgs else e
    yield from orgs.values()


def _merged(a: EntityProxy, b: EntityProxy) -> EntityProxy:
    """Two fragments of one organisation: a PublicBody or Company reading wins over Organization."""
    if a.schema.name == "Organization" and b.schema.name != "Organization":
        a, b = b, a
    if b.schema.name != a.schema.name and b.schema.name != "Organization":
        b = _entity(a.schema.name, b.id, **{p: b.get(p) for p in b.properties})
    return a.merge(b)
