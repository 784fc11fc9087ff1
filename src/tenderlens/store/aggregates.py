"""Queries over purchases and organisations: filters, groups with totals per currency, an organisation's
profile. Read-only; what `tenderlens purchases` and `tenderlens orgs` print and the web app can call.

Totals are kept per currency: yuan and dollars are never added together.
"""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass

GROUPS = {"buyer": "p.buyer", "supplier": "ps.org_id", "province": "p.province", "year": "p.year",
          "category": "pt.category"}
SORTS = {"amount": "p.amount DESC NULLS LAST", "date": "p.year DESC NULLS LAST, p.id", "docs": "p.n_docs DESC",
         "id": "p.id"}


@dataclass
class Filters:
    category: str | None = None      # a category id, or a family (tech) or its prefix (tech.face)
    region: str | None = None        # a province, prefecture or county name, or a region code prefix
    year: int | None = None
    buyer: str | None = None         # an organisation id, or part of any of its names
    supplier: str | None = None      # the same, for a supplier
    method: str | None = None
    min_amount: float | None = None
    max_amount: float | None = None
    currency: str | None = None
    flag: str | None = None

    def where(self) -> tuple[str, list]:
        sql, args = ["1=1"], []
        if self.category:
            # The category, or those under it (tech.face: tech.face_recognition? no, tech.face.*) as a range
            # of the index on category: '/' follows '.' in code point order.
            prefix = self.category.rstrip(".")
            sql.append("p.id IN (SELECT purchase_id FROM purchase_tags WHERE category = ?"
                       " OR (category >= ? AND category < ?))")
            args += [self.category, prefix + ".", prefix + "/"]
        if self.region:
            sql.append("(p.province = ? OR p.prefecture = ? OR p.county = ? OR p.region_code LIKE ?)")
            args += [self.region] * 3 + [self.region + "%"]
        if self.year:
            sql.append("p.year = ?")
            args.append(self.year)
        if self.buyer:
            sql.append(f"p.buyer IN ({_ORG_MATCH})")
            args += [self.buyer, f"%{self.buyer}%"]
        if self.supplier:
            sql.append(f"p.id IN (SELECT purchase_id FROM purchase_suppliers WHERE org_id IN ({_ORG_MATCH}))")
            args += [self.supplier, f"%{self.supplier}%"]
        if self.method:
            sql.append("p.method = ?")
            args.append(self.method)
        if self.min_amount is not None:
            sql.append("p.amount >= ?")
            args.append(self.min_amount)
        if self.max_amount is not None:
            sql.append("p.amount <= ?")
            args.append(self.max_amount)
        if self.currency:
            sql.append("p.currency = ?")
            args.append(self.currency.upper())
        if self.flag:
            sql.append("p.id IN (SELECT purchase_id FROM purchase_flags WHERE flag = ?)")
            args.append(self.flag)
        return " AND ".join(sql), args


_ORG_MATCH = "SELECT id FROM organisations WHERE id = ? UNION SELECT org_id FROM aliases WHERE name LIKE ?"


