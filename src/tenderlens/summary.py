"""A document's facts, folded into the record that export, eval and the web app share.

The record uses the field names of ../shared/eval/labels.jsonl, so any export can
be scored by `tenderlens eval`. `evidence` holds, for each field shown, the quote
and span that support it. Pure: facts in, dict out.
"""
from __future__ import annotations

from collections.abc import Iterable

from .model import Fact

FAMILIES = ("tech", "target", "source", "exempt")
# When a document states several amounts, what was agreed says most about what was spent.
AMOUNT_PREFERENCE = ("award", "contract", "ceiling", "budget", "unknown")
# A tender has no award yet: its budget is the figure it announces; prices in its contract
# template and per-lot figures repeated through the file come after.
TENDER_PREFERENCE = ("budget", "ceiling", "award", "contract", "unknown")
FIELDS = ("is_surveillance", "notice_type", "method", "date", "buyer", "contract_party", "agent", "project_number",
          "consortium", "region")
ROLES = ("budget", "ceiling", "award", "contract")


def _evidence(f: Fact) -> dict:
    return {"quote": f.quote, "page": f.page, "start": f.start, "end": f.end, "extractor": f.extractor}


def amount_value(value: dict) -> float | None:
    """An amount fact's value in its own currency: `yuan`, or `usd`, `eur` ... for other currencies."""
    return value.get("yuan") or value.get(value.get("currency", "").lower())


def _pick_amount(amounts: list[Fact], tender: bool = False) -> Fact | None:
    """The amount the document is about.

    A stated total comes first, then a figure the document labels (中标价(元)：…), then the prose.

    An amount the document restates (a foreign amount with its own yuan figure, 约合人民币...;
    a figure it revises, 由X调整为Y) gives way to the restatement. A stated total of several
    lots wins, and so does (outside tenders) an amount that is the sum of the amounts stated
    next to it. Otherwise the strongest role (AMOUNT_PREFERENCE, or TENDER_PREFERENCE for a
    tender); within it yuan before other currencies, prose before table cells (a table lists the
    items of what its text sums up), a sum the document repeats (a contract
    price is written in figures and again in words, 大写; a third mention says no more, and a
    tender file, which repeats its lots, is not counted), then the first. The items of a
    breakdown (其中：建安费..., 预备费...) are parts of the price stated before them, not the price."""
    if not amounts:
        return None
    kept = [f for f in amounts if not (f.value or {}).get("replaced")] or amounts
    cny = [f for f in kept if not (f.value or {}).get("part")] or kept
    totals = [f for f in cny if (f.value or {}).get("total") and _sums_earlier(f, kept)]
    if not tender:
        values = [(f.value or {}).get("yuan") or 0.0 for f in cny]
        slack = [_stated_precision(f.value or {}) for f in cny]
        totals += [f for at, f in enumerate(cny) if _sums_neighbours(at, values, slack[at])]
    if totals:   # a total of totals (三湖共计..., 项目整体总投资...) is the largest
        return max(totals, key=lambda f: f.value["yuan"])
    rank = {r: i for i, r in enumerate(TENDER_PREFERENCE if tender else AMOUNT_PREFERENCE)}
    # A figure the notice labels with its role (中标价(元) | 180014035.01) is its own statement; where it
    # labels several of the strongest role (the lots of one notice), the prose order decides.
    labelled = [f for f in cny if f.value.get("label")]
    if labelled:
        best = min(rank.get(f.value.get("role"), len(rank)) for f in labelled)
        of_role = [f for f in labelled if rank.get(f.value.get("role"), len(rank)) == best]
        if len({f.value["yuan"] for f in of_role}) == 1:
            return of_role[0]
    role_of = lambda f: rank.get((f.value or {}).get("role", "unknown"), len(rank))  # noqa: E731
    value_of = lambda f: amount_value(f.value or {})  # noqa: E731
    count: dict = {}
    for f in cny:
        count[value_of(f)] = 0 if tender else count.get(value_of(f), 0) + 1
    order = {id(f): i for i, f in enumerate(cny)}
    foreign = lambda f: (f.value or {}).get("currency", "CNY") != "CNY"  # noqa: E731
    cell = lambda f: bool((f.value or {}).get("cell"))  # noqa: E731
    return min(cny, key=lambda f: (role_of(f), foreign(f), cell(f), -min(count[value_of(f)], 2), order[id(f)]))


