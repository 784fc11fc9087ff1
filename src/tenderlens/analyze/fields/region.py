"""Region of a notice: province, prefecture, county, GB/T 2260 code and coordinates.

Names and codes come from cpca 0.5.5 (its adcodes table: the national division codes
with the longitude and latitude of each seat, 3,511 rows, as of the 2020 division
list; "市辖区" rows have no coordinates). cpca's matcher finds the names; the choice
among same-named counties is ours: cpca would silently default (南山区 -> Shenzhen),
so a county whose name several prefectures share is kept only when the text names
its province or prefecture, otherwise the region stops at the level the text makes
certain. The older table suits the documents: a county that later became a district
keeps the code it had when the notice was written.

Where to look, in order: the buyer's name, the contract party's name, then the opening
text with company names blanked (a company's name says where it is registered, not
where the project is). A region found is then narrowed while the opening text names
exactly one division inside it (a project in 罗定市 for a buyer in 云浮市).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick_rs

from ...model import Fact
from .evidence import FactMaker, View
from .orgs import name_before

_BODY = 3000
_NOT_THE_PLACE = re.compile(r"[路街巷弄界]|大道")
_NATIONAL = re.compile(r"(?:国家|中国|全国|中华人民共和国)(?![\u4e00-\u9fff]{0,20}?(?:省|自治区|市|县|分公司))")
# A provincial body (广东省公安厅) buys for its province: the towns its notice names do not narrow it.
_PROVINCIAL = re.compile(r"(?:省|自治区)(?:人民政府|[^市县区]{0,12}(?:厅|局|委员会|办公室))$")
_NEAR = 800  # the opening that names the project: title and first paragraph
_COMPANY = re.compile("公司")
_NAME_REACH = 40  # orgs.name_before's longest name before 公司 (its Latin-letter names cannot end in 公司)
# Addresses of the parties (地址：娄底市娄星区...) say where an office is, not where the project is.
_ADDRESS = re.compile(r"(?:地址|住所|住址|所在地|注册地|办公地点|通讯地址)[:：]?[^，。；：:]{0,40}")
# The stock-exchange header: code, short name and notice number of the announcing company.
# Each alternative opens with a plain character, so `re` scans for those characters quickly.
_CODE_OR_NAME = r"(?:代码|简称)[:：]?[^:：]{0,12}?(?=(?:证券|股票|公告|编号)|$)"
_HEADER = re.compile(rf"证券{_CODE_OR_NAME}|股票{_CODE_OR_NAME}|公告编号[:：]?[\w\-—（）()]{{0,20}}")


@lru_cache(maxsize=1)
def _cpca():
    import cpca  # loads its division table once; imported lazily because it pulls in pandas

    return cpca


# Rows of the code table that name no place: 重庆市 "县" (500200) would match every 县 in a text.
_PLACEHOLDERS = frozenset(("县", "市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"))


def _places(segments):
    """cpca's name matches in a text given as `segments` (start, text there), without the
    placeholder rows and one-character hits.

    cpca walks its names with pyahocorasick, whose trie steps slowly through a root of
    thousands of first characters; ahocorasick-rs finds the same names several times
    faster, so cpca reads only the stretches of text they cover (see _Seen), each a segment.
    Its matches there are the ones it would find in the whole text: no name crosses a
    stretch's edge. Segments are made as they are read: reading often stops early."""
    matcher = _cpca().matcher
    for lo, segment in segments:
        for match in matcher.iter(segment):
            # 海门路55号地块, 中山路, 闵行区界: a street named after a place, or its boundary, is not that place.
            if match.end_index + 1 - match.start_index >= 2 and \
                    segment[match.start_index:match.end_index + 1] not in _PLACEHOLDERS and \
                    not _NOT_THE_PLACE.match(segment, match.end_index + 1):
                match.start_index += lo
                match.end_index += lo
                yield match


def _segments(text: str, stretches: list[tuple[int, int]]):
    """The segments of `text` for _places, as written."""
    return ((lo, text[lo:hi]) for lo, hi in stretches)


