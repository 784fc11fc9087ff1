"""Aggregates for the map and the timeline, over the current result (temp.result, temp.summaries)."""
from __future__ import annotations

from ..store import Store


def map_data(store: Store) -> dict:
    """Counts and summed amounts by province (keyed by the GB/T 2260 province code, which the
    map's shapes carry as their id), and by prefecture or county centre for the symbols."""
    provinces = [
        {"code": code, "province": name, "count": n, "amount": amount or 0}
        for code, name, n, amount in store.db.execute(
            "SELECT substr(region_code, 1, 2) || '0000', max(province), count(*), sum(amount_cny) FROM temp.summaries"
            " WHERE province IS NOT NULL AND region_code IS NOT NULL GROUP BY 1 ORDER BY 3 DESC")]
    points = [
        {"province": p, "prefecture": pre or "", "county": c or "", "lat": lat, "lon": lon,
         "count": n, "amount": amount or 0}
        for p, pre, c, lat, lon, n, amount in store.db.execute(
            "SELECT province, prefecture, county, avg(lat), avg(lon), count(*), sum(amount_cny) FROM temp.summaries"
            " WHERE lat IS NOT NULL AND lon IS NOT NULL AND prefecture IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 6 DESC")]
    # Amounts in other currencies, per province: shown beside the yuan, never added to them.
    by_code = {p["code"]: p for p in provinces}
    for code, currency, amount in store.db.execute(
            "SELECT substr(r.region_code, 1, 2) || '0000', o.currency, sum(o.amount) FROM temp.summaries r"
            " JOIN temp.own_amounts o ON o.doc_id = r.doc_id WHERE r.province IS NOT NULL"
            " AND r.region_code IS NOT NULL GROUP BY 1, 2"):
        if code in by_code:
            by_code[code].setdefault("other_amounts", {})[currency] = amount
    unplaced = store.db.execute("SELECT (SELECT count(*) FROM temp.result)"
                                " - (SELECT count(*) FROM temp.summaries WHERE province IS NOT NULL)").fetchone()[0]
    return {"provinces": provinces, "points": points, "unplaced": unplaced}


def timeline_data(store: Store, by: str) -> dict:
    """Documents and summed amounts per period, split by category family.

    A document with tags from two families counts once in each family's series;
    the `all` series counts every dated document once. Amounts are yuan; documents whose
    amount is in another currency are summed per currency in `other_amounts`.
    """
    period = "substr(r.date, 1, 7)" if by == "month" else "CAST(r.year AS TEXT)"
    dated = "r.date IS NOT NULL" if by == "month" else "r.year IS NOT NULL"
    series: dict[str, dict[str, list]] = {}
    for p, n, amount in store.db.execute(
            f"SELECT {period}, count(*), sum(r.amount_cny) FROM temp.summaries r WHERE {dated} GROUP BY 1"):
        series.setdefault("all", {})[p] = [n, amount or 0]
    for p, fam, n, amount in store.db.execute(
            "SELECT period, family, count(*), sum(amount) FROM"
            f" (SELECT {period} AS period, t.family AS family, r.amount_cny AS amount FROM temp.summaries r"
            f"  CROSS JOIN doc_tags t ON t.doc_id = r.doc_id WHERE {dated} GROUP BY r.doc_id, t.family)"
            " GROUP BY 1, 2"):
        series.setdefault(fam, {})[p] = [n, amount or 0]
    other: dict[str, dict[str, float]] = {}
    for p, currency, amount in store.db.execute(
            f"SELECT {period}, o.currency, sum(o.amount) FROM temp.summaries r"
            f" JOIN temp.own_amounts o ON o.doc_id = r.doc_id WHERE {dated} GROUP BY 1, 2"):
        other.setdefault(currency, {})[p] = amount
    periods = _every_period(sorted(series.get("all", {})), by)
    undated = store.db.execute(f"SELECT (SELECT count(*) FROM temp.result)"
                               f" - (SELECT count(*) FROM temp.summaries r WHERE {dated})").fetchone()[0]
    return {"by": by, "periods": periods, "undated": undated,
            "series": {name: {"count": [vals.get(p, [0, 0])[0] for p in periods],
                              "amount": [vals.get(p, [0, 0])[1] for p in periods]}
                       for name, vals in series.items()},
            # Amounts of documents in another currency than yuan, per period: a series of their own.
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
