"""The purchases view and organisation pages: one row per purchase, totals per group, an
organisation's profile. Read through store.aggregates, the queries `tenderlens purchases` and
`tenderlens orgs` print, so the pages, /api/purchases, /api/organisations and the CLI agree.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import urlencode

from ..cli.export import KEEP
from ..privacy import mask_tree
from ..store import aggregates as agg
from .i18n import money
from .views import map_data, organisation_units, timeline_data

SORTS = tuple(agg.SORTS)
# What a row of the view shows (the full record, with each amount's quote, the bidders and the links'
# reasons, is the export's and `tenderlens purchases --json`'s).
SHOWN = ("id", "title", "buyer", "buyer_name", "suppliers", "supplier_names", "agent", "agent_name", "method",
         "amount", "currency", "dates", "region", "categories", "flags", "documents")
GROUPS = tuple(agg.GROUPS)


@dataclass(frozen=True)
class PurchaseQuery:
    """The purchases view's URL: filters (buyer and supplier match part of any of an organisation's names)."""
    category: str = ""
    region: str = ""
    year: str = ""
    buyer: str = ""
    supplier: str = ""
    method: str = ""
    currency: str = ""
    sort: str = "amount"
    by: str = ""          # group by buyer, supplier, province, year or category

    @classmethod
    def from_params(cls, params, error: type[Exception]) -> PurchaseQuery:
        q = cls(**{f.name: params.get(f.name, "").strip() for f in fields(cls) if params.get(f.name)})
        if q.sort not in SORTS:
            raise error(f"sort must be one of {', '.join(SORTS)}, not {q.sort!r}")
        if q.by and q.by not in GROUPS:
            raise error(f"by must be one of {', '.join(GROUPS)}, not {q.by!r}")
        if q.year and not (q.year.isdigit() and len(q.year) == 4):
            raise error(f"year must have four digits, not {q.year!r}")
        return q

    def filters(self) -> agg.Filters:
        return agg.Filters(category=self.category or None, region=self.region or None,
                           year=int(self.year) if self.year else None, buyer=self.buyer or None,
                           supplier=self.supplier or None, method=self.method or None,
                           currency=self.currency or None)

    def url(self, path: str = "/purchases", **changes) -> str:
        values = {f.name: changes.get(f.name, getattr(self, f.name)) for f in fields(self)}
        qs = urlencode([(k, v) for k, v in values.items() if v and not (k == "sort" and v == "amount")])
        return f"{path}?{qs}" if qs else path


def org_ids(store, names: list[str]) -> dict[str, str]:
    """The organisation each name is an alias of (when purchases are linked), for links to its page."""
    if not names or not agg.has_purchases(store.db):
        return {}
    names = list(dict.fromkeys(names))
    marks = ",".join("?" * len(names))
    return dict(store.db.execute(f"SELECT name, org_id FROM aliases WHERE name IN ({marks})", names).fetchall())


def _totals_text(totals: dict) -> list[str]:
    return [money(v, c if c != "unknown" else "CNY") for c, v in sorted(totals.items(), key=lambda kv: kv[0] != "CNY")]


def purchases_view(db, query: PurchaseQuery, masked: bool, limit: int = 100) -> dict:
    """The purchases that pass the filters (or their groups), with counts and totals per currency."""
    filters = query.filters()
    overall = agg.count(db, filters)
    out = {"overall": overall, "overall_text": _totals_text(overall["totals"]), "group_by": query.by,
           "exports": {fmt: query.url(f"/purchases/export.{fmt}") for fmt in ("csv", "json", "parquet")}}
    if query.by:
        groups = agg.grouped(db, query.by, filters, limit=None)
        out["n_groups"] = len(groups)
        for g in groups[:limit]:
            g["totals_text"] = _totals_text(g["totals"])
        out["groups"] = groups[:limit]
    else:
        rows = [{k: r[k] for k in SHOWN} for r in agg.purchases(db, filters, query.sort, limit=limit)]
        for r in rows:
            r["amount_text"] = money(r["amount"], r["currency"] or "CNY") if r["amount"] is not None else ""
            r["documents"] = [{k: d[k] for k in ("doc_id", "stage", "date")} for d in r["documents"]]
            r["flags"] = [f["id"] for f in r["flags"]]
            r["stage"] = r["documents"][-1]["stage"] if r["documents"] else ""
            r["date"] = max(r["dates"].values()) if r["dates"] else ""
        out["purchases"] = rows
    return mask_tree(out, KEEP) if masked else out


def organisation_view(db, org_id: str, masked: bool) -> dict | None:
    org = agg.organisation(db, org_id)
    if org is None:
        return None
    for p in org["bought"] + org["sold"]:
        p["amount_text"] = money(p["amount"], p["currency"] or "CNY") if p["amount"] is not None else ""
    for c in org["counterparties"]:
        c["totals_text"] = _totals_text(c["totals"])
    org["totals_by_year_text"] = {k: _totals_text(v) for k, v in org["totals_by_year"].items()}
    org["totals_by_category_text"] = {k: _totals_text(v) for k, v in org["totals_by_category"].items()}
    # The same figures the search's map and timeline draw, over this organisation's purchases.
    unit = organisation_units(db, org["id"])
    org["map"], org["timeline"] = map_data(db, unit), timeline_data(db, unit, "year")
    return mask_tree(org, KEEP) if masked else org