@dataclass
class _Seen:
    """What find_region has read in one view, kept between its reads of the same text."""

    view: View
    names: dict[int, tuple[int, int] | None] = field(default_factory=dict)  # the name before each 公司
    _occurrences: list[tuple[int, int]] = field(default_factory=list)
    _reach: int = 0  # how far into the text _occurrences have been looked for

    def occurrences(self, hi: int) -> list[tuple[int, int]]:
        """Every occurrence of a name cpca knows in text[:hi] (and maybe further), by start.
        Looked for only as far as asked: often a buyer's name is all that is read."""
        if hi > self._reach:
            self._reach = max(hi, 2 * self._reach)
            found = _place_names().find_matches_as_indexes(self.view.text[:self._reach], overlapping=True)
            self._occurrences = sorted((start, end) for _, start, end in found)
        return self._occurrences

    def stretches(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The stretches of text[lo:hi] that names cover, overlapping names joined, in positions
        of text[lo:hi]."""
        out: list[tuple[int, int]] = []
        occurrences = self.occurrences(hi)
        for start, end in occurrences[bisect.bisect_left(occurrences, (lo, lo)):]:
            if start >= hi:
                break
            if end > hi:
                continue
            end = min(end + 1, hi)  # and the character after the name: 海门路 is a street (see _places)
            if out and start - lo < out[-1][1]:
                out[-1] = (out[-1][0], max(end - lo, out[-1][1]))
            else:
                out.append((start - lo, end - lo))
        return out

    def names_below(self, addr, hi: int) -> bool:
        """Whether any name in text[:hi] could be a division inside `addr`: without one, narrowing
        finds nothing, and the text need not be blanked for it."""
        table = _cpca().matcher.ac
        return any(a.rank > addr.rank and a.belong_to(addr)
                   for start, end in self.occurrences(hi) if end <= hi
                   for a in table.get(self.view.text[start:end])[1])


@lru_cache(maxsize=1)
def _place_names() -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick(list(_cpca().matcher.ac.keys()))


def _resolve(segments, context: str) -> tuple[object, int, int] | None:
    """The most specific division named in a text (start, end in it), checked against `context`."""
    current, first, last = None, 0, 0
    for match in _places(segments):
        candidates = match.attr_infos
        if current is not None:
            addr = next((a for a in candidates if a.belong_to(current)), None)
            if addr is None or addr.rank <= current.rank:
                continue
        elif len(candidates) == 1 or candidates[0].rank == 0:
            addr = candidates[0]
        else:
            # Several divisions share the name: keep one only if the document names its parent.
            named = [a for a in candidates if _parent_named(a, context)]
            if len(named) != 1:
                continue
            addr = named[0]
        current = addr
        first, last = match.start_index, match.end_index + 1
        if addr.rank == 2:
            break
    return (current, first, last) if current is not None else None


def _parent_named(addr, context: str) -> bool:
    cpca = _cpca()
    for level in (4, 2):
        name = cpca.adcode_name(addr.adcode[:level])
        if name and name not in ("市辖区", "县") and (name in context or name.rstrip("省市") in context):
            return True
    return False


def region_value(addr) -> dict:
    cpca = _cpca()
    code = addr.adcode
    province = cpca.adcode_name(code[:2])
    prefecture = cpca.adcode_name(code[:4]) if addr.rank >= 1 else None
    county = cpca.adcode_name(code) if addr.rank == 2 else None
    if prefecture in ("市辖区", "县"):  # municipalities: the city itself is the prefecture level
        prefecture = province
    info = cpca.ad_2_addr_dict.get(code.ljust(12, "0"))
    lat = float(info.latitude) if info and info.latitude else None
    lon = float(info.longitude) if info and info.longitude else None
    level_code = code if addr.rank == 2 else code[:4].ljust(6, "0") if addr.rank == 1 else code[:2].ljust(6, "0")
    return {"province": province, "prefecture": prefecture, "county": county, "code": level_code,
            "lat": lat, "lon": lon}


def _refine(addr, segments, span: tuple[int, int]) -> tuple[object, tuple[int, int]]:
    """Go down a level while the text names exactly one division inside the current one
    (a project in 罗定市 for a buyer in 云浮市); several places leave the region where it is."""
    cpca = _cpca()
    matches = list(_places(segments))
    while addr.rank < 2:
        below: dict[str, tuple[int, int]] = {}
        for match in matches:
            for a in match.attr_infos:
                if a.rank > addr.rank and a.belong_to(addr):
                    code = a.adcode[:2 * (addr.rank + 2)].ljust(6, "0")
                    below.setdefault(code, (match.start_index, match.end_index + 1))
        if len(below) != 1:
            break
        code, found = next(iter(below.items()))
        info = cpca.ad_2_addr_dict.get(code.ljust(12, "0"))
        if info is None:
            break
        addr, span = info, found
    return addr, span


def _masked(seen: _Seen, keep: list[tuple[int, int]], limit: int):
    """Segments of the first `limit` characters of the page with company names, addresses and the
    stock-exchange header blanked out (they tell where a company or office is, not where the project
    is), except the spans in `keep` (the buyer's own name).

    Only what overlaps a place name is blanked: blanking anything else changes nothing cpca finds,
    so the name before a 公司 is looked for only next to a stretch that is read."""
    view, names = seen.view, seen.names
    text = view.text[:limit]
    fixed = [m.span() for rx in (_ADDRESS, _HEADER) for m in rx.finditer(text)]
    companies = [m.end() for m in _COMPANY.finditer(text)]
    for lo, hi in seen.stretches(0, limit):
        blanks = [(s, e) for s, e in fixed if s < hi and e > lo]
        # A name before 公司 ends at it and is at most _NAME_REACH long: those ending in (lo, hi + reach).
        for end in companies[bisect.bisect_right(companies, lo):bisect.bisect_left(companies, hi + _NAME_REACH)]:
            if end not in names:
                names[end] = name_before(view.text, end)
            span = names[end]
            if span and not any(s <= span[0] and span[1] <= e for s, e in keep):
                blanks.append(span)
        segment = text[lo:hi]
        if blanks:
            chars = list(segment)
            for s, e in blanks:
                s, e = max(s, lo) - lo, min(e, hi) - lo
                chars[s:e] = "□" * max(0, e - s)
            segment = "".join(chars)
        yield lo, segment


def find_region(views: list[View], make: FactMaker, party_facts: list[Fact]) -> list:
    context = "".join(v.text for v in views[:10])[:20000]
    by_page = {v.page.n: v for v in views}
    places: list[tuple[View, int, int]] = []
    for key in ("buyer", "contract_party"):
        for f in party_facts:
            if f.key == key and f.page in by_page:
                view = by_page[f.page]
                places.append((view, *view.locate(f.start, f.end)))
    first = views[0]
    keep = [(s, e) for v, s, e in places if v is first]
    places.append((first, 0, min(_BODY, len(first.text))))
    seen = {id(v): _Seen(v) for v, _, _ in places}
    for n, (view, start, end) in enumerate(places):
        is_party = n < len(places) - 1
        # The opening text is blanked only as far as it is read: all of it when no party names a place.
        text = view.text
        if is_party:
            found = _resolve(_segments(text[start:end], seen[id(view)].stretches(start, end)), context)
        elif any(_NATIONAL.match(v.text, s, e) for v, s, e in places[:-1]):
            return []  # a national body (国家电网公司, 中国环境监测总站) buys for no one region
        else:  # the opening, start 0
            found = _resolve(_masked(seen[id(first)], keep, end), context)
        if found:
            addr, s, e = found
            s, e = start + s, start + e
            if is_party and addr.rank < 2:
                addr, (s, e) = _district_of(addr, text, end, (s, e))
            # A county is as far down as a region goes: nothing to refine.
            if view is first and addr.rank < 2 and not (is_party and _PROVINCIAL.search(text, start, end)) \
                    and seen[id(first)].names_below(addr, _NEAR):
                addr, (s, e) = _refine(addr, _masked(seen[id(first)], keep, _NEAR), (s, e))
            return [make(view, s, e, "region", region_value(addr), "fields.region")]
    return []


def _district_of(addr, text: str, end: int, span: tuple[int, int]) -> tuple[object, tuple[int, int]]:
    """A district or county that a party's name gives without its 区/县 (合肥市公安局瑶海分局 -> 瑶海区)."""
    found = []
    for short, info in _counties().get(addr.adcode[:2 * (addr.rank + 1)], ()):
        at = text.find(short, span[1], end)
        if at >= 0:
            found.append((info, (at, at + len(short))))
    return found[0] if len(found) == 1 else (addr, span)


@lru_cache(maxsize=1)
def _counties() -> dict[str, list]:
    """Counties by province code and by prefecture code, each with its name short of 区/县/市/旗 (瑶海区 -> 瑶海)."""
    out: dict[str, list] = {}
    for info in _cpca().ad_2_addr_dict.values():
        short = re.sub(r"(?:新区|区|县|市|旗)$", "", info.name)
        if info.rank == 2 and len(short) >= 2:
            out.setdefault(info.adcode[:2], []).append((short, info))
            out.setdefault(info.adcode[:4], []).append((short, info))
    return out
