"""HTML notices: encoding detection, then text by block with lxml.

Script, style and comments go. Each block element starts a new paragraph and a
table row is one line with its cells split by tabs, so a quote found in the text
never runs from one block into the next.

lxml parses with its huge-tree option, so a text run over 10 MB is kept whole. Past
libxml2's nesting bound (2048 levels) the tree is cut; the page is then read as a
flat stream of text by the standard library's tokenizer, with a warning.
"""
from __future__ import annotations

from html.parser import HTMLParser

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
_PARSER = lxml.html.HTMLParser(huge_tree=True)


def extract(data: bytes, name: str = "") -> Extracted:
    text, encoding, warning = decode(data, markup=True)
    warnings = [warning] if warning else []
    body, title = html_to_text(text, warnings)
    return Extracted([body], title, {"encoding": encoding}, warnings)


def html_to_text(markup: str, warnings: list[str] | None = None) -> tuple[str, str | None]:
    """Visible text of an HTML page or fragment, by block; and its <title>.

    What the parser could not keep is appended to `warnings`."""
    if not markup.strip():
        raise ExtractionError("empty HTML document")
    try:
        root = lxml.html.document_fromstring(markup, parser=_PARSER)
    except (etree.ParserError, ValueError) as e:
        raise ExtractionError(f"unparseable HTML: {e}") from e
    limits = {e.message.split(",")[0].strip() for e in _PARSER.error_log if e.type_name == "ERR_RESOURCE_LIMIT"}
    if limits:
        if warnings is not None:
            warnings.append(f"HTML parser limit: {'; '.join(sorted(limits))}; text read without its layout")
        return _flat_text(markup)
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


class _FlatText(HTMLParser):
    """Text outside scripts and styles, a paragraph break at each block tag: no tree, so no depth bound."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.hidden = 0
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in _DROP:
            self.hidden += 1
        elif tag in _BLOCK or tag == "br":
            self.parts.append("\n\n" if tag != "br" else "\n")
        elif tag in _CELL:
            self.parts.append("\t")
        self.in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag in _DROP:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")
        self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.hidden:
            self.parts.append(data)


def _flat_text(markup: str) -> tuple[str, str | None]:
    reader = _FlatText()
    reader.feed(markup)
    reader.close()
    return "".join(reader.parts), "".join(reader.title).strip() or None
