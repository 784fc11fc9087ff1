"""A document's facet values as tokens in the full-text index, so keyword and facets meet inside it.

Why: on a store of a million notices a common keyword (监控) matches tens of
thousands of pages. Ranking all of them and then testing each one's document
against three facet filters costs time in proportion to the matches, hundreds
of milliseconds. With every page of a document also carrying its facet values
as tokens (in a second FTS column, `facets`, weighted 0 in bm25 so ranking is
unchanged), one FTS5 query intersects the keyword's posting list with the
facets' and ranks only the pages that pass.

The tokens are a necessary condition only: the SQL condition of each filter
still runs on what the index returns, so results are exactly those of the SQL
filters, and a filter without a token (a buyer name fragment, an amount range)
simply falls back to SQL.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..model import Fact

# kind: what the token says of the document. Letters only, so a token stays one word for unicode61.
CATEGORY, FAMILY, SURVEILLANCE, NOTICE_TYPE, YEAR = "cat", "fam", "surv", "type", "year"
PROVINCE, PREFECTURE, COUNTY, REGION_CODE = "prov", "pref", "cnty", "code"
BUYER, VENDOR, FORMAT = "buyer", "vendor", "fmt"


def token(kind: str, value) -> str:
    """One facet value as a single index word: the kind, then a digest of the value (any script, any length)."""
    return kind + hashlib.blake2b(f"{kind}\x1f{value}".encode(), digest_size=8).hexdigest()


def code_prefixes(code: str | None) -> list[str]:
    """A GB/T 2260 code as the province, prefecture and county prefixes (2, 4, 6 digits) a region filter may name."""
    if not code or not code.isdigit():
        return []
    return [code[:n] for n in (2, 4, 6) if len(code) >= n]


def document_tokens(record: dict, format: str, facts: Iterable[Fact]) -> str:
    """The facets column of every page of a document, from its summary record (summary.summarise)."""
    region = record.get("region") or {}
    date = record.get("date")
    values: list[tuple[str, object]] = [(FORMAT, format), (SURVEILLANCE, int(bool(record.get("is_surveillance"))))]
    for tag in record.get("tags", []):
        values += [(CATEGORY, tag["id"]), (FAMILY, tag["id"].split(".")[0])]
    if record.get("notice_type"):
        values.append((NOTICE_TYPE, record["notice_type"]))
    if isinstance(date, str) and date[:4].isdigit():
        values.append((YEAR, int(date[:4])))
    for kind, key in ((PROVINCE, "province"), (PREFECTURE, "prefecture"), (COUNTY, "county")):
        if region.get(key):
            values.append((kind, region[key]))
    values += [(REGION_CODE, p) for p in code_prefixes(region.get("code"))]
    for key in ("buyer", "contract_party"):
        if record.get(key):
            values.append((BUYER, record[key]))
    values += [(VENDOR, f.key) for f in facts if f.kind == "vendor"]
    return " ".join(sorted({token(k, v) for k, v in values}))


def restrict(match: str, required: Iterable[tuple[str, ...]]) -> str:
    """An FTS5 expression: the user's `match` in the page text, and for each group one of its facet tokens."""
    groups = [g for g in required if g]
    if not groups:
        return f"body : ({match})"
    facets = " AND ".join("(" + " OR ".join(g) + ")" for g in groups)
    return f"body : ({match}) AND facets : ({facets})"
