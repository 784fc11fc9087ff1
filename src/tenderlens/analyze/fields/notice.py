"""Notice type and project number.

The type is read from the title and the opening lines, where a notice says what it
is; the body of an award notice also talks about tenders and contracts.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from .evidence import FactMaker, View

# Checked in this order: a cancelled or amended tender is first of all a cancellation or amendment;
# a win announced with its contract (中标并签订合同) is an award.
NOTICE_CUES = (
    ("cancellation", r"终止公告|废标|流标|取消.{0,6}(?:招标|采购|公告)|cancell?ation|cancel"),
    ("modification", r"变更公告|更正公告|补充公告|澄清公告|变更|更正|modification|amendment|change order"),
    ("award", r"中标|成交|中选|预中标|入围|(?:采购|招标|比选)?结果公[告示]|award"),
    ("contract", r"签订.{0,12}合同|签署.{0,12}合同|合同的公告|重大合同|合同公告|框架协议|签订.{0,10}协议|签署.{0,10}协议|"
                 r"contract|agreement|purchase order"),
    ("tender", r"招标公告|采购公告|询价|竞争性谈判|竞争性磋商|磋商公告|单一来源|招标文件|采购文件|邀请|"
               r"invitation to bid|request for proposal|RFP|solicitation|tender"),
)
_CUES = [(kind, re.compile(rx, re.I)) for kind, rx in NOTICE_CUES]
_HEAD = 400
# The lookahead lets the search fail at once where no label starts (most of the text).
_PROJECT_NUMBER = re.compile(
    r"(?=[项招采标SB])(?:项目编号|招标编号|采购编号|项目代码|标书编号|采购项目编号|招标项目编号|Solicitation No\.?|Bid No\.?)[:：]?"
    r"(?P<num>[A-Za-z0-9][A-Za-z0-9\-_/\[\]〔〕（）()【】号.]{3,40})", re.I)


_TITLE_END = re.compile(r"公告|公示|通知书|通知|招标文件|采购文件|磋商文件|谈判文件|询价文件|notice|invitation|solicitation", re.I)
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


def find_notice_type(views: list[View], make: FactMaker) -> list:
    view = views[0]
    title = title_span(view)
    start, end = title if title else (0, min(_HEAD, len(view.text)))
    for kind, rx in _CUES:
        m = rx.search(view.text, start, end)
        if m:
            return [make(view, m.start(), m.end(), "notice_type", kind, "fields.notice")]
    return []


def find_project_number(views: list[View], make: FactMaker) -> list:
    for view in views:
        m = _PROJECT_NUMBER.search(view.text)
        if m:
            num = m.group("num").rstrip(".）)】")
            return [make(view, m.start("num"), m.start("num") + len(num), "project_number", num, "fields.notice")]
    return []
