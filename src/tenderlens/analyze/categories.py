"""Surveillance categories: which cue hits count, decided from their context.

A cue hit counts unless, within its sentence,
- a counter-cue of its category stands near it (IT "监控" of servers, 水质 monitoring);
- a negation stands near it (不含天网二期工程), unless that is a look-alike (不含税);
- an incidental marker appears (经营范围, 业绩, 资格要求, company boilerplate), the
  hit sits inside the title of a cited standard or law (《视频安防监控系统技术要求》),
  or it opens a company's name (安防工程有限公司);
- a `near` word the cue requires is missing;
- an upkeep word follows it (保安服务, 食堂, 办公楼): the cue then names the unit or
  building served, not a capability bought;
or the document lacks the context the cue needs: a government buyer or client
(`government`; a school, hospital or bank buying for its own premises is not one),
or a public-security body or purpose (`security`). The buyer, when
procurement fields found one, decides first; else the body a title opens with (a
notice title names its buyer first: 内江市生态环境局高新区分局黑烟车抓拍系统采购);
the document's own words decide otherwise.
A document without a public-security context that names one of a category's
`domain_counter_cues` (水环境, 森林防火) is off that category's domain altogether.

target, source and exempt cues count only in a document with a counted tech cue:
a group or a data source is a category only as the target or input of a system bought.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..codebook import Category, Codebook, Cue
from ..model import Fact
from .matcher import PageScan, phrase_key

EXTRACTOR = "categories"
QUOTE_REACH = 20  # characters a quote may extend either side of its cue, within the clause
_QUOTE_STOP = set("。；！？;!?，,：:\n\t")
_CLOSING, _OPENING = set("”’）)】》」』、"), set("“‘（(【《「『、")  # not at a quote's edges
INCIDENTAL_REACH = 80


@dataclass
class _Index:
    """Codebook phrases keyed as the matcher reports them."""

    cues: dict[str, list[tuple[Category, Cue]]]
    counters: dict[str, list[str]]       # category id -> counter phrase keys
    domains: dict[str, list[str]]        # category id -> document-level counter phrase keys
    near: dict[tuple[str, str], list[str]]  # (category id, cue text) -> near phrase keys
    negation: list[str]
    lookalikes: list[str]
    incidental: list[str]
    security: list[str]
    security_lookalikes: list[str]
    government: list[str]
    title_endings: tuple[str, ...]
    body_endings: tuple[str, ...]          # endings of a government body's name (局, 人民政府 ...)
    organisation: re.Pattern[str] | None   # CJK characters up to an organisation ending, from a cue's end
    breakers: tuple[str, ...]
    upkeep: list[str]
    facilities: list[str]
    opening_body: re.Pattern[str] | None   # a body's name opening a title, up to its first body ending


def _index(codebook: Codebook) -> _Index:
    if "categories" not in codebook._cache:
        ctx = codebook.context
        cues: dict[str, list[tuple[Category, Cue]]] = {}
        for cat in codebook.categories.values():
            for cue in cat.cues:
                cues.setdefault(phrase_key(cue.text), []).append((cat, cue))

        def keys(words) -> list[str]:
            return [k for k in dict.fromkeys(phrase_key(w) for w in words) if k]
        codebook._cache["categories"] = _Index(
            cues=cues,
            counters={c.id: keys(c.counter_cues) for c in codebook.categories.values()},
            domains={c.id: keys(c.domain_counter_cues) for c in codebook.categories.values()},
            near={(c.id, q.text): keys(q.near) for c in codebook.categories.values() for q in c.cues if q.near},
            negation=keys(ctx.negation), lookalikes=keys(ctx.negation_lookalikes),
            incidental=keys(ctx.incidental), security=keys(ctx.security), government=keys(ctx.government),
            security_lookalikes=keys(ctx.security_lookalikes),
            title_endings=tuple(keys(ctx.standard_title_endings)),
            body_endings=tuple(phrase_key(e) for e in ctx.government_body_endings),
            organisation=re.compile("([\u4e00-\u9fff]{0,8}?)(?:%s)" % "|".join(map(re.escape, keys(ctx.organisation_endings))))
            if ctx.organisation_endings else None,
            breakers=tuple(keys(ctx.name_breakers)), upkeep=keys(ctx.upkeep), facilities=keys(ctx.facilities),
            opening_body=_opening_body_pattern(ctx.government_body_endings))
    return codebook._cache["categories"]


def _opening_body_pattern(endings) -> re.Pattern[str] | None:
    cjk = sorted((e for e in endings if re.fullmatch("[\u4e00-\u9fff]+", e)), key=len, reverse=True)
    if not cjk:
        return None
    # An agency's title names the buyer after 关于; a year or a period may come first.
    return re.compile("(?:[^\n]{2,40}?关于)?(?:[\\d\\-—年度]{4,12})?([\u4e00-\u9fff（）()]{2,40}?(?:%s))"
                      % "|".join(map(re.escape, cjk)))


def _title_buyer(scans: list[PageScan], idx: _Index) -> str | None:
    """The body a notice title opens with: the first line of the document, up to its first body ending."""
    if not scans or idx.opening_body is None:
        return None
    m = idx.opening_body.match(scans[0].text.split("\n", 1)[0])
    return m.group(1) if m else None


class _Context:
    """What the document as a whole says about who buys and why."""

    def __init__(self, scans: list[PageScan], idx: _Index, buyer: str | None):
        buyer = buyer or _title_buyer(scans, idx)
        buyer_key = phrase_key(buyer) if buyer else ""
        self.security = any(k in buyer_key for k in idx.security) or self._said(
            scans, idx.security, idx, idx.security_lookalikes)
        by_name = buyer_key.endswith(idx.body_endings) if buyer_key else False
        # A school or hospital watching its own grounds is facility security, not a state purpose.
        facility = not self.security and any(k in buyer_key for k in idx.facilities)
        self.government = self.security or (not facility and (by_name or self._said(scans, idx.government, idx, [])))
        self._domains: dict[str, bool] = {}

    @staticmethod
    def _said(scans: list[PageScan], keys: list[str], idx: _Index, lookalikes: list[str]) -> bool:
        for sc in scans:
            for key in keys:
                for s, e in sc.hits.get(key, ()):
                    if not (sc.covered(lookalikes, s, e) or _incidental(sc, s, e, idx)):
                        return True
        return False

    def off_domain(self, scans: list[PageScan], cat: Category, idx: _Index) -> bool:
        """Whether the document is about another domain this category is often confused with."""
        if self.security or not idx.domains[cat.id]:
            return False
        if cat.id not in self._domains:
            self._domains[cat.id] = self._said(scans, idx.domains[cat.id], idx, [])
        return self._domains[cat.id]

    def allows(self, needs: str) -> bool:
        return needs == "none" or (needs == "government" and self.government) or (
            needs == "security" and self.security)


def _window(sc: PageScan, s: int, e: int, reach: int) -> tuple[int, int]:
    lo, hi = sc.sentence(s)
    return max(lo, s - reach), min(hi, e + reach)


def _incidental(sc: PageScan, s: int, e: int, idx: _Index) -> bool:
    lo, hi = _window(sc, s, e, INCIDENTAL_REACH)
    return (sc.near(idx.incidental, lo, hi) is not None or _in_cited_title(sc, s, e, idx)
            or _opens_organisation_name(sc, e, idx))


def _opens_organisation_name(sc: PageScan, e: int, idx: _Index) -> bool:
    m = idx.organisation.match(sc.view, e) if idx.organisation else None
    return m is not None and not any(b in m.group(1) for b in idx.breakers)


def _in_cited_title(sc: PageScan, s: int, e: int, idx: _Index) -> bool:
    lo, hi = sc.sentence(s)
    open_ = sc.view.rfind("《", lo, s)
    if open_ < 0 or sc.view.find("》", open_, s) >= 0:
        return False
    close = sc.view.find("》", e, hi)
    if close < 0:
        return False
    title = sc.view[open_ + 1:close]
    return title.endswith(idx.title_endings)


def _negated(sc: PageScan, s: int, e: int, idx: _Index, reach: int) -> bool:
    lo, hi = _window(sc, s, e, reach)
    hit = sc.near(idx.negation, lo, hi)
    if hit is None:
        return False
    # 不含税 looks like 不含; it prices a lot, it does not exclude one.
    return not sc.covered(idx.lookalikes, *hit)


def _counts(sc: PageScan, s: int, e: int, cat: Category, cue: Cue, idx: _Index, doc_ctx: _Context,
            codebook: Codebook) -> bool:
    reach = codebook.context.window
    if not doc_ctx.allows(codebook.needs(cat, cue)):
        return False
    near = idx.near.get((cat.id, cue.text))
    if near and sc.near(near, *_window(sc, s, e, reach if cue.within is None else cue.within)) is None:
        return False
    lo, hi = _window(sc, s, e, reach)
    if sc.near(idx.counters[cat.id], lo, hi) is not None or sc.near(idx.upkeep, e, hi) is not None:
        return False
    return not (_negated(sc, s, e, idx, reach) or _incidental(sc, s, e, idx))


def _drop_inside_other_categories(counted: dict[str, list[tuple[int, int, Cue]]]) -> None:
    """A cue inside a longer cue of another category of its family is that category's word:
    卡口 in 人脸卡口 is a face checkpoint, camera in body-worn camera a body camera."""
    spans = sorted((s, -e, cat_id, i) for cat_id, hits in counted.items() for i, (s, _, _) in enumerate(hits)
                   for e in (hits[i][1],))
    reach: dict[str, tuple[int, int]] = {}   # category -> (furthest end so far, start of that hit)
    inside: set[tuple[str, int]] = set()
    for s, neg_e, cat_id, i in spans:
        e = -neg_e
        family = cat_id.split(".")[0]
        for other, (end, start) in reach.items():
            if other != cat_id and other.split(".")[0] == family and (end > e or (end == e and start < s)):
                inside.add((cat_id, i))
                break
        if e > reach.get(cat_id, (-1, 0))[0]:
            reach[cat_id] = (e, s)
    for cat_id, hits in list(counted.items()):
        hits[:] = [h for i, h in enumerate(hits) if (cat_id, i) not in inside]
        if not hits:
            del counted[cat_id]


def _snap(text: str, i: int, step: int, limit: int) -> int:
    """Move a quote edge off the middle of an English word (towards the cue)."""
    while i != limit and 0 < i < len(text) and text[i - 1].isascii() and text[i - 1].isalnum() \
            and text[i].isascii() and text[i].isalnum():
        i += step
    return i


def quote_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The cue with its clause around it, at most QUOTE_REACH characters either side, on one line."""
    lo = start
    while lo > 0 and start - lo < QUOTE_REACH and text[lo - 1] not in _QUOTE_STOP:
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < QUOTE_REACH and text[hi] not in _QUOTE_STOP:
        hi += 1
    lo, hi = _snap(text, lo, 1, start), _snap(text, hi, -1, end)
    while lo < start and (text[lo].isspace() or text[lo] in _CLOSING):
        lo += 1
    while hi > end and (text[hi - 1].isspace() or text[hi - 1] in _OPENING):
        hi -= 1
    return lo, hi


