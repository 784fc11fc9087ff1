"""Link the documents of one procurement into purchases: pure, document views in, links out.

A link needs one of these, each found inside a block of documents that share a key, so
the work grows with the corpus, not with its square:
  project_number    the same project number after normalisation, no two different buyers, and
                    no two awards to different winners (a batch number covers many lots);
  reaward           the same project number, buyer and title, where the title names one
                    procurement only: a lot awarded again to another winner;
  near_duplicate    the same notice republished: MinHash LSH (datasketch) over character
                    5-grams, Jaccard >= NEAR_DUP, same stage and title, and no amount, buyer,
                    supplier or project number that differs (one buyer's notices share a template);
  buyer_title       the same buyer and the same title once stage words are removed (stages.yaml),
                    different stages whose dates follow the stage order;
  shortlist_winner  an award's winner is a bidder of a shortlist at the same price (to the cent);
  parties_price     an award or contract notice with the same winners at the same price (to the cent,
                    written to PRICE_DIGITS significant digits or more), no two different buyers or
                    project numbers: a company's prompt and final announcement, an award and its contract;
  shortlist_title   an award's winner is a bidder of a shortlist with the same title (stage words removed).
Every link keeps its reason and the value the documents share.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from datasketch import MinHash, MinHashLSH

from ..model import Link

NEAR_DUP = 0.9
NUM_PERM = 64
SHINGLE = 5
# Text past this many characters adds nothing to telling copies apart, only time.
TEXT_MAX = 20_000
# A price that ties two notices together is written to at least this many significant digits: 约4亿元
# is the price of many purchases (隆基股份 won two 中民新能 procurements of about 4亿 each in 2015).
PRICE_DIGITS = 4
# A project number shorter than this (1, 01, A) names nothing across documents.
PROJECT_MIN = 6


# Stronger links are followed first, so a weaker one cannot join what a stronger one keeps apart.
RANK = {"project_number": 0, "reaward": 0, "shortlist_winner": 1, "parties_price": 1, "near_duplicate": 2,
        "shortlist_title": 3, "buyer_title": 4}


@dataclass
class DocView:
    """What linking reads of one document (built from its facts by purchases.build)."""

    doc_id: str
    stage: str | None = None
    date: str | None = None
    title: str | None = None
    buyer: str | None = None                  # organisation id
    suppliers: list[str] = field(default_factory=list)   # organisation ids
    bidders: list[tuple[str, float | None]] = field(default_factory=list)  # (organisation id, price)
    project_number: str | None = None
    amount: float | None = None               # the award or contract price in yuan, where stated
    text: str = ""


@lru_cache(maxsize=1)
def _stage_words() -> dict:
    return yaml.safe_load(Path(__file__).with_name("stages.yaml").read_text(encoding="utf-8"))


def project_key(number: str | None) -> str | None:
    if not number:
        return None
    k = re.sub(r"[\s\u3000]", "", unicodedata.normalize("NFKC", number)).upper().replace("（", "(").replace("）", ")")
    return k if len(k) >= PROJECT_MIN and any(c.isdigit() for c in k) else None


@lru_cache(maxsize=100_000)
def title_key(title: str | None) -> str | None:
    """A title without its stage words and re-tender marks, or None when too little is left to name a purchase."""
    if not title:
        return None
    words = _stage_words()
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", title))
    t = re.sub(words["retender"], "", t)
    changed = True
    while changed:
        changed = False
        for s in sorted(words["title_suffixes"], key=len, reverse=True):
            if t.endswith(s) and len(t) > len(s):
                t, changed = t[: -len(s)], True
        t = re.sub(words["retender"] + "$", "", t)
    return t if len(t) >= 6 else None


def _same(value: int) -> int:
    return value


@lru_cache(maxsize=1)
def _permutations():
    return MinHash(num_perm=NUM_PERM, seed=1).permutations


_SPACE = re.compile(r"\s+")
# 5-gram codes: the code points as digits of a number in base 2^21 (all of Unicode), folded to 32 bits.
_BASES = np.array([(1 << 21) ** i % (1 << 32) for i in range(SHINGLE - 1, -1, -1)], dtype=np.uint64)


def _minhash(text: str) -> MinHash:
    """A MinHash of the text's character 5-grams, each 5-gram coded by numpy in one pass over the text (hashing
    5-grams one by one in Python was most of the time linking took); the permutations are drawn once."""
    chars = np.frombuffer(_SPACE.sub("", text[:TEXT_MAX]).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(chars) < SHINGLE:
        chars = np.pad(chars, (0, SHINGLE - len(chars)))
    windows = np.lib.stride_tricks.sliding_window_view(chars, SHINGLE)
    codes = np.unique((windows * _BASES).sum(axis=1) % (1 << 32))
    m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_same, permutations=_permutations(), scheme="affine32")
    m.update_batch(codes.tolist())
    return m


def _significant(amount: float) -> int:
    """Significant digits of an amount: 约4亿元 has 1, 204,360,000 has 5."""
    return len(f"{amount:.2f}".replace(".", "").strip("0"))


def _differ(a, b) -> bool:
    return a is not None and b is not None and a != b


def _other_winners(a: DocView, b: DocView) -> bool:
    """Two awards (or contracts) to different suppliers: two lots, not one purchase."""
    winners = lambda d: set(d.suppliers) if d.stage in ("award", "contract") else set()  # noqa: E731
    return bool(winners(a) and winners(b) and not winners(a) & winners(b))


def _copies(a: DocView, b: DocView) -> bool:
    """Whether two near-identical texts can be copies of one notice: nothing they state differs."""
    return (a.stage == b.stage and not _differ(project_key(a.project_number), project_key(b.project_number))
            and title_key(a.title) == title_key(b.title)
            and not _differ(a.amount, b.amount) and not _differ(a.buyer, b.buyer)
            and not (a.suppliers and b.suppliers and set(a.suppliers) != set(b.suppliers)))


def links(docs: Iterable[DocView]) -> list[Link]:
    docs = list(docs)
    out: list[Link] = []
    by_project: dict[str, list[DocView]] = defaultdict(list)
    for d in docs:
        k = project_key(d.project_number)
        if k:
            by_project[k].append(d)
    # A title names one procurement when no other buyer or project number uses it; 关于重大经营合同中标的公告,
    # the title of many companies' announcements, names none.
    named_by: dict[str, set] = defaultdict(set)
    for d in docs:
        if title_key(d.title):
            named_by[title_key(d.title)].add((d.buyer, project_key(d.project_number)))
    specific = {t for t, uses in named_by.items() if len(uses) == 1}
    for k, block in by_project.items():
        for i, a in enumerate(block[1:], 1):
            # Chain to the first document that can be the same purchase: one link per document.
            fits = [x for x in block[:i] if not _differ(x.buyer, a.buyer) and not _other_winners(x, a)]
            # An award links to an earlier notice of its own winner first: the lot it belongs to.
            b = next((x for x in fits if set(x.suppliers) & set(a.suppliers)), fits[0] if fits else None)
            if b:
                out.append(Link(b.doc_id, a.doc_id, "project_number", k))
                continue
            # The same lot awarded again to another winner: the same number, buyer and specific title.
            t = title_key(a.title)
            again = next((x for x in block[:i] if t in specific and title_key(x.title) == t
                          and not _differ(x.buyer, a.buyer)), None)
            if again:
                out.append(Link(again.doc_id, a.doc_id, "reaward", f"{k} {t}"))

    lsh = MinHashLSH(threshold=NEAR_DUP, num_perm=NUM_PERM)
    view = {d.doc_id: d for d in docs}
    hashes: dict[str, MinHash] = {}
    for d in docs:
        if len(d.text) < 50:
            continue
        m = _minhash(d.text)
        # What the notices state is compared before their MinHashes: a portal's template makes many
        # notices alike, and only those with the same stage and title can be copies.
        for other in lsh.query(m):
            if _copies(view[other], d) and (similarity := m.jaccard(hashes[other])) >= NEAR_DUP:
                out.append(Link(other, d.doc_id, "near_duplicate", f"jaccard {similarity:.2f}"))
                break
        hashes[d.doc_id] = m
        lsh.insert(d.doc_id, m)

    agreed: dict[tuple, list[DocView]] = defaultdict(list)
    for d in docs:
        if d.stage in ("award", "contract") and d.amount and d.suppliers and _significant(d.amount) >= PRICE_DIGITS:
            agreed[(tuple(sorted(d.suppliers)), round(d.amount, 2))].append(d)
    for (winners, price), block in agreed.items():
        for i, a in enumerate(block[1:], 1):
            b = next((x for x in block[:i] if not _differ(x.buyer, a.buyer)
                      and not _differ(project_key(x.project_number), project_key(a.project_number))), None)
            if b:
                out.append(Link(b.doc_id, a.doc_id, "parties_price", f"{price:.2f}"))

    order = {s: i for i, s in enumerate(_stage_words()["order"])}
    by_title: dict[tuple[str, str], list[DocView]] = defaultdict(list)
    for d in docs:
        t = title_key(d.title)
        if t and d.buyer:
            by_title[(d.buyer, t)].append(d)
    for (_, t), block in by_title.items():
        block.sort(key=lambda d: (d.date or "", order.get(d.stage or "", 99)))
        for a, b in zip(block, block[1:]):
            if a.stage != b.stage and order.get(a.stage or "", 99) <= order.get(b.stage or "", 99):
                out.append(Link(a.doc_id, b.doc_id, "buyer_title", t))

    bids: dict[tuple[str, float], list[DocView]] = defaultdict(list)
    lists: dict[str, list[DocView]] = defaultdict(list)
    for d in docs:
        if d.stage == "shortlist":
            for org, price in d.bidders:
                if price:
                    bids[(org, round(price, 2))].append(d)
            if title_key(d.title):
                lists[title_key(d.title)].append(d)
    for d in docs:
        if d.stage not in ("award", "contract"):
            continue
        for org in d.suppliers:
            priced = bids.get((org, round(d.amount, 2)), []) if d.amount else []
            for s in priced:
                if not _differ(s.buyer, d.buyer):
                    out.append(Link(s.doc_id, d.doc_id, "shortlist_winner", f"{org} at {d.amount:.2f}"))
            # A shortlist often names no buyer: its title and the winner among its bidders tie it to the award.
            for s in lists.get(title_key(d.title) or "", []):
                if s not in priced and org in {b for b, _ in s.bidders} and not _differ(s.buyer, d.buyer):
                    out.append(Link(s.doc_id, d.doc_id, "shortlist_title", f"{org} in {title_key(d.title)}"))
    return out


def groups(views: Iterable[DocView], found: Iterable[Link]) -> list[list[str]]:
    """The purchases: connected documents, each group sorted, groups in order of their first document.

    A link is not followed when it would put two awards to different suppliers into one purchase: a
    batch tender's number (国家电网 0711-17OTL039...) covers many lots, each awarded on its own."""
    views = list(views)
    up = {v.doc_id: v.doc_id for v in views}
    winners = {v.doc_id: set(v.suppliers) if v.stage in ("award", "contract") else set() for v in views}

    def find(x):
        while up[x] != x:
            up[x] = up[up[x]]
            x = up[x]
        return x

    for link in sorted(found, key=lambda k: RANK.get(k.reason, 99)):
        if link.doc_a in up and link.doc_b in up:
            ra, rb = find(link.doc_a), find(link.doc_b)
            if ra == rb or (link.reason != "reaward" and winners[ra] and winners[rb]
                            and not winners[ra] & winners[rb]):
                continue
            root, child = min(ra, rb), max(ra, rb)
            up[child] = root
            winners[root] |= winners.pop(child)
    members: dict[str, list[str]] = defaultdict(list)
    for d in up:
        members[find(d)].append(d)
    return sorted((sorted(g) for g in members.values()), key=lambda g: g[0])
