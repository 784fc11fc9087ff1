"""The document's date, ISO. A date that gives only a month is no date (labels convention).

The date of a notice is the one it is signed with (the last full date in its closing
lines), else the first full date in its text. A long tender file is dated by its cover:
the full date there, or none when the cover gives only a month (2024年6月); the dates
inside such a file are deadlines and opening times.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import cn2an

from .evidence import FactMaker, View

_CN_DIGIT = "〇零一二三四五六七八九十"
_DATE = re.compile(
    rf"(?=[12{_CN_DIGIT}])(?:"  # a year starts 19, 20 or a Chinese digit: lets the scan skip other characters
    r"(?P<y>(?:19|20)\d{2})(?:年|[-/.])(?P<m>\d{1,2})(?:月|[-/.])(?P<d>\d{1,2})(?:日|号)?(?!\d)"
    rf"|(?P<cy>[{_CN_DIGIT}]{{4}})年(?P<cm>[{_CN_DIGIT}]{{1,2}})月(?P<cd>[{_CN_DIGIT}]{{1,3}})日)")
_MONTH = (r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
# July 20, 2015 / 20 July, 2015 / 7/20/2015 (US order). The lookahead (a digit or a month's initial)
# lets the scan fail at once at other characters.
_EN_DATE = re.compile(
    rf"(?=[\dJFMASOND])(?:\b{_MONTH} (?P<d>\d{{1,2}}),? (?P<y>(?:19|20)\d{{2}})\b"
    rf"|\b(?P<d2>\d{{1,2}}) {_MONTH.replace('mon', 'mon2')},? (?P<y2>(?:19|20)\d{{2}})\b"
    r"|\b(?P<um>\d{1,2})/(?P<ud>\d{1,2})/(?P<uy>(?:19|20)\d{2})\b)")
# An English date needs a month name (each starts with one of these abbreviations) or month/day/year;
# most Chinese pages have neither. Each alternative opens with a plain character, which `re` scans
# for quickly.
_EN_HINT = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|/(?<=\d/)\d{1,2}/(?:19|20)\d{2}")
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_CLOSING = 300
_SHORT = 3  # pages; longer documents are dated by their cover


@lru_cache(maxsize=None)  # a month or a day: at most 3 Chinese digits, a few hundred spellings
def _cn_number(digits: str) -> int:
    return int(cn2an.cn2an(digits, "normal"))


def iso_date(m: re.Match) -> str | None:
    try:
        if m.re is _EN_DATE and m.group("mon"):
            y, mo, d = int(m.group("y")), _MONTHS[m.group("mon")[:3].lower()], int(m.group("d"))
        elif m.re is _EN_DATE and m.group("mon2"):
            y, mo, d = int(m.group("y2")), _MONTHS[m.group("mon2")[:3].lower()], int(m.group("d2"))
        elif m.re is _EN_DATE:
            y, mo, d = int(m.group("uy")), int(m.group("um")), int(m.group("ud"))
        elif m.group("y"):
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        else:
            y = int("".join(str("〇一二三四五六七八九".find(c) if c != "零" else 0) for c in m.group("cy")))
            mo, d = _cn_number(m.group("cm")), _cn_number(m.group("cd"))
        return dt.date(y, mo, d).isoformat()
    except (ValueError, KeyError):
        return None


def _forms(text: str) -> tuple[re.Pattern, ...]:
    """The date patterns that can match in `text`."""
    return (_DATE, _EN_DATE) if _EN_HINT.search(text) else (_DATE,)


def find_date(views: list[View], make: FactMaker) -> list:
    if views[-1].page.n > _SHORT:
        cover = [(views[0], m, iso) for rx in _forms(views[0].text) for m in rx.finditer(views[0].text)
                 if (iso := iso_date(m))]
        if not cover:
            return []
        view, m, iso = max(cover, key=lambda f: f[1].start())
        return [make(view, m.start(), m.end(), "date", iso, "fields.dates")]
    found = []
    for view in views:
        for rx in _forms(view.text):
            for m in rx.finditer(view.text):
                iso = iso_date(m)
                if iso:
                    found.append((view, m, iso))
    if not found:
        return []
    last_view = views[-1]
    closing = [f for f in found if f[0] is last_view and f[1].start() >= len(last_view.text) - _CLOSING]
    view, m, iso = closing[-1] if closing else min(found, key=lambda f: (f[0].page.n, f[1].start()))
    return [make(view, m.start(), m.end(), "date", iso, "fields.dates")]
