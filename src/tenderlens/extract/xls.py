"""Legacy Excel (.xls) with xlrd: one page per sheet, one line per row, tab between cells."""
from __future__ import annotations

import xlrd

from ..model import ExtractionError
from . import Extracted


def extract(data: bytes, name: str = "") -> Extracted:
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as e:
        raise ExtractionError(f"unreadable XLS: {e}") from e
    pages = []
    for sheet in book.sheets():
        rows = ("\t".join(str(c.value) if c.value != "" else "" for c in sheet.row(r)) for r in range(sheet.nrows))
        pages.append(f"{sheet.name}\n" + "\n".join(r for r in rows if r.strip()))
    return Extracted(pages, meta={"sheets": book.sheet_names()})
