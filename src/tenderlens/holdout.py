"""A seeded split of gold documents into a half rules are written from and a half only scored.

A rule that helps the half it was read from and not the other is fitted to files. The
notices of one purchase (its tender, correction, cancellation and result notices, its
lots) say the same thing in the same words, so they must stay on one side: documents are
grouped by their title with the agency, codes, lot and repeat marks and notice-type words
taken away, and by any project number they share; whole groups are dealt to the sides.
"""
from __future__ import annotations

import random
import re

SEED = 20261203

# A purchase's code: latin letters and digits with dashes, long enough not to be a year or a lot.
_CODE = re.compile(r"[A-Z0-9][A-Z0-9\-_\[\]〔〕]{5,}[A-Z0-9]", re.I)
_AGENCY = re.compile(r"^.{2,40}?(?:公司|中心|事务所)关于")
_BRACKETED = re.compile(r"[（(\[【][^）)\]】]*[）)\]】]")
_MARKS = re.compile(r"第?[一二三四五六七八九十\d]+(?:次|包|标段|批)|二次|重新|重")
_NOTICE_WORDS = re.compile(
    r"(?:的)?(?:公开招标|邀请招标|竞争性磋商|竞争性谈判|询价|单一来源|采购|招标|中标|成交|结果|合同|更正|变更|澄清|"
    r"延期|补充|补遗|暂停|恢复|废标|终止|流标|失败|异常|候选人)*(?:公告|公示|通知)?$")


def group_key(title: str) -> str:
    """What stays of a title once the marks that differ between the notices of one purchase go."""
    t = re.sub(r"\s+", "", title)
    t = _AGENCY.sub("", t)
    t = _BRACKETED.sub("", t)
    t = _CODE.sub("", t)
    t = _MARKS.sub("", t)
    return _NOTICE_WORDS.sub("", t)


def codes(title: str) -> set[str]:
    return {c.upper() for c in _CODE.findall(title) if any(ch.isdigit() for ch in c)}


def split(titles: dict[str, str], strata: dict[str, str] | None = None,
          seed: int = SEED) -> tuple[set[str], set[str]]:
    """(read, scored): document keys dealt by group, in seeded order, each group to the side
    holding fewer documents of its stratum (a group's stratum is the greatest of its
    documents', so surveillance groups balance apart from the many negatives)."""
    parent = {k: k for k in titles}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    first: dict[str, str] = {}
    for k, title in sorted(titles.items()):
        for mark in {"t:" + group_key(title)} | {"c:" + c for c in codes(title)}:
            if mark in first:
                parent[find(k)] = find(first[mark])
            else:
                first[mark] = k
    groups: dict[str, list[str]] = {}
    for k in sorted(titles):
        groups.setdefault(find(k), []).append(k)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    stratum = {g: max((strata or {}).get(k, "") for k in groups[g]) for g in order}
    sides: tuple[set[str], set[str]] = (set(), set())
    count: dict[tuple[int, str], int] = {}
    for g in order:
        s = stratum[g]
        side = 0 if count.get((0, s), 0) <= count.get((1, s), 0) else 1
        sides[side].update(groups[g])
        count[side, s] = count.get((side, s), 0) + len(groups[g])
    return sides
