"""HTML notices: encoding detection, then text by block with lxml.

Script, style and comments go. Each block element starts a new paragraph and a
table row is one line with its cells split by tabs, so a quote found in the text
never runs from one block into the next.
"""
from __future__ import annotations

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


def extract(data: bytes, name: str = "") -> Extracted:
    text, encoding = decode(data, markup=True)
    body, title = html_to_text(text)
    return Extracted([body], title, {"encoding": encoding})


def html_to_text(markup: str) -> tuple[str, str | None]:
    """Visible text of an HTML page or fragment, by block; and its <title>."""
    if not markup.strip():
        raise ExtractionError("empty HTML document")
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as e:
        raise ExtractionError(f"unparseable HTML: {e}") from e
    title_el = root.find(".//title")
    title = title_el.text_content().strip() if title_el is not None else None
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *_DROP, with_tail=False)
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
            el.tail = "\n" + (el.tail or "")
        else:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
    for el in root.iter(*_CELL):
        el.text = "\t" + (el.text or "")
    for el in root.iter("br"):
        el.tail = "\n" + (el.tail or "")
    return etree.tostring(root, method="text", encoding="unicode"), title