def _sums_earlier(total: Fact, amounts: list[Fact]) -> bool:
    """A stated total is believed when it is the sum of two or more amounts stated before it, to the
    precision it is written in."""
    earlier = [f.value["yuan"] for f in amounts if (f.page, f.start) < (total.page, total.start)
               and not f.value.get("total") and f.value.get("yuan")]
    target = total.value.get("yuan")
    if not target:
        return False
    tolerance = max(0.005 * target, _stated_precision(total.value))
    for i in range(len(earlier)):
        run = 0.0
        for j in range(i, len(earlier)):
            run += earlier[j]
            if j > i and abs(run - target) <= tolerance:
                return True
    return False


def _stated_precision(value: dict) -> float:
    """Half a unit of the last digit a figure is written to: 3.2亿元 stands for 3.15亿 to 3.25亿."""
    number, yuan = value.get("amount"), value.get("yuan")
    if not number or not yuan:
        return 0.0
    digits = repr(float(number)).rstrip("0").partition(".")[2]
    return 0.5 * 10 ** -len(digits) * yuan / number


def _sums_neighbours(at: int, values: list[float], slack: float = 0.0, most: int = 6) -> bool:
    """Whether the amount values[at] is the sum of two to `most` different amounts stated next to each
    other, just before or just after it: their total (总投资33,457.27万元 ... 设计报价491.21万元，
    建安报价32,966.06万元)."""
    target = values[at]
    if not target:
        return False
    for side in (values[at + 1:at + 1 + 2 * most], values[:at][::-1][:2 * most]):
        run, seen = 0.0, []
        for v in side:
            if v == target or (seen and v == seen[-1]):
                continue   # the same amount again (in words, or repeated)
            run += v
            seen.append(v)
            if len(seen) >= 2 and abs(run - target) <= max(0.005 * target, slack):
                return True
            if len(seen) >= most or run > target + slack:
                break
    return False


def _amounts_by_role(amounts: list[Fact], evidence: dict) -> dict:
    """Each role's amount, kept apart: the labelled one, else the first the prose gives that role; in yuan,
    or the value dict of an amount in another currency."""
    out = {}
    for role in ROLES:
        of_role = [f for f in amounts if (f.value or {}).get("role") == role and not f.value.get("replaced")
                   and not f.value.get("part")]
        if not of_role:
            continue
        f = next((f for f in of_role if f.value.get("label")), of_role[0])
        out[role] = f.value["yuan"] if f.value.get("currency", "CNY") == "CNY" else f.value
        evidence[f"amounts.{role}"] = _evidence(f)
    return out


def summarise(doc_id: str, facts: Iterable[Fact], sources: list[str] | None = None, title: str | None = None) -> dict:
    by_key: dict[str, list[Fact]] = {}
    tags = []
    for f in sorted(facts, key=lambda f: (f.page, f.start, f.key)):
        if f.kind in FAMILIES:
            tags.append({"id": f.key, "quote": f.quote, "page": f.page, "start": f.start, "end": f.end})
        elif f.kind == "field":
            by_key.setdefault(f.key, []).append(f)

    record = {"doc_id": doc_id, "title": title, "sources": sources or []}
    evidence: dict[str, dict] = {}
    for key in FIELDS:
        f = by_key[key][0] if key in by_key else None
        record[key] = f.value if f else None
        if f:
            evidence[key] = _evidence(f)
    record["is_surveillance"] = bool(record["is_surveillance"])
    suppliers: list[str] = []
    for f in by_key.get("supplier", []):
        if f.value not in suppliers:
            suppliers.append(f.value)
            evidence.setdefault("suppliers", _evidence(f))
    record["suppliers"] = suppliers
    amount = _pick_amount(by_key.get("amount", []), tender=record["notice_type"] == "tender")
    value = amount.value if amount else None
    record["amount_cny"] = value.get("yuan") if value and value.get("currency", "CNY") == "CNY" else None
    record["amount"] = value
    if amount:
        evidence["amount"] = _evidence(amount)
    record["amounts"] = _amounts_by_role(by_key.get("amount", []), evidence)
    record["bidders"] = [dict(f.value) for f in by_key.get("bidder", [])]
    if record["bidders"]:
        evidence["bidders"] = _evidence(by_key["bidder"][0])
    record["tags"] = tags
    record["evidence"] = evidence
    return record