def find_categories(doc_id: str, scans: list[PageScan], codebook: Codebook, buyer: str | None = None) -> list[Fact]:
    """One fact per counted cue hit: kind = family, key = category id."""
    idx = _index(codebook)
    if not any(key in idx.cues for sc in scans for _, _, key in sc.order):
        return []  # most documents name no cue: their context need not be read
    doc_ctx = _Context(scans, idx, buyer)
    facts: list[Fact] = []
    for families in (("tech",), ("target", "source", "exempt")):
        if families[0] != "tech" and not any(f.kind == "tech" for f in facts):
            break
        for sc in scans:
            counted: dict[str, list[tuple[int, int, Cue]]] = {}
            for s, e, key in sc.order:
                for cat, cue in idx.cues.get(key, ()):
                    if cat.family in families and not doc_ctx.off_domain(scans, cat, idx) and \
                            _counts(sc, s, e, cat, cue, idx, doc_ctx, codebook):
                        counted.setdefault(cat.id, []).append((s, e, cue))
            _drop_inside_other_categories(counted)
            for cat_id, hits in counted.items():
                reach = -1
                # Overlapping cues of one category (天网 in 天网工程, 视频监控 and 监控系统): one hit,
                # the leftmost, the longest of those starting there.
                for s, e, cue in sorted(hits, key=lambda h: (h[0], h[0] - h[1])):
                    if s < reach:
                        continue
                    reach = e
                    ps, pe = sc.page_span(s, e)
                    qs, qe = quote_span(sc.text, ps, pe)
                    facts.append(Fact(doc_id, cat_id.split(".")[0], cat_id, {"cue": cue.text}, sc.page, qs, qe,
                                      sc.text[qs:qe], codebook.version, EXTRACTOR))
    facts.sort(key=lambda f: (f.page, f.start, f.key))
    return facts
