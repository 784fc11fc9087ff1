"""Aggregates for the map and the timeline: purchases counted once each, amounts summed per currency.

A purchase with a tender and an award notice is one purchase, placed and dated by its purchase record
(its first notice's date), its amount counted once in its own currency. The unit table `temp.units`
holds the purchases to count: those with a notice in the current result (search, map and timeline
pages) or those of one organisation (its page). A store whose purchases are not linked yet counts its
documents instead, and says so (`unit`).
"""
from __future__ import annotations

import sqlite3

from ..store.aggregates import has_purchases

_UNIT_TABLES = ("units", "unit_families")
# One read of each purchase: its place with coordinates and its dates are in its record.
_PURCHASE_UNITS = """
CREATE TEMP TABLE units AS
SELECT p.id, p.amount, p.currency, CAST(p.year AS TEXT) AS year, p.province, p.prefecture, p.county, p.region_code,
  (SELECT min(j.value) FROM json_each(p.record, '$.dates') j WHERE j.value GLOB '[0-9][0-9][0-9][0-9]-*') AS date,
  p.record ->> '$.region.lat' AS lat, p.record ->> '$.region.lon' AS lon
FROM purchases p {where}"""
_DOCUMENT_UNITS = """
CREATE TEMP TABLE units AS
SELECT doc_id AS id, amount, currency, CAST(year AS TEXT) AS year, province, prefecture, county, region_code, date,
  lat, lon
FROM temp.result"""


def _drop(db: sqlite3.Connection) -> None:
    for (name,) in db.execute(f"SELECT name FROM temp.sqlite_master WHERE type = 'table'"
                              f" AND name IN ({','.join('?' * len(_UNIT_TABLES))})", _UNIT_TABLES).fetchall():
        db.execute(f"DROP TABLE temp.{name}")


def _purchases(db: sqlite3.Connection, ids: str | None, params: tuple = ()) -> str:
    """temp.units from the purchases whose ids the query `ids` selects (None: every purchase)."""
    _drop(db)
    db.execute(_PURCHASE_UNITS.format(where=f"WHERE p.id IN ({ids})" if ids else ""), params)
    db.execute("CREATE TEMP TABLE unit_families AS SELECT DISTINCT t.purchase_id AS id,"
               " substr(t.category, 1, instr(t.category || '.', '.') - 1) AS family"
               " FROM temp.units u JOIN purchase_tags t ON t.purchase_id = u.id")
    return "purchases"


def result_units(db: sqlite3.Connection) -> str:
    """temp.units from the current result (temp.result): the purchases of its documents, or, before
    `tenderlens link`, the documents themselves. Returns the unit counted: purchases or documents."""
    if has_purchases(db) and db.execute("SELECT 1 FROM purchases LIMIT 1").fetchone():
        # The whole store (temp.result is then a view of every document) has every purchase.
        whole = db.execute("SELECT type FROM temp.sqlite_master WHERE name = 'result'").fetchone()[0] == "view"
        return _purchases(db, None if whole else "SELECT d.purchase_id FROM temp.result r CROSS JOIN purchase_docs d"
                                                 " ON d.doc_id = r.doc_id")
    _drop(db)
    db.execute(_DOCUMENT_UNITS)
    db.execute("CREATE TEMP TABLE unit_families AS SELECT DISTINCT r.doc_id AS id, t.family FROM temp.result r"
               " CROSS JOIN doc_tags t ON t.doc_id = r.doc_id")
    return "documents"


def organisation_units(db: sqlite3.Connection, org_id: str) -> str:
    """temp.units: the purchases an organisation made or supplied."""
    return _purchases(db, "SELECT id FROM purchases WHERE buyer = ?"
                          " UNION SELECT purchase_id FROM purchase_suppliers WHERE org_id = ?", (org_id, org_id))


