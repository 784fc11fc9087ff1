"""HTML notices: encoding detection, then text by block with lxml.

Script, style and comments go. Each block element starts a new paragraph and a
table row is one line with its cells split by tabs, so a quote found in the text
never runs from one block into the next. A line break in the source inside a run
of inline text is layout, not text: it joins two CJK characters with nothing and
anything else with a space, as a browser shows it.

lxml parses with its huge-tree option, so a text run over 10 MB is kept whole. Past
libxml2's nesting bound (2048 levels) the tree is cut; the page is then read as a
flat stream of text by the standard library's tokenizer, with a warning.
"""
from __future__ import annotations

import re
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
_HEADINGS = ("h1", "h2", "h3")
# Boundaries are marked with noncharacters while source whitespace is folded, then become
# whitespace: a paragraph, a line break, a cell.
_PARA, _LINE, _TAB = "\ufdd0", "\ufdd1", "\ufdd2"
_MARKS = {_PARA: "\n\n", _LINE: "\n", _TAB: "\t"}
_SOURCE_BREAK = re.compile(r"[ \t\r\n\f]*[\r\n][ \t\r\n\f]*")
# East Asian wide, full-width and half-width characters (UAX 11) but Hangul, whose words take spaces.
_WIDE = ("\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uf900-\ufaff\ufe30-\ufe4f"
         "\uff00-\uffdc\uffe0-\uffe6\U00020000-\U0003fffd")
_WIDE_BREAK = re.compile(f"(?<=[{_WIDE}]){_SOURCE_BREAK.pattern}(?=[{_WIDE}])")
_PARSER = lxml.html.HTMLParser(huge_tree=True)


def extract(data: bytes, name: str = "") -> Extracted:
    text, encoding, warning = decode(data, markup=True)
    warnings = [warning] if warning else []
    body, title = html_to_text(text, warnings)
    return Extracted([body], title, {"encoding": encoding}, warnings)


def html_to_text(markup: str, warnings: list[str] | None = None) -> tuple[str, str | None]:
    """Visible text of an HTML page or fragment, by block; and its title (see `_title`).

    What the parser could not keep is appended to `warnings`."""
    if not markup.strip():
        raise ExtractionError("empty HTML document")
    if any(m in markup for m in (_PARA, _LINE, _TAB)):
        markup = markup.translate(dict.fromkeys(map(ord, _MARKS)))
    try:
        root = lxml.html.document_fromstring(markup, parser=_PARSER)
    except (etree.ParserError, ValueError) as e:
        raise ExtractionError(f"unparseable HTML: {e}") from e
    limits = {e.message.split(",")[0].strip() for e in _PARSER.error_log if e.type_name == "ERR_RESOURCE_LIMIT"}
    if limits:
        if warnings is not None:
            warnings.append(f"HTML parser limit: {'; '.join(sorted(limits))}; text read without its layout")
        return _flat_text(markup)
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
    text = _fold(text)
    for mark, space in _MARKS.items():  # str.replace is many times faster than str.translate here
        text = text.replace(mark, space)
    return text, title


def _fold(text: str) -> str:
    """A source line break between two CJK characters is nothing, elsewhere one space (CSS Text 3,
    segment break transformation); the boundary marks keep their own breaks."""
    return _SOURCE_BREAK.sub(" ", _WIDE_BREAK.sub("", text))


def _title(root) -> str | None:
    """The document's name: the title attribute of the outermost block of a notice converted from
    PDF (the FDDC announcements), else the first heading, else <title>; source line breaks folded."""
    body = root.find("body")
    outer = [el for el in body if isinstance(el.tag, str)] if body is not None else []
    if len(outer) == 1 and (outer[0].get("title") or "").strip():
        return _fold(outer[0].get("title"))
    title_el = root.find(".//title")
    for el in [*(next((h for h in root.iter(tag) if h.text_content().strip()), None) for tag in _HEADINGS), title_el]:
        if el is not None and el.text_content().strip():
            return _fold(el.text_content().strip())
    return None


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
