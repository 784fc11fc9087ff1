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
    parts: list[str] = []
    dropped = None
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if dropped is not None:
            if event == "end" and el is dropped:
                dropped = None
                if el.tail:
                    parts.append(el.tail)
            continue
        if not isinstance(tag, str):  # comment or processing instruction
            if event == "end" and el.tail:
                parts.append(el.tail)
            continue
        if event == "start":
            if tag in _DROP:
                dropped = el
                continue
            if tag == "tr":
                pass  # a row is one line, ended below
            elif tag in _BLOCK:
                parts.append("\n\n")
            elif tag in _CELL:
                parts.append("\t")
            elif tag == "br":
                parts.append("\n")
            if el.text:
                parts.append(el.text)
        else:
            if tag in _BLOCK:
                parts.append("\n\n" if tag != "tr" else "\n")
            if el.tail:
                parts.append(el.tail)
    return "".join(parts), title
