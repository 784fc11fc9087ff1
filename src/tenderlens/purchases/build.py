"""From document facts to purchases: the party mentions to resolve, what linking reads of each
document, and the purchase record folded from its documents. Pure: facts in, model objects out."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from ..model import STAGES, Fact, Link, Mention, Purchase, PurchaseDoc
from ..summary import amount_value
from .link import DocView, project_key

PARTY_KEYS = ("buyer", "contract_party", "agent", "supplier", "bidder")
# The final amount of a purchase: what was signed, else what was awarded, else what was planned.
FINAL = ("contract", "award", "budget", "ceiling")


def _name(f: Fact) -> str | None:
    v = f.value
    name = v.get("name") if isinstance(v, dict) else v
    return name.strip() if isinstance(name, str) and name.strip() else None


def mentions(doc_id: str, facts: Iterable[Fact]) -> list[Mention]:
    """Every party a document names: its field facts, and codebook vendors named as a party."""
    out = []
    for f in facts:
        role = f.key if f.kind == "field" and f.key in PARTY_KEYS else None
        if f.kind == "vendor" and isinstance(f.value, dict) and f.value.get("role") not in (None, "mentioned"):
            role = "vendor"
        name = _name(f) if role else None
        if name:
            out.append(Mention(doc_id, role, name, f.page, f.start, f.end, f.quote))
    return out


def is_procurement(record: dict) -> bool:
    """Whether a document's record (summary.summarise) says anything a purchase is made of."""
    return bool(record.get("notice_type") or record.get("buyer") or record.get("contract_party")
                or record.get("suppliers") or record.get("amount"))


def _fields(facts: Iterable[Fact], key: str) -> list[Fact]:
    return [f for f in facts if f.kind == "field" and f.key == key]


def view(record: dict, facts: list[Fact], title: str | None, text: str, of: dict) -> DocView:
    """What linking reads of a document. `record` is its summary.summarise record, `of` maps
    (doc id, name as written) to organisation ids."""
    doc_id = record["doc_id"]
    org = lambda name: of.get((doc_id, name)) if name else None  # noqa: E731
    amount = record.get("amount") or {}
    price = amount.get("yuan") if amount.get("role") in ("award", "contract") else None
    bidders = []
    for f in _fields(facts, "bidder"):
        if org(_name(f)):
            bidders.append((org(_name(f)), (f.value or {}).get("price") if isinstance(f.value, dict) else None))
    return DocView(doc_id, record.get("notice_type"), record.get("date"), title or record.get("title"),
                   org(record.get("buyer") or record.get("contract_party")),
                   sorted({o for o in map(org, record.get("suppliers") or []) if o}), bidders,
                   record.get("project_number"), price, text)


def _precision(value: dict) -> float:
    """Half a unit of the last digit the amount is written to, in its currency: 2.09亿元 stands for
    2.085亿 to 2.095亿."""
    number, total = value.get("amount"), amount_value(value)
    if not number or not total:
        return 0.0
    decimals = repr(float(number)).rstrip("0").partition(".")[2]
    return 0.5 * 10 ** -len(decimals) * total / number


def purchase_id(views: list[DocView], taken: set[str] = frozenset()) -> str:
    """From the strongest key of the purchase: its project number with its buyer and winners (one batch
    number covers many lots), else its first document, so re-analysis that finds the same evidence gives
    the same id. An id in `taken` gives way to the first document's."""
    winners = ",".join(sorted({s for v in views if v.stage in ("award", "contract") for s in v.suppliers}))
    keys = sorted(f"{v.buyer or ''}|{project_key(v.project_number)}|{winners}" for v in views
                  if project_key(v.project_number))
    first = "doc:" + min(v.doc_id for v in views)
    pid = _hash("project:" + keys[0] if keys else first)
    return _hash(first) if pid in taken else pid


def _hash(strongest: str) -> str:
    return "pur-" + hashlib.sha1(strongest.encode("utf-8")).hexdigest()[:12]


def fold(views: list[DocView], records: dict[str, dict], facts: dict[str, list[Fact]], of: dict,
         found: list[Link], taken: set[str] = frozenset()) -> Purchase:
    """One purchase from its documents (views), their records and facts, and the links that joined them."""
    order = {s: i for i, s in enumerate(STAGES)}
    views = sorted(views, key=lambda v: (order.get(v.stage or "other", 99), v.date or "", v.doc_id))
    ids = {v.doc_id for v in views}
    reasons: dict[str, list[str]] = {v.doc_id: [] for v in views}
    for link in found:
        if link.doc_a in ids and link.doc_b in ids:
            for d in (link.doc_a, link.doc_b):
                if f"{link.reason}: {link.evidence}" not in reasons[d]:
                    reasons[d].append(f"{link.reason}: {link.evidence}")
    p = Purchase(purchase_id(views, taken), next((v.title for v in views if v.title), None), None)
    p.docs = [PurchaseDoc(v.doc_id, v.stage or "other", v.date, reasons[v.doc_id]) for v in views]
    buyers = Counter(v.buyer for v in views if v.buyer)
    p.buyer = buyers.most_common(1)[0][0] if buyers else None
    winners = [v for v in views if v.stage in ("award", "contract") and v.suppliers] or [v for v in views if v.suppliers]
    p.suppliers = list(dict.fromkeys(s for v in winners for s in v.suppliers))
    for v in views:
        rec, fs = records[v.doc_id], facts[v.doc_id]
        p.agent = p.agent or of.get((v.doc_id, rec.get("agent")))
        method = _fields(fs, "method")
        p.method = p.method or (method[0].value if method else None)
        if v.date and v.stage:
            p.dates.setdefault(v.stage, v.date)
        p.region = p.region or rec.get("region")
        for t in rec.get("tags") or []:
            if t["id"] not in p.categories:
                p.categories.append(t["id"])
        for f in _fields(fs, "amount"):
            value = f.value or {}
            role = value.get("role")
            held = p.amounts.get(role)
            # The award notice states the award; a shortlist's first price only stands in until it does.
            if (role in FINAL and not value.get("replaced") and not value.get("part")
                    and (held is None or (held["stage"] != role and v.stage == role))):
                p.amounts[role] = {"amount": amount_value(value), "currency": value.get("currency", "CNY"),
                                   "doc_id": v.doc_id, "stage": v.stage, "quote": f.quote, "page": f.page, "start": f.start,
                                   "end": f.end, "precision": _precision(value)}
        for f in _fields(fs, "bidder"):
            b = f.value if isinstance(f.value, dict) else {"name": f.value}
            org = of.get((v.doc_id, _name(f)))
            if org and org not in {x["org"] for x in p.bidders}:
                p.bidders.append({"org": org, "name": _name(f), "price": b.get("price"),
                                  "price_text": b.get("price_text"), "rank": b.get("rank"), "doc_id": v.doc_id})
    p.categories.sort()
    final = next((p.amounts[r] for r in FINAL if r in p.amounts and p.amounts[r]["amount"]), None)
    if final:
        p.amount, p.currency = final["amount"], final["currency"]
    return p
