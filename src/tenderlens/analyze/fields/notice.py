"""Notice type and procurement method.

The type is read from the title and the opening lines, where a notice says what it
is; the body of an award notice also talks about tenders and contracts.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from itertools import islice

from .evidence import FactMaker, View
from .labels import Reading
from .lexicon import lexicon

_HEAD = 400


_TITLE_END = re.compile(r"公告|公示|通知书|通知|招标文件|采购文件|磋商文件|谈判文件|询价文件|notice|invitation|solicitation", re.I)
_LISTED = re.compile(r"证券代码|证券简称|股票代码|股票简称|董事会|全体董事|信息披露")
_HEADER = re.compile(r"编号|代码|简称")
_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=16)  # asked by the notice type and by the parties; a View hashes by identity
def title_span(view: View) -> tuple[int, int] | None:
    """The notice's title, in view positions: the first lines near the top (a title may wrap)
    that end in 公告, 通知书, 招标文件 ...; header lines (stock code, notice number) are skipped."""
    lines = list(islice(_LINE.finditer(view.page.text, 0, 1500), 20))
    for i, first in enumerate(lines):
        if _HEADER.search(first.group()):
            continue
        for last in lines[i:i + 3]:
            if _HEADER.search(last.group()):
                break
            if _TITLE_END.search(last.group()):
                return view.locate(first.start(), last.end())
    return None


# A heading is short, has no sentence punctuation, and ends as a notice's name does (…中标结果公告,
# …公示（第2次）); a JSON record's title line (title: …) is one too.
_HEADING_END = re.compile(r"(?:公告表?|公示表?|通知书|通知|招标文件|采购文件|磋商文件|谈判文件|询价文件|notice|invitation|solicitation|"
                          r"tender|award)(?:[（(][^）)\n]{1,12}[）)])?$", re.I)
_TITLE_KEY = re.compile(r"(?:title|标题)\s*[:：]\s*", re.I)
_CLAUSE = re.compile(r"[，。；:：]")


@lru_cache(maxsize=16)
def heading_span(view: View) -> tuple[int, int] | None:
    """The notice's heading, in view positions: the first top lines (a heading may wrap onto three)
    that read as one; header lines (stock code, notice number) are skipped."""
    lines = list(islice(_LINE.finditer(view.page.text, 0, 1500), 20))
    for i, first in enumerate(lines):
        if _HEADER.search(first.group()):
            continue
        key = _TITLE_KEY.match(first.group().lstrip())
        start = first.start() + len(first.group()) - len(first.group().lstrip()) + (key.end() if key else 0)
        joined = ""
        for j in range(i, min(i + 3, len(lines))):
            part = view.page.text[start:lines[j].end()] if j == i else lines[j].group()
            joined += part.strip()
            if len(joined) > 80 or _CLAUSE.search(part):
                break
            if len(joined) >= 4 and _HEADING_END.search(joined[-24:]):
                return view.locate(start, lines[j].start() + len(lines[j].group().rstrip()))
    return None


def find_notice_type(views: list[View], make: FactMaker, reading: Reading | None = None) -> list:
    """The type the title names (labels.yaml's notice_types, in order); without a title word, what the
    notice's template holds: a labelled winner makes it an award, a table of bidders a shortlist."""
    view = views[0]
    title = heading_span(view)
    if title:
        found = _type_word(view, *title, make)
        if found and found[0].value == "shortlist" and _LISTED.search(view.text, 0, 800):
            # A listed company announcing that it is a candidate (关于…中标候选人公示的公告) reports the
            # win it expects: an award, as the labels convention counts it.
            found = [replace(found[0], value="award")]
        if found:
            return found
    if reading:
        winner = reading.first("winner")
        if winner:
            return [make(winner.view, winner.start, winner.end, "notice_type", "award", "fields.notice")]
        if len(reading.bidders) >= 2:
            b = reading.bidders[0].name
            return [make(b.view, b.start, b.end, "notice_type", "shortlist", "fields.notice")]
    # No title line and no template: the opening lines, where a notice says what it is.
    return [] if title else _type_word(view, 0, min(_HEAD, len(view.text)), make)


def _type_word(view: View, start: int, end: int, make: FactMaker) -> list:
    for kind, rx in lexicon().notice_types:
        m = rx.search(view.text, start, end)
        if m:
            return [make(view, m.start(), m.end(), "notice_type", kind, "fields.notice")]
    return []


def find_method(views: list[View], make: FactMaker) -> list:
    """The procurement method a notice's title names (竞争性磋商公告, 单一来源采购公示), when no label gives it."""
    view = views[0]
    title = heading_span(view)
    if not title:
        return []
    for code, rx in lexicon().methods:
        m = rx.search(view.text, *title)
        if m:
            return [make(view, m.start(), m.end(), "method", code, "fields.notice")]
    return []
