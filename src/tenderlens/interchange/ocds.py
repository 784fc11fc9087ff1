"""Open Contracting Data Standard 1.1: a release per notice, a compiled record per purchase.

A release says what one notice (a stored document) published about a contracting process; its
id is the document's SHA-256, so the same file always gives the same release. A purchase's
notices share an ocid, and its record embeds their releases and the compiled release that
ocdsmerge (the Open Contracting Partnership's reference implementation) folds from them.

Mapping tables are data (ocds.yaml), shown in docs/interchange.md. What OCDS has no field for,
tenderlens's surveillance categories and the evidence (quote, page, span) of every mapped value,
goes in the tenderlens extension (extension/extension.json, a patch of the release schema).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from functools import cache
from importlib.resources import files

import yaml

from ..summary import amount_value
from .notices import Notice

OCDS_VERSION = "1.1"
# Not a registered prefix: a publisher registers its own with the Open Contracting Partnership
# and passes it as --ocid-prefix.
DEFAULT_OCID_PREFIX = "ocds-tenderlens-"
# Where the tenderlens extension's extension.json is published. A placeholder under the reserved
# .invalid domain until a publisher hosts extension/ and passes its URL as --extension-url.
DEFAULT_EXTENSION_URL = "https://tenderlens.invalid/ocds-extension/v1/extension.json"
AWARD_ID = CONTRACT_ID = "1"   # a purchase has one award and one contract in tenderlens's model


@cache
def mapping() -> dict:
    return yaml.safe_load((files(__package__) / "ocds.yaml").read_text(encoding="utf-8"))


@cache
def merger():
    from ocdsmerge import Merger   # it imports requests and jsonref: only when records are compiled
    rules = {tuple(path): rule for rule, paths in mapping()["merge_rules"].items() for path in paths}
    return Merger(merge_rules=rules)


def ocid(prefix: str, key: str) -> str:
    return f"{prefix}{key}"


def release_date(day: str | None, fallback: str) -> str:
    """A notice's date (a day) as an RFC 3339 date-time at midnight UTC; `fallback` when it has none."""
    if not day:
        return fallback
    parts = (day.split("-") + ["01", "01"])[:3]
    return "{}-{:0>2}-{:0>2}T00:00:00Z".format(*parts)


def value(v: dict | None) -> dict | None:
    """An amount fact's value as an OCDS Value: the amount in its own currency."""
    if not v:
        return None
    amount = amount_value(v)
    return {"amount": amount, "currency": v.get("currency") or "CNY"} if amount is not None else None


class _Release:
    """Builds one release; collects parties and evidence as sections name them."""

    def __init__(self, n: Notice, ocid_: str, fallback_date: str):
        self.n = n
        self.rel: dict = {"ocid": ocid_, "id": n.doc_id, "date": release_date(n.date, fallback_date),
                          "tag": [], "initiationType": "tender"}
        if n.language:
            self.rel["language"] = n.language
        self.parties: dict[str, dict] = {}
        self.evidence: list[dict] = []

    def cite(self, path: str, ev: dict | None) -> None:
        if ev:
            self.evidence.append({"id": f"{self.n.doc_id[:16]}:{path}", "path": path,
                                  "documentId": self.n.doc_id, **ev})

    def party(self, written: str, role_key: str) -> dict:
        """An OrganizationReference to the organisation named `written`, adding the role to its entry in
        `parties`."""
        org = self.n.org(written)
        entry = self.parties.setdefault(org["id"], {"id": org["id"], "name": org["name"], "roles": []})
        role = mapping()["roles"][role_key]
        if role not in entry["roles"]:
            entry["roles"].append(role)
        return {"id": org["id"], "name": org["name"]}


