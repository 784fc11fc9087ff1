"""A document's title: the name a reader knows it by, shown in place of a file name.

Each format module offers the title its file states (an HTML heading or <title>, the
FDDC section title, PDF or Office metadata, a JSON record's title). Where the file
states none, or only a placeholder a program wrote (`Microsoft Word - 1.doc`,
`untitled`), the first line of the first page that reads as a heading is the title.
Titles are shown in lists without the masking switch of page text, so ID-card and
mobile numbers in them are masked here, once.
"""
from __future__ import annotations

import re

from ..privacy import mask

MAX_CHARS = 200
_PROGRAM_PREFIX = re.compile(r"^(?:Microsoft (?:Word|Excel|PowerPoint) - |WPS )", re.I)
_FILE_NAME = re.compile(r"^[\w\s.()（）\[\]\-]*\.(?:docx?|xlsx?|pdf|wps|txt|html?|rtf)$", re.I)
_PLACEHOLDER = re.compile(r"^(?:untitled|无标题|title|document\d*|文档\d*|新建.*文档|PowerPoint Presentation|"
                          r"Slide \d+|Sheet\d*|工作表\d*|\d+)$", re.I)
_LETTERS = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]{2,}")
_LABEL_ONLY = re.compile(r"[:：]$")
_LABELLED = re.compile(r"^[^（(：:]{1,12}[：:]")
# Lines of a page's first paragraphs that are furniture, not a heading: codes, dates, page marks.
_FURNITURE = re.compile(r"^(?:证券代码|股票代码|债券代码|公告编号|(?:项目|采购|招标)?编号|第?\s*\d+\s*页|page \d+|"
                        r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$)", re.I)
_FIRST_LINES = 12
_CJK_END = re.compile(r"[\u4e00-\u9fff）)]$")
_CJK_START = re.compile(r"[\u4e00-\u9fff\d（(]")
_WRAPPED_MAX = 80
# A notice laid out as a form names itself in a labelled cell: 标段(包)名称: | NAME.
_NAME_LABEL = re.compile(r"^(?:[\d一二三四五六七八九十]+[、.．]\s*)?(?:(?:采购|招标)?项目名称|工程名称|标段\s*[(（]包[)）]\s*名称|标段名称|"
                         r"project (?:name|title))[ \t]*[:：]?[ \t]*([^\t\n]+)", re.I | re.M)


def choose(stated: str | None, first_page: str, stated_first: bool = True) -> str | None:
    """The stated title, else the first page's heading. PDF metadata often keeps the title of
    the template the file was written from (上海市财政局 on a district's tender), so there the
    stated title must also stand on the first page, or the page's own heading wins."""
    stated = clean(stated)
    if stated and (stated_first or _squeezed(stated) in _squeezed(first_page)):
        return stated
    return first_heading(first_page) or stated


def _squeezed(text: str) -> str:
    return "".join(text.split())


def clean(title: str | None) -> str | None:
    """A stated title on one line, or None when it is a placeholder or a file name."""
    if not title:
        return None
    t = " ".join(title.split())
    t = _PROGRAM_PREFIX.sub("", t).strip()
    if not t or _PLACEHOLDER.match(t) or _FILE_NAME.match(t) or not _LETTERS.search(t):
        return None
    return mask(t[:MAX_CHARS].rstrip())


def first_heading(text: str) -> str | None:
    """The first of a page's opening lines that reads as a heading: one cell, some words, not a
    bare label, not page furniture (stock codes, page numbers, a date), no personal identifier;
    else the value of a project-name label. A Chinese heading a cover page wraps over lines is read whole."""
    lines = [line.strip() for line in text.splitlines()[:_FIRST_LINES * 3]]
    opening = next((line for line in lines if line), "")
    if "\t" in opening and _LABELLED.match(opening) and (name := labelled_name(text)):
        return name  # a page that opens with a form names itself in it, not in a line below
    seen = 0
    for i, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > _FIRST_LINES:
            break
        if not _heading_like(line):
            continue
        for more in lines[i + 1:]:
            if not (_CJK_END.search(line) and _CJK_START.match(more) and _heading_like(more)
                    and len(line) + len(more) <= _WRAPPED_MAX):
                break
            line = f"{line} {more}" if more[0].isdigit() or line[-1].isdigit() else line + more
        if title := clean(line):
            return title
    return labelled_name(text)


def _heading_like(line: str) -> bool:
    return ("\t" not in line and not _LABEL_ONLY.search(line) and not _FURNITURE.match(line)
            and not _LABELLED.match(line) and mask(line) == line and len(line) <= MAX_CHARS and len(_LETTERS.findall(line)) >= 2)


def labelled_name(text: str) -> str | None:
    m = _NAME_LABEL.search(text)
    return clean(m.group(1)) if m else None
