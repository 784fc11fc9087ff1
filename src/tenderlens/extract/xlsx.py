"""Excel 2007+ (.xlsx) with openpyxl: one page per sheet, one line per row, tab between cells."""
from __future__ import annotations

import io

import openpyxl

from ..model import ExtractionError
from . import Extracted


def extract(data: bytes, name: str = "") -> Extracted:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # zipfile, KeyError and XML errors for a damaged workbook
        raise ExtractionError(f"unreadable XLSX: {type(e).__name__}: {e}") from e
    pages = []
    title = book.properties.title
    try:
        for sheet in book.worksheets:
            rows = ("\t".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True))
            pages.append(f"{sheet.title}\n" + "\n".join(r for r in rows if r.strip()))
    finally:
        book.close()
    return Extracted(pages, title, meta={"sheets": [s.split("\n", 1)[0] for s in pages]})
