"""A document's facts, folded into the record that export, eval and the web app share.

The record uses the field names of ../shared/eval/labels.jsonl, so any export can
be scored by `tenderlens eval`. Pure: facts in, dict out.
"""
from __future__ import annotations

from collections.abc import Iterable

from .model import Fact

FAMILIES = ("tech", "target", "source", "exempt")
# When a document states several amounts, the award says most about what was spent.
AMOUNT_PREFERENCE = ("award", "contract", "ceiling", "budget", "unknown")


def summarise(doc_id: str, facts: Iterable[Fact], sources: list[str] | None = None) -> dict:
    by_key: dict[str, list[Fact]] = {}
    tags = []
    for f in sorted(facts, key=lambda f: (f.page, f.start, f.key)):
        if f.kind in FAMILIES:
            tags.append({"id": f.key, "quote": f.quote, "page": f.page, "start": f.start, "end": f.end})
        elif f.kind == "field":
            by_key.setdefault(f.key, []).append(f)

    def first(key: str):
        return by_key[key][0].value if key in by_key else None

    amounts = by_key.get("amount", [])
    amount = None
    if amounts:
        rank = {r: i for i, r in enumerate(AMOUNT_PREFERENCE)}
        best = min(amounts, key=lambda f: rank.get((f.value or {}).get("role", "unknown"), len(rank)))
        amount = best.value
    suppliers: list[str] = []
    for f in by_key.get("supplier", []):
        if f.value not in suppliers:
            suppliers.append(f.value)
    return {
        "doc_id": doc_id,
        "sources": sources or [],
        "is_surveillance": bool(first("is_surveillance")),
        "notice_type": first("notice_type"),
        "date": first("date"),
        "buyer": first("buyer"),
        "contract_party": first("contract_party"),
        "agent": first("agent"),
        "project_number": first("project_number"),
        "suppliers": suppliers,
        "amount_cny": amount.get("yuan") if amount and amount.get("currency", "CNY") == "CNY" else None,
        "amount": amount,
        "region": first("region"),
        "tags": tags,
    }
