"""Red flags per purchase, each with its evidence: the definitions and thresholds are data (flags.yaml)."""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import yaml

from ..model import Purchase


@lru_cache(maxsize=1)
def definitions() -> list[dict]:
    return yaml.safe_load(Path(__file__).with_name("flags.yaml").read_text(encoding="utf-8"))["flags"]


def _params(flag_id: str) -> dict:
    return next(d for d in definitions() if d["id"] == flag_id).get("params", {})


def _single_source(p: Purchase) -> dict | None:
    return {"method": p.method} if p.method == "single_source" else None


def _single_bidder(p: Purchase) -> dict | None:
    if len(p.bidders) == 1 and p.method != "single_source":
        b = p.bidders[0]
        return {"bidder": b["name"], "doc_id": b["doc_id"]}
    return None


def _award_near_estimate(p: Purchase) -> dict | None:
    tolerance = _params("award_near_estimate")["tolerance"]
    price = p.amounts.get("award") or p.amounts.get("contract")
    for role in ("ceiling", "budget"):
        estimate = p.amounts.get(role)
        if (price and estimate and price["amount"] and estimate["amount"] and price["currency"] == estimate["currency"]
                and _compared(price, estimate) and abs(price["amount"] - estimate["amount"]) <= tolerance * estimate["amount"]):
            return {"price": _cited(price), role: _cited(estimate),
                    "difference": round(1 - price["amount"] / estimate["amount"], 5)}
    return None


def _cited(amount: dict) -> dict:
    return {k: amount.get(k) for k in ("amount", "currency", "doc_id", "stage", "quote", "page", "start", "end")}


def _compared(price: dict, estimate: dict) -> bool:
    """Whether two amounts are a price and an estimate, not one figure read twice. A budget a tender
    announced is an estimate; otherwise the two must differ by more than the precision they are written
    to, since a winner's announcement restates its price (项目金额 6,499万元, 2.09亿元 for 208,728,652元)
    in words that read as a budget."""
    if estimate.get("stage") in ("tender", "modification") and estimate.get("doc_id") != price.get("doc_id"):
        return True
    slack = max(price.get("precision") or 0.0, estimate.get("precision") or 0.0, 0.01)
    return abs(price["amount"] - estimate["amount"]) > slack


def _winner_not_first(p: Purchase) -> dict | None:
    ranked = [b for b in p.bidders if b.get("rank")]
    winners = [b for b in ranked if b["org"] in p.suppliers]
    first = [b for b in ranked if b["rank"] == 1]
    if winners and first and all(w["rank"] != 1 for w in winners):
        return {"winner": winners[0]["name"], "winner_rank": winners[0]["rank"], "first": first[0]["name"],
                "doc_id": first[0]["doc_id"]}
    return None


RULES = {"single_source": _single_source, "single_bidder": _single_bidder,
         "award_near_estimate": _award_near_estimate, "winner_not_first": _winner_not_first}


def flag(purchases: list[Purchase]) -> None:
    """Set `flags` on every purchase: the per-purchase rules, then the shares across a buyer's purchases."""
    for p in purchases:
        p.flags = [{"id": fid, "evidence": ev} for fid, rule in RULES.items() if (ev := rule(p))]
    params = _params("vendor_share")
    # (buyer, category, currency) -> supplier -> (amount, purchases)
    spend: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(lambda: [0.0, []]))
    for p in purchases:
        if not (p.buyer and p.amount and p.suppliers):
            continue
        for cat in p.categories:
            for s in p.suppliers:
                cell = spend[(p.buyer, cat, p.currency)][s]
                cell[0] += p.amount / len(p.suppliers)
                cell[1].append(p)
    for (buyer, cat, currency), by_supplier in spend.items():
        everyone = {p.id for cell in by_supplier.values() for p in cell[1]}
        total = sum(cell[0] for cell in by_supplier.values())
        if len(everyone) < params["min_purchases"] or not total:
            continue
        for supplier, (amount, mine) in by_supplier.items():
            if amount / total >= params["min_share"]:
                evidence = {"buyer": buyer, "supplier": supplier, "category": cat, "currency": currency,
                            "share": round(amount / total, 4), "amount": amount, "total": total,
                            "purchases": len(mine), "of_purchases": len(everyone)}
                for p in mine:
                    p.flags.append({"id": "vendor_share", "evidence": evidence})


def docs_page() -> str:
    """docs/red-flags.md, generated from flags.yaml."""
    lines = ["# Red flags", "", "Generated from `src/tenderlens/purchases/flags.yaml` by "
             "`tenderlens purchases --flags-doc`; edit the YAML, not this page.", "",
             "A flag is a reason to read a purchase's documents, never a finding of wrongdoing. Each flag "
             "carries its evidence (the values compared and the documents they come from): "
             "`tenderlens purchases --flag ID --json`.", ""]
    for d in definitions():
        lines += [f"## `{d['id']}`: {d['name']} ({d['name_zh']})", "", " ".join(d["rationale"].split()), ""]
        if d.get("params"):
            lines += ["Parameters: " + ", ".join(f"`{k}` = {v}" for k, v in d["params"].items()), ""]
        lines += [f"How tenderlens computes it: {' '.join(d['computed'].split())}", "", f"Source: {d['source']}.", ""]
    return "\n".join(lines)
