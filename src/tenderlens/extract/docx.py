"""Word 2007+ (.docx) with python-docx: paragraphs and tables in body order.

Explicit page breaks split pages, so a page number in a fact matches the page a
reader sees when the author broke pages by hand; otherwise the file is one page.
"""
from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..model import ExtractionError
from . import Extracted
from .package import check_package

_BREAK = qn("w:br")
_TYPE = qn("w:type")


def extract(data: bytes, name: str = "") -> Extracted:
    check_package(data, "DOCX")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several types for a damaged package
        raise ExtractionError(f"unreadable DOCX: {type(e).__name__}: {e}") from e
    pages: list[list[str]] = [[]]
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            para = Paragraph(child, document)
            pages[-1].append(para.text)
            if any(br.get(_TYPE) == "page" for br in child.iter(_BREAK)):
                pages.append([])
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            for row in table.rows:
                pages[-1].append("\t".join(cell.text for cell in row.cells))
            pages[-1].append("")
    title = document.core_properties.title or None
    texts = ["\n\n".join(p) for p in pages]
    if len(texts) > 1 and not texts[-1].strip():
        texts.pop()
    return Extracted(texts, title)
