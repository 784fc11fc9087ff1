"""HTML notices: encoding detection, then text by block with lxml.

Script, style and comments go. Each block element starts a new paragraph and a
table row is one line with its cells split by tabs, so a quote found in the text
never runs from one block into the next. A line break in the source inside a run
of inline text is layout, not text: it joins two CJK characters with nothing and
anything else with a space, as a browser shows it.
"""
from __future__ import annotations

import re
import unicodedata

import lxml.html
from lxml import etree

from ..model import ExtractionError
from . import Extracted
from .encoding import decode

_DROP = ("script", "style", "noscript", "template", "head", "iframe", "object", "svg")
_BLOCK = frozenset("""address article aside blockquote body caption center dd details dialog dir div dl dt
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main menu nav ol p pre
section summary table tbody thead tfoot tr ul option""".split())
_CELL = frozenset(("td", "th"))
_HEADINGS = ("h1", "h2", "h3")
# Boundaries are marked with noncharacters while source whitespace is folded, then become
# whitespace: a paragraph, a line break, a cell.
_PARA, _LINE, _TAB = "\ufdd0", "\ufdd1", "\ufdd2"
_MARKS = {ord(_PARA): "\n\n", ord(_LINE): "\n", ord(_TAB): "\t"}
_SOURCE_BREAK = re.compile(r"[ \t\r\n\f]*[\r\n][ \t\r\n\f]*")


def extract(data: bytes, name: str = "") -> Extracted:
    text, encoding = decode(data, markup=True)
    body, title = html_to_text(text)
    return Extracted([body], title, {"encoding": encoding})


def html_to_text(markup: str) -> tuple[str, str | None]:
    """Visible text of an HTML page or fragment, by block; and its title (see `_title`)."""
    if not markup.strip():
        raise ExtractionError("empty HTML document")
    if any(m in markup for m in (_PARA, _LINE, _TAB)):
        markup = markup.translate(dict.fromkeys(_MARKS))
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as e:
        raise ExtractionError(f"unparseable HTML: {e}") from e
    title = _title(root)
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *_DROP, with_tail=False)
    for el in root.iter("pre", "textarea"):
        for node in el.iter():
            node.text = node.text and node.text.replace("\n", _LINE)
            if node is not el:
                node.tail = node.tail and node.tail.replace("\n", _LINE)
    # Notices converted from PDF keep each section heading in the title attribute of the section's
    # block (<div title="（三）采购人：">...</div>): it is text the reader saw, so it opens the section.
    # The outermost block's title names the whole document and is left out, as is any tooltip on inline text.
    for el in root.iter("div", "section"):
        heading = (el.get("title") or "").strip()
        parent = el.getparent()
        if heading and parent is not None and parent.tag not in ("body", "html"):
            el.text = heading + "\n\n" + (el.text or "")
    # Boundaries are written into the tree and lxml serialises the text in C: block
    # elements open and close a paragraph, a row ends a line, a cell starts with a tab.
    for el in root.iter(*_BLOCK):
        if el.tag == "tr":
            el.tail = _LINE + (el.tail or "")
        else:
            el.text = _PARA + (el.text or "")
            el.tail = _PARA + (el.tail or "")
    for el in root.iter(*_CELL):
        el.text = _TAB + (el.text or "")
    for el in root.iter("br"):
        el.tail = _LINE + (el.tail or "")
    text = etree.tostring(root, method="text", encoding="unicode")
    return _SOURCE_BREAK.sub(_fold, text).translate(_MARKS), title


def _fold(m: re.Match) -> str:
    """A source line break between two CJK characters is nothing, elsewhere one space (CSS Text 3,
    segment break transformation); the boundary marks keep their own breaks."""
    s, e, text = m.start(), m.end(), m.string
    return "" if 0 < s and e < len(text) and _wide(text[s - 1]) and _wide(text[e]) else " "


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "FWH" and not "\uac00" <= ch <= "\ud7a3"


def _title(root) -> str | None:
    """The document's name: the title attribute of the outermost block of a notice converted from
    PDF (the FDDC announcements), else the first heading, else <title>; source line breaks folded."""
    body = root.find("body")
    outer = [el for el in body if isinstance(el.tag, str)] if body is not None else []
    if len(outer) == 1 and (outer[0].get("title") or "").strip():
        return _SOURCE_BREAK.sub(_fold, outer[0].get("title"))
    title_el = root.find(".//title")
    for el in [*(next((h for h in root.iter(tag) if h.text_content().strip()), None) for tag in _HEADINGS), title_el]:
        if el is not None and el.text_content().strip():
            return _SOURCE_BREAK.sub(_fold, el.text_content().strip())
    return None