def has_purchases(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name='purchases'").fetchone() is not None


def _names(db, ids) -> dict[str, str]:
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return dict(db.execute(f"SELECT id, name FROM organisations WHERE id IN ({marks})", ids))


def purchases(db: sqlite3.Connection, filters: Filters | None = None, sort: str = "amount",
              limit: int | None = 50) -> list[dict]:
    """Purchase records that pass the filters, with the names of their parties."""
    where, args = (filters or Filters()).where()
    sql = f"SELECT p.record FROM purchases p WHERE {where} ORDER BY {SORTS[sort]}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    records = [json.loads(r[0]) for r in db.execute(sql, args)]
    names = _names(db, [x for r in records for x in [r["buyer"], r["agent"], *r["suppliers"]]])
    for r in records:
        r["buyer_name"] = names.get(r["buyer"])
        r["agent_name"] = names.get(r["agent"])
        r["supplier_names"] = [names.get(s) for s in r["suppliers"]]
    return records


def count(db: sqlite3.Connection, filters: Filters | None = None) -> dict:
    """How many purchases pass the filters and their amounts summed per currency."""
    where, args = (filters or Filters()).where()
    rows = db.execute(f"SELECT p.currency, sum(p.amount), count(*) FROM purchases p WHERE {where}"
                      " GROUP BY p.currency ORDER BY 2 DESC", args).fetchall()
    totals = {c or "unknown": t for c, t, _ in rows if t is not None}
    return {"purchases": sum(n for _, _, n in rows), "totals": totals}


def grouped(db: sqlite3.Connection, by: str, filters: Filters | None = None, limit: int | None = 50) -> list[dict]:
    """Purchases counted and summed per `by` (GROUPS), with each group's share of the purchases and of each
    currency's total. A purchase with two suppliers (or categories) counts in each group, its amount split
    evenly between its suppliers."""
    where, args = (filters or Filters()).where()
    col = GROUPS[by]
    joins = {"supplier": "JOIN purchase_suppliers ps ON ps.purchase_id = p.id",
             "category": "JOIN purchase_tags pt ON pt.purchase_id = p.id"}.get(by, "")
    split = ("(SELECT count(*) FROM purchase_suppliers x WHERE x.purchase_id = p.id)" if by == "supplier" else "1")
    rows = db.execute(f"SELECT {col}, p.currency, count(DISTINCT p.id), sum(p.amount / {split})"
                      f" FROM purchases p {joins} WHERE {where} GROUP BY 1, 2", args).fetchall()
    overall = count(db, filters)
    out: dict = defaultdict(lambda: {"purchases": 0, "totals": {}})
    for key, currency, n, total in rows:
        g = out[key]
        g["purchases"] += n
        if total is not None:
            g["totals"][currency or "unknown"] = total
    names = _names(db, out) if by in ("buyer", "supplier") else {}
    result = []
    for key, g in out.items():
        shares = {c: round(t / overall["totals"][c], 4) for c, t in g["totals"].items() if overall["totals"].get(c)}
        result.append({"key": key, "label": names.get(key, key), "purchases": g["purchases"], "totals": g["totals"],
                       "share_of_purchases": round(g["purchases"] / overall["purchases"], 4)
                       if overall["purchases"] else 0.0, "share_of_totals": shares})
    result.sort(key=lambda g: (-g["purchases"], -max(g["totals"].values(), default=0), str(g["key"])))
    return result[:limit] if limit else result


def organisations(db: sqlite3.Connection, name: str | None = None, kind: str | None = None,
                  limit: int | None = 50) -> list[dict]:
    """Organisations with their purchase counts as buyer and as supplier, and totals per currency."""
    sql, args = ["1=1"], []
    if name:
        sql.append(f"o.id IN ({_ORG_MATCH})")
        args += [name, f"%{name}%"]
    if kind:
        sql.append("o.kind = ?")
        args.append(kind)
    rows = db.execute(
        "SELECT o.id, o.name, o.kind, o.region, o.credit_code, o.part_of,"
        " (SELECT count(*) FROM purchases p WHERE p.buyer = o.id) AS bought,"
        " (SELECT count(*) FROM purchase_suppliers s WHERE s.org_id = o.id) AS sold,"
        " (SELECT count(*) FROM aliases a WHERE a.org_id = o.id) AS n_aliases"
        f" FROM organisations o WHERE {' AND '.join(sql)} ORDER BY bought + sold DESC, o.name"
        + (f" LIMIT {int(limit)}" if limit else ""), args).fetchall()
    out = []
    for r in rows:
        rec = {k: r[k] for k in r.keys()}
        rec["totals_bought"] = _totals(db, "p.buyer = ?", [r["id"]])
        rec["totals_sold"] = _totals(db, "p.id IN (SELECT purchase_id FROM purchase_suppliers WHERE org_id = ?)",
                                     [r["id"]])
        out.append(rec)
    return out


def _totals(db, where: str, args: list) -> dict:
    return {c or "unknown": t for c, t in db.execute(
        f"SELECT p.currency, sum(p.amount) FROM purchases p WHERE {where} AND p.amount IS NOT NULL GROUP BY 1", args)}


def organisation(db: sqlite3.Connection, org_id: str) -> dict | None:
    """An organisation's profile: aliases with their documents, relations, purchases as buyer and as
    supplier, counterparties, and totals by year and by category (per currency)."""
    row = db.execute("SELECT * FROM organisations WHERE id = ?", (org_id,)).fetchone()
    if row is None:
        row = db.execute("SELECT o.* FROM organisations o JOIN aliases a ON a.org_id = o.id WHERE a.name = ?"
                         " LIMIT 1", (org_id,)).fetchone()
    if row is None:
        return None
    oid = row["id"]
    org = {k: row[k] for k in row.keys()}
    org["aliases"] = [{"name": a, "reason": why, "doc_ids": json.loads(docs)} for a, why, docs in db.execute(
        "SELECT name, reason, doc_ids FROM aliases WHERE org_id = ? ORDER BY name", (oid,))]
    names = _names(db, [x for r in db.execute("SELECT child, parent FROM org_relations WHERE child=? OR parent=?",
                                              (oid, oid)) for x in r])
    org["relations"] = [{"child": c, "child_name": names.get(c), "parent": p, "parent_name": names.get(p),
                         "relation": rel} for c, p, rel in db.execute(
        "SELECT child, parent, relation FROM org_relations WHERE child = ? OR parent = ?", (oid, oid))]
    bought = Filters(buyer=oid)
    sold = Filters(supplier=oid)
    org["bought"] = [p for p in purchases(db, bought, sort="date", limit=None) if p["buyer"] == oid]
    org["sold"] = [p for p in purchases(db, sold, sort="date", limit=None) if oid in p["suppliers"]]
    counter: dict = defaultdict(lambda: {"purchases": 0, "totals": defaultdict(float)})
    for p in org["bought"]:
        for s, name in zip(p["suppliers"], p["supplier_names"]):
            _add(counter[(s, name, "supplier")], p, len(p["suppliers"]))
    for p in org["sold"]:
        if p["buyer"]:
            _add(counter[(p["buyer"], p["buyer_name"], "buyer")], p, len(p["suppliers"]))
    org["counterparties"] = sorted(({"id": k[0], "name": k[1], "role": k[2], "purchases": v["purchases"],
                                     "totals": dict(v["totals"])} for k, v in counter.items()),
                                   key=lambda c: (-c["purchases"], c["name"] or ""))
    by_year: dict = defaultdict(lambda: defaultdict(float))
    by_category: dict = defaultdict(lambda: defaultdict(float))
    for p in org["bought"] + org["sold"]:
        if p["amount"] is None:
            continue
        by_year[str(min(p["dates"].values())[:4]) if p["dates"] else "unknown"][p["currency"]] += p["amount"]
        for c in p["categories"]:
            by_category[c][p["currency"]] += p["amount"]
    org["totals_by_year"] = {k: dict(v) for k, v in sorted(by_year.items())}
    org["totals_by_category"] = {k: dict(v) for k, v in sorted(by_category.items())}
    return org


def _add(cell: dict, p: dict, n_suppliers: int) -> None:
    cell["purchases"] += 1
    if p["amount"] is not None:
        cell["totals"][p["currency"]] += p["amount"] / max(1, n_suppliers)


def summary(db: sqlite3.Connection) -> dict:
    """Purchases and organisations in the store: each purchase once, its amount once, per currency."""
    q = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    return {**count(db),
            "documents": q("SELECT count(*) FROM purchase_docs"),
            "linked_documents": q("SELECT coalesce(sum(n_docs), 0) FROM purchases WHERE n_docs > 1"),
            "organisations": q("SELECT count(*) FROM organisations"),
            "by_kind": dict(db.execute("SELECT kind, count(*) FROM organisations GROUP BY 1 ORDER BY 2 DESC")),
            "flags": dict(db.execute("SELECT flag, count(DISTINCT purchase_id) FROM purchase_flags GROUP BY 1"
                                     " ORDER BY 2 DESC"))}


PURCHASE_COLUMNS = ("id", "title", "buyer", "buyer_name", "suppliers", "supplier_names", "agent", "agent_name",
                    "method", "amount", "currency", "budget", "ceiling", "award", "contract", "first_date",
                    "last_date", "province", "prefecture", "county", "region_code", "categories", "flags",
                    "n_documents", "documents")
ORG_COLUMNS = ("id", "name", "kind", "region", "credit_code", "part_of", "aliases", "bought", "sold",
               "totals_bought", "totals_sold")


def purchase_rows(db: sqlite3.Connection, flat: bool = True, filters: Filters | None = None,
                  sort: str = "id") -> list[dict]:
    """Every purchase that passes the filters (all by default), as the JSON record (flat=False) or one flat
    row with lists joined by '; ' (CSV, Parquet)."""
    records = purchases(db, filters, sort=sort, limit=None)
    if not flat:
        return records
    rows = []
    for r in records:
        region = r["region"] or {}
        dates = sorted(r["dates"].values())
        stage = {k: (v or {}).get("amount") for k, v in r["amounts"].items()}
        rows.append({"id": r["id"], "title": r["title"], "buyer": r["buyer"], "buyer_name": r["buyer_name"],
                     "suppliers": "; ".join(r["suppliers"]),
                     "supplier_names": "; ".join(n or "" for n in r["supplier_names"]),
                     "agent": r["agent"], "agent_name": r["agent_name"], "method": r["method"], "amount": r["amount"],
                     "currency": r["currency"], **{k: stage.get(k) for k in ("budget", "ceiling", "award", "contract")},
                     "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
                     "province": region.get("province"), "prefecture": region.get("prefecture"),
                     "county": region.get("county"), "region_code": region.get("code"),
                     "categories": "; ".join(r["categories"]), "flags": "; ".join(f["id"] for f in r["flags"]),
                     "n_documents": len(r["documents"]), "documents": "; ".join(d["doc_id"] for d in r["documents"])})
    return rows


GROUP_COLUMNS = ("key", "label", "purchases", "share_of_purchases", "totals", "share_of_totals")


def group_rows(db: sqlite3.Connection, by: str, filters: Filters | None = None, flat: bool = True) -> list[dict]:
    """Every group of `grouped`, flat (totals and shares as '12.50 CNY; 3.00 USD') or as JSON."""
    rows = grouped(db, by, filters, limit=None)
    if not flat:
        return rows
    return [dict(g, key=None if g["key"] is None else str(g["key"]),
                 totals="; ".join(f"{v:.2f} {c}" for c, v in g["totals"].items()),
                 share_of_totals="; ".join(f"{v:.4f} {c}" for c, v in g["share_of_totals"].items())) for g in rows]


def organisation_rows(db: sqlite3.Connection, flat: bool = True) -> list[dict]:
    """Every organisation with its aliases and purchase counts and totals (per currency)."""
    rows = organisations(db, limit=None)
    aliases: dict[str, list] = defaultdict(list)
    for org_id, name, reason in db.execute("SELECT org_id, name, reason FROM aliases ORDER BY org_id, name"):
        aliases[org_id].append({"name": name, "reason": reason})
    out = []
    for r in rows:
        row = {k: r[k] for k in ("id", "name", "kind", "region", "credit_code", "part_of", "bought", "sold")}
        if flat:
            row["aliases"] = "; ".join(a["name"] for a in aliases[r["id"]])
            row["totals_bought"] = "; ".join(f"{v:.2f} {c}" for c, v in r["totals_bought"].items())
            row["totals_sold"] = "; ".join(f"{v:.2f} {c}" for c, v in r["totals_sold"].items())
        else:
            row.update(aliases=aliases[r["id"]], totals_bought=r["totals_bought"], totals_sold=r["totals_sold"])
        out.append(row)
    return out