def map_data(db: sqlite3.Connection, unit: str) -> dict:
    """Counts and yuan by province (keyed by the GB/T 2260 province code, which the map's shapes carry
    as their id), other currencies beside the yuan, and by prefecture or county centre for the symbols."""
    provinces = [
        {"code": code, "province": name, "count": n, "amount": amount or 0}
        for code, name, n, amount in db.execute(
            "SELECT substr(region_code, 1, 2) || '0000', max(province), count(*),"
            " sum(CASE WHEN currency = 'CNY' THEN amount END) FROM temp.units"
            " WHERE province IS NOT NULL AND region_code IS NOT NULL GROUP BY 1 ORDER BY 3 DESC, 2")]
    points = [
        {"province": p, "prefecture": pre or "", "county": c or "", "lat": lat, "lon": lon,
         "count": n, "amount": amount or 0}
        for p, pre, c, lat, lon, n, amount in db.execute(
            "SELECT province, prefecture, county, avg(lat), avg(lon), count(*),"
            " sum(CASE WHEN currency = 'CNY' THEN amount END) FROM temp.units"
            " WHERE lat IS NOT NULL AND lon IS NOT NULL AND prefecture IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 6 DESC")]
    by_code = {p["code"]: p for p in provinces}
    for code, currency, amount in db.execute(
            "SELECT substr(region_code, 1, 2) || '0000', currency, sum(amount) FROM temp.units"
            " WHERE province IS NOT NULL AND region_code IS NOT NULL AND currency != 'CNY' AND amount IS NOT NULL"
            " GROUP BY 1, 2"):
        if code in by_code:
            by_code[code].setdefault("other_amounts", {})[currency] = amount
    unplaced = db.execute("SELECT count(*) FROM temp.units WHERE province IS NULL OR region_code IS NULL").fetchone()[0]
    return {"unit": unit, "provinces": provinces, "points": points, "unplaced": unplaced}


def timeline_data(db: sqlite3.Connection, unit: str, by: str) -> dict:
    """Purchases (or documents) and summed yuan per period, split by category family.

    A purchase tagged in two families counts once in each family's series; the `all` series counts
    every dated purchase once. Amounts in other currencies than yuan are summed per currency in
    `other_amounts`, never added to the yuan."""
    period = "substr(u.date, 1, 7)" if by == "month" else "u.year"
    dated = "u.date IS NOT NULL" if by == "month" else "u.year IS NOT NULL"
    yuan = "sum(CASE WHEN u.currency = 'CNY' THEN u.amount END)"
    series: dict[str, dict[str, list]] = {}
    for p, n, amount in db.execute(f"SELECT {period}, count(*), {yuan} FROM temp.units u WHERE {dated} GROUP BY 1"):
        series.setdefault("all", {})[p] = [n, amount or 0]
    for p, fam, n, amount in db.execute(
            f"SELECT {period}, f.family, count(*), {yuan} FROM temp.units u"
            f" JOIN temp.unit_families f ON f.id = u.id WHERE {dated} GROUP BY 1, 2"):
        series.setdefault(fam, {})[p] = [n, amount or 0]
    other: dict[str, dict[str, float]] = {}
    for p, currency, amount in db.execute(
            f"SELECT {period}, u.currency, sum(u.amount) FROM temp.units u WHERE {dated} AND u.currency != 'CNY'"
            " AND u.amount IS NOT NULL GROUP BY 1, 2"):
        other.setdefault(currency, {})[p] = amount
    periods = _every_period(sorted(series.get("all", {})), by)
    undated = db.execute(f"SELECT count(*) FROM temp.units u WHERE NOT ({dated})").fetchone()[0]
    return {"unit": unit, "by": by, "periods": periods, "undated": undated,
            "series": {name: {"count": [vals.get(p, [0, 0])[0] for p in periods],
                              "amount": [vals.get(p, [0, 0])[1] for p in periods]}
                       for name, vals in series.items()},
            "other_amounts": {c: [vals.get(p, 0) for p in periods] for c, vals in sorted(other.items())}}


def _every_period(seen: list[str], by: str) -> list[str]:
    """All months or years from the first to the last seen, so gaps show as gaps
    (only the periods seen when the span is implausibly long, e.g. a misread year)."""
    if not seen or int(seen[-1][:4]) - int(seen[0][:4]) > 100:
        return seen
    if by == "year":
        return [str(y) for y in range(int(seen[0]), int(seen[-1]) + 1)]
    (y, m), (y1, m1) = (map(int, seen[0].split("-")), map(int, seen[-1].split("-")))
    out = []
    while (y, m) <= (y1, m1):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