def release(n: Notice, ocid_: str, fallback_date: str) -> dict:
    """The OCDS release of one notice. `fallback_date` (RFC 3339) stands for a notice without a date."""
    m = mapping()
    b = _Release(n, ocid_, fallback_date)
    rec, ev = n.record, n.record.get("evidence", {})
    kind = rec.get("notice_type") or "other"
    if kind == "modification" and rec.get("suppliers"):
        stage = m["modification_with_supplier"]
    else:
        stage = m["notices"].get(kind, m["notices"]["other"])
    b.rel["tag"] = [stage["tag"]]
    b.cite("date", ev.get("date"))

    tender: dict = {"id": rec.get("project_number") or ocid_}
    b.cite("tender/id", ev.get("project_number"))
    if n.title:
        tender["title"] = n.title
    if stage["section"] == "tender" and stage["status"]:
        tender["status"] = stage["status"]
    if rec.get("buyer"):
        b.rel["buyer"] = b.party(rec["buyer"], "buyer")
        b.cite("buyer", ev.get("buyer"))
    if rec.get("agent"):
        tender["procuringEntity"] = b.party(rec["agent"], "agent")
        b.cite("tender/procuringEntity", ev.get("agent"))
    if rec.get("contract_party"):
        b.party(rec["contract_party"], "contract_party")
        b.cite("parties/contractParty", ev.get("contract_party"))
    if n.method:
        code = n.method["code"]
        row = m["methods"].get(code, m["methods"]["other"])
        if row["procurementMethod"]:
            tender["procurementMethod"] = row["procurementMethod"]
        tender["procurementMethodDetails"] = row["details"] or n.method["evidence"]["quote"]
        b.cite("tender/procurementMethod", n.method["evidence"])

    candidates = []
    for bidder in n.bidders:
        ref = b.party(bidder["name"], "bidder")
        if ref in tender.get("tenderers", []):
            continue
        tender.setdefault("tenderers", []).append(ref)
        cand = {"id": ref["id"], "tenderer": ref, "rank": bidder["rank"], "priceText": bidder["price_text"]}
        if bidder["price"] is not None:
            cand["value"] = {"amount": bidder["price"], "currency": "CNY"}
        candidates.append({k: v for k, v in cand.items() if v is not None})
        b.cite(f"tender/candidates/{ref['id']}", bidder["evidence"])
    if candidates:
        tender["candidates"] = candidates
        tender["numberOfTenderers"] = len(candidates)

    award: dict = {"id": AWARD_ID}
    contract: dict = {"id": CONTRACT_ID, "awardID": AWARD_ID}
    if stage["section"] == "award" and stage["status"]:
        award["status"] = stage["status"]
    for name in rec.get("suppliers") or []:
        ref = b.party(name, "supplier")
        if ref in award.get("suppliers", []):
            continue   # two names of one organisation
        award.setdefault("suppliers", []).append(ref)
        b.cite(f"awards/suppliers/{ref['id']}", n.supplier_evidence.get(name) or ev.get("suppliers"))
    if n.consortium:
        award["consortium"] = n.consortium["name"]
        b.cite("awards/consortium", n.consortium["evidence"])

    planning: dict = {}
    for role, v in n.amounts.items():
        target = m["amounts"].get(role) or {"tender": "tender/value", "award": "awards/value",
                                            "contract": "contracts/value"}[stage["section"]]
        val = value(v)
        if not val:
            continue
        where = {"planning/budget/amount": planning.setdefault("budget", {}), "tender/value": tender,
                 "awards/value": award, "contracts/value": contract}[target]
        key = "amount" if target.startswith("planning") else "value"
        if key not in where:
            where[key] = val
            b.cite(target, n.amount_quote(role, v))

    doc = _document(n, stage["documentType"])
    {"tender": tender, "award": award, "contract": contract}[stage["section"]]["documents"] = [doc]
    if planning.get("budget"):
        b.rel["planning"] = planning
    b.rel["tender"] = tender
    if len(award) > 1:
        b.rel["awards"] = [award]
    if len(contract) > 2:
        if "awards" not in b.rel:
            b.rel["awards"] = [award]
        b.rel["contracts"] = [contract]
    if b.parties:
        b.rel["parties"] = list(b.parties.values())
    _extension(b, rec)
    return b.rel


def _document(n: Notice, document_type: str | None) -> dict:
    doc = {"id": n.doc_id, "documentType": document_type, "title": n.title, "format": n.mime,
           "language": n.language, "sources": n.sources}
    urls = [s for s in n.sources if s.startswith(("http://", "https://"))]
    if urls:
        doc["url"] = urls[0]
    if n.date:
        doc["datePublished"] = release_date(n.date, "")
    return {k: v for k, v in doc.items() if v not in (None, [])}


def _extension(b: _Release, rec: dict) -> None:
    """The tenderlens extension: surveillance categories, region and evidence."""
    b.rel["isSurveillance"] = bool(rec.get("is_surveillance"))
    categories: dict[str, dict] = {}
    for t in rec.get("tags", []):
        cat = categories.setdefault(t["id"], {"id": t["id"], "family": t["id"].split(".")[0], "evidence": []})
        cat["evidence"].append({"id": f"{b.n.doc_id[:16]}:{len(cat['evidence']) + 1}", "documentId": b.n.doc_id,
                                "page": t["page"], "start": t["start"], "end": t["end"], "quote": t["quote"]})
    if categories:
        b.rel["categories"] = list(categories.values())
    region = rec.get("region")
    if region:
        b.rel["region"] = {k: region.get(k) for k in ("code", "province", "prefecture", "county", "lat", "lon")
                           if region.get(k) is not None}
        b.cite("region", rec.get("evidence", {}).get("region"))
    if b.evidence:
        b.rel["evidence"] = b.evidence


def compile_record(ocid_: str, releases: Iterable[dict]) -> dict:
    """The OCDS record of one contracting process: its releases in date order, and the compiled release."""
    ordered = sorted(releases, key=lambda r: (r["date"], r["id"]))
    return {"ocid": ocid_, "releases": ordered, "compiledRelease": merger().create_compiled_release(ordered)}


def package(kind: str, items: list[dict], uri: str, published: str, publisher: str = "tenderlens",
            extension_url: str = DEFAULT_EXTENSION_URL) -> dict:
    """A release package (kind "releases") or a record package (kind "records")."""
    return {"uri": uri, "version": OCDS_VERSION, "extensions": [extension_url], "publishedDate": published,
            "publisher": {"name": publisher}, kind: items}


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
